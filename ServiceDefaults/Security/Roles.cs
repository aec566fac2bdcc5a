namespace WakeDock.ServiceDefaults.Security;

/// <summary>
/// The three roles, lowest first. A role includes every lower one: an operator can do what a
/// viewer can; an admin can do everything.
/// </summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Viewer, Operator, Admin];

    public static bool IsValid(string? role) => role is not null && All.Contains(role);

    /// <summary>0 for viewer, 1 for operator, 2 for admin; -1 for anything else.</summary>
    public static int Rank(string? role) => role is null ? -1 : All.ToList().IndexOf(role);

    public static bool Includes(string? held, string required) => Rank(held) >= Rank(required) && Rank(required) >= 0;
}

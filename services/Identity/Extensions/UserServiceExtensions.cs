namespace WakeDock.Identity.Extensions;

/// <summary>Users and accounts: password policy, bootstrap admin, users, me, API keys, audit trail.</summary>
public static class UserServiceExtensions
{
    public static IHostApplicationBuilder AddUserServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }
}

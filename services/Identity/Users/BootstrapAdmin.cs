using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Users;

/// <summary>
/// Creates the first administrator when no user exists, from <c>Identity:BootstrapAdmin</c>.
/// There is no default password: without one it only warns. Runs after the migration runner
/// (hosted services start in registration order). Safe with several replicas starting at once:
/// the unique index on the user name lets exactly one insert win.
/// </summary>
public sealed partial class BootstrapAdmin(
    IServiceProvider services,
    IdentitySettings settings,
    IPasswordPolicy policy,
    IPasswordHasher<User> hasher,
    TimeProvider time,
    ILogger<BootstrapAdmin> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var bootstrap = settings.BootstrapAdmin;
        if (string.IsNullOrEmpty(bootstrap.Password))
        {
            LogNoPassword(logger);
            return;
        }

        var user = Build(bootstrap);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            LogCreated(logger, user.UserName);
        }
        catch (DbUpdateException exception) when (AccountResult.FromUniqueViolation(exception) is not null)
        {
            LogOtherReplica(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private User Build(BootstrapAdminSettings bootstrap)
    {
        var userName = UserInput.NormalizeUserName(bootstrap.UserName ?? string.Empty);
        var email = UserInput.NormalizeEmail(bootstrap.Email);
        var problems = new List<string>();
        if (UserInput.CheckUserName(userName) is { } nameProblem)
        {
            problems.Add($"Identity:BootstrapAdmin:UserName: {nameProblem}");
        }

        if (email is not null && UserInput.CheckEmail(email) is { } emailProblem)
        {
            problems.Add($"Identity:BootstrapAdmin:Email: {emailProblem}");
        }

        problems.AddRange(policy.Validate(bootstrap.Password, userName).Select(problem => $"Identity:BootstrapAdmin:Password: {problem}"));
        if (problems.Count > 0)
        {
            // Failing the start is deliberate: an admin with a weak password is worse than none.
            throw new InvalidOperationException(
                "Cannot create the first administrator: " + string.Join(" ", problems)
                + " Fix the setting (environment variable Identity__BootstrapAdmin__Password, or the AppHost's admin-password parameter) and start again.");
        }

        var now = time.GetUtcNow();
        var user = new User
        {
            UserName = userName,
            Email = email,
            DisplayName = "Administrator",
            PasswordHash = "",
            Role = Roles.Admin,
            CreatedAt = now,
            UpdatedAt = now,
            PasswordChangedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, bootstrap.Password!);
        return user;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No user exists and no first administrator is configured, so nobody can sign in. "
        + "Set Identity:BootstrapAdmin:Password (environment variable Identity__BootstrapAdmin__Password; the AppHost sets it from its admin-password parameter) "
        + "and optionally Identity:BootstrapAdmin:UserName, then restart Identity.")]
    private static partial void LogNoPassword(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first administrator '{UserName}' from Identity:BootstrapAdmin")]
    private static partial void LogCreated(ILogger logger, string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another replica created the first administrator at the same time; nothing to do")]
    private static partial void LogOtherReplica(ILogger logger);
}

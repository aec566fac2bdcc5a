using WakeDock.Identity.Users;

namespace WakeDock.Identity.Extensions;

/// <summary>Users and accounts: password policy, bootstrap admin, users, me, API keys, audit trail.</summary>
public static class UserServiceExtensions
{
    public static IHostApplicationBuilder AddUserServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<IPasswordPolicy, PasswordPolicy>();
        services.AddScoped<IAuditTrail, AuditTrail>();
        services.AddScoped<UserAccounts>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<ApiKeys>();

        // After the migration runner (registered before this), so the tables exist.
        services.AddHostedService<BootstrapAdmin>();
        services.AddHostedService<ApiKeyProjector>();
        return builder;
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Npgsql;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults;
using WakeDock.ServiceDefaults.Caching;
using WakeDock.ServiceDefaults.Data;
using WakeDock.ServiceDefaults.Messaging;

namespace WakeDock.Identity.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>
    /// Identity's wiring: its database (migrated at start-up), Redis, the bus, settings, and the
    /// three areas — tokens and sessions, users and accounts, sign-in and defence.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ResourceNames.Database);
        builder.AddRedisClient(ResourceNames.Redis);
        builder.AddWakeDockMessaging(ResourceNames.Bus);

        builder.Services.AddOptions<IdentitySettings>()
            .Bind(builder.Configuration.GetSection(IdentitySettings.Section))
            .Validate(settings => !string.IsNullOrWhiteSpace(settings.KeyEncryptionSecret) && settings.KeyEncryptionSecret.Length >= 16,
                "Identity:KeyEncryptionSecret is missing or shorter than 16 characters (environment variable Identity__KeyEncryptionSecret; the AppHost sets it from the identity-key-secret parameter)")
            .ValidateOnStart();
        builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<IdentitySettings>>().Value);

        builder.Services.AddDbContext<IdentityDbContext>((services, options) =>
            IdentityDatabase.Configure(options, services.GetRequiredService<NpgsqlDataSource>()));
        // Registered first: hosted services start in order, and the others need the schema.
        builder.Services.AddHostedService<MigrationRunner<IdentityDbContext>>();

        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();

        builder.AddTokenServices();
        builder.AddUserServices();
        builder.AddDefenceServices();
        return builder;
    }
}

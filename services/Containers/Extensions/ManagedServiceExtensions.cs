using Npgsql;
using WakeDock.Containers.Infrastructure;
using WakeDock.Containers.Services;
using WakeDock.ServiceDefaults.Data;

namespace WakeDock.Containers.Extensions;

public static class ManagedServiceExtensions
{
    /// <summary>
    /// Managed services: the <c>containers</c> schema on the shared data source (migrated at
    /// start-up) and the service store. Needs <c>AddNpgsqlDataSource</c> first.
    /// </summary>
    public static IHostApplicationBuilder AddManagedServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddDbContext<ContainersDbContext>((services, options) =>
            ContainersDatabase.Configure(options, services.GetRequiredService<NpgsqlDataSource>()));
        // Hosted services start in order: whatever needs the schema is registered after this.
        builder.Services.AddHostedService<MigrationRunner<ContainersDbContext>>();
        builder.Services.AddScoped<ServiceStore>();
        return builder;
    }
}

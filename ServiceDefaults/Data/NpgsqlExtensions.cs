using Npgsql;

namespace WakeDock.ServiceDefaults.Data;

/// <summary>PostgreSQL the way Aspire.Npgsql gives it: one pooled data source, a health check, tracing.</summary>
public static class NpgsqlExtensions
{
    public static IHostApplicationBuilder AddNpgsqlDataSource(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<NpgsqlDataSourceBuilder>? configureDataSource = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = ClientSettings.Read(builder.Configuration, "Npgsql", connectionName);

        builder.Services.AddSingleton(services =>
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
            dataSourceBuilder.UseLoggerFactory(services.GetService<ILoggerFactory>());
            configureDataSource?.Invoke(dataSourceBuilder);
            return dataSourceBuilder.Build();
        });

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().AddNpgSql(
                services => services.GetRequiredService<NpgsqlDataSource>(),
                name: $"postgres:{connectionName}",
                tags: ["ready", "postgres"],
                timeout: TimeSpan.FromSeconds(5));
        }

        return builder;
    }
}

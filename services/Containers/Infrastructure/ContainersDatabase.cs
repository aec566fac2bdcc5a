using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace WakeDock.Containers.Infrastructure;

/// <summary>How the Containers DbContext talks to PostgreSQL, shared by the app and the design-time factory.</summary>
public static class ContainersDatabase
{
    public static void Configure(DbContextOptionsBuilder options, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__migrations", ContainersDbContext.Schema))
            .UseSnakeCaseNamingConvention();
    }

    public static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable("__migrations", ContainersDbContext.Schema))
            .UseSnakeCaseNamingConvention();
    }
}

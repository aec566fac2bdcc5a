using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace WakeDock.Identity.Infrastructure;

/// <summary>How Identity's DbContext talks to PostgreSQL, shared by the app and the design-time factory.</summary>
public static class IdentityDatabase
{
    public static void Configure(DbContextOptionsBuilder options, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__migrations", IdentityDbContext.Schema))
            .UseSnakeCaseNamingConvention();
    }

    public static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable("__migrations", IdentityDbContext.Schema))
            .UseSnakeCaseNamingConvention();
    }
}

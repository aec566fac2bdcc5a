using Microsoft.EntityFrameworkCore;

namespace WakeDock.ServiceDefaults.Data;

/// <summary>
/// Applies a DbContext's pending migrations before the service takes requests. Retries while
/// PostgreSQL is not reachable yet, so start order does not matter; PostgreSQL's advisory lock
/// inside EF's migrator keeps two replicas from migrating at once. Register it before any hosted
/// service that needs the schema: hosted services start in registration order.
/// </summary>
public sealed partial class MigrationRunner<TContext>(IServiceProvider services, ILogger<MigrationRunner<TContext>> logger) : IHostedService
    where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var database = scope.ServiceProvider.GetRequiredService<TContext>().Database;
                var pending = (await database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                await database.MigrateAsync(cancellationToken);
                LogMigrated(logger, typeof(TContext).Name, pending.Count);
                return;
            }
            catch (Npgsql.NpgsqlException exception) when (attempt < 10 && !cancellationToken.IsCancellationRequested)
            {
                LogRetry(logger, exception, delay.TotalSeconds);
                await Task.Delay(delay, cancellationToken);
                delay *= 2;
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Context} schema is up to date ({Applied} migration(s) applied)")]
    private static partial void LogMigrated(ILogger logger, string context, int applied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL is not reachable yet; retrying the migration in {DelaySeconds} s")]
    private static partial void LogRetry(ILogger logger, Exception exception, double delaySeconds);
}

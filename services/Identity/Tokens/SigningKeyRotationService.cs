using System.Data.Common;

namespace WakeDock.Identity.Tokens;

/// <summary>
/// Makes sure a signing key exists before the service takes requests (it starts after the
/// <see cref="Infrastructure.MigrationRunner"/>), then rotates and prunes keys on schedule.
/// </summary>
public sealed partial class SigningKeyRotationService(SigningKeyStore store, TimeProvider time, ILogger<SigningKeyRotationService> logger) : BackgroundService
{
    /// <summary>How often the schedule is checked; removals may lag their due time by this much.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var maintenance = await store.MaintainAsync(forceRotation: false, client: null, cancellationToken);
        LogReady(logger, maintenance.ActiveKeyId);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.MaintainAsync(forceRotation: false, client: null, stoppingToken);
            }
            catch (Exception exception) when (exception is DbException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                // The next tick tries again; the current key keeps signing meanwhile.
                LogFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing key {KeyId} is active")]
    private static partial void LogReady(ILogger logger, string keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing key maintenance failed; retrying on the next check")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

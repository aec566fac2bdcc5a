using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace WakeDock.ServiceDefaults.Security;

/// <summary>
/// Identity's JWKS fetched over HTTP (service discovery resolves <c>http://identity</c>), cached
/// for <see cref="WakeDockAuthenticationOptions.JwksRefreshInterval"/> and fetched again early when
/// a token names an unknown <c>kid</c> (a rotation), at most once per minimum interval.
/// </summary>
public sealed partial class HttpJwksSource(
    IHttpClientFactory httpClients,
    IOptions<WakeDockAuthenticationOptions> options,
    TimeProvider time,
    ILogger<HttpJwksSource> logger) : IJwksSource, IDisposable
{
    public const string HttpClientName = "wakedock-jwks";

    private static readonly TimeSpan FailedFetchRetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile Snapshot snapshot = new([], DateTimeOffset.MinValue);
    private DateTimeOffset lastAttempt = DateTimeOffset.MinValue;

    public IReadOnlyCollection<SecurityKey> Current => snapshot.Keys;

    public async ValueTask RefreshAsync(string? keyId, CancellationToken cancellationToken)
    {
        if (!NeedsFetch(keyId))
        {
            return;
        }

        // One fetch at a time; requests that waited find the keys fresh (or the attempt too recent).
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!NeedsFetch(keyId))
            {
                return;
            }

            var settings = options.Value;
            try
            {
                var client = httpClients.CreateClient(HttpClientName);
                var json = await client.GetStringAsync(settings.JwksUri, cancellationToken);
                var keys = EcJsonWebKey.ParseSet(json);
                snapshot = new Snapshot(keys, time.GetUtcNow());
                // Set after the fetch, not before: a request arriving meanwhile must wait at the gate
                // for these keys instead of passing the min-interval check with none (401s on a cold start).
                lastAttempt = time.GetUtcNow();
                LogFetched(logger, keys.Count, settings.JwksUri);
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
            {
                LogFetchFailed(logger, exception, settings.JwksUri);
                // A failed fetch (Identity restarting, a slow moment) may be retried soon; only
                // successful fetches hold off the next one for the full minimum interval.
                lastAttempt = time.GetUtcNow() - settings.JwksMinimumRefetchInterval + FailedFetchRetryDelay;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private bool NeedsFetch(string? keyId)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (now - lastAttempt < settings.JwksMinimumRefetchInterval)
        {
            return false;
        }

        var current = snapshot;
        return now - current.FetchedAt >= settings.JwksRefreshInterval
            || (keyId is not null && !current.Keys.Any(key => key.KeyId == keyId));
    }

    public void Dispose() => gate.Dispose();

    private sealed record Snapshot(IReadOnlyCollection<SecurityKey> Keys, DateTimeOffset FetchedAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fetched {Count} signing key(s) from {JwksUri}")]
    private static partial void LogFetched(ILogger logger, int count, Uri jwksUri);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch the signing keys from {JwksUri}; the last known keys stay in use")]
    private static partial void LogFetchFailed(ILogger logger, Exception exception, Uri jwksUri);
}

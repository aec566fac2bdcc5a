using System.Data.Common;
using Microsoft.IdentityModel.Tokens;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tokens;

/// <summary>Identity validates its own tokens against its key store, not over HTTP.</summary>
public sealed partial class LocalJwksSource(SigningKeyStore store, ILogger<LocalJwksSource> logger) : IJwksSource
{
    public IReadOnlyCollection<SecurityKey> Current => store.PublishedKeys;

    public async ValueTask RefreshAsync(string? keyId, CancellationToken cancellationToken)
    {
        try
        {
            await store.RefreshAsync(keyId, cancellationToken);
        }
        catch (Exception exception) when (exception is DbException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            LogRefreshFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload the signing keys; the last known keys stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}

using Microsoft.IdentityModel.Tokens;

namespace WakeDock.ServiceDefaults.Security;

/// <summary>
/// Where a service gets the public keys that sign access tokens: Identity's JWKS over HTTP for
/// every other service, Identity's own key store inside Identity.
/// </summary>
public interface IJwksSource
{
    /// <summary>The keys as last loaded (no I/O): read by the synchronous signing-key resolver.</summary>
    IReadOnlyCollection<SecurityKey> Current { get; }

    /// <summary>
    /// Makes <see cref="Current"/> fresh before a token is validated: loads when the keys are stale
    /// or when <paramref name="keyId"/> is not among them (throttled). Never throws for an
    /// unreachable source; the last known keys stay in use.
    /// </summary>
    ValueTask RefreshAsync(string? keyId, CancellationToken cancellationToken);
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using WakeDock.Identity.Defence;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tokens;

public enum KeyRemoval
{
    Removed,
    NotFound,
    Active,
}

/// <summary>What one maintenance pass did.</summary>
public sealed record KeyMaintenance(string ActiveKeyId, string? RetiredKeyId, int Removed);

/// <summary>
/// The ES256 signing keys in <c>identity.signing_keys</c>, cached in memory. Every change runs
/// under a PostgreSQL advisory lock, so replicas never create two active keys at once; each
/// replica reloads at least every <see cref="CacheLifetime"/> to see the others' changes.
/// </summary>
public sealed partial class SigningKeyStore(
    IServiceScopeFactory scopes,
    SigningKeyProtector protector,
    IdentitySettings settings,
    TimeProvider time,
    ILogger<SigningKeyStore> logger) : IDisposable
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    /// <summary>The clock skew validators allow (WakeDockAuthenticationOptions.ClockSkew's default).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan UnknownKeyReloadInterval = TimeSpan.FromSeconds(1);

    // Arbitrary but fixed: the advisory lock every replica takes to change keys ("WDKEYS").
    private const long LockId = 0x5744_4B45_5953;

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ConcurrentDictionary<string, ECDsa> privateKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ECDsaSecurityKey> publicKeys = new(StringComparer.Ordinal);
    private volatile KeyRing ring = new(null, [], DateTimeOffset.MinValue);

    /// <summary>The published keys as last loaded (no I/O).</summary>
    public IReadOnlyList<ECDsaSecurityKey> PublishedKeys => ring.Published;

    /// <summary>
    /// How long a retired key stays published: every token it signed must have expired, even one
    /// signed by a replica whose cache still had it as the active key.
    /// </summary>
    public TimeSpan RetentionAfterRetirement => settings.AccessTokenLifetime + ClockSkew + CacheLifetime;

    public async ValueTask<SigningCredentials> GetSigningCredentialsAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(null, cancellationToken);
        if (ring.Signing is null)
        {
            await MaintainAsync(forceRotation: false, client: null, cancellationToken);
        }

        return ring.Signing ?? throw new InvalidOperationException("There is no active signing key");
    }

    public async ValueTask<IReadOnlyList<ECDsaSecurityKey>> GetPublishedKeysAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(null, cancellationToken);
        return ring.Published;
    }

    /// <summary>Reloads when the cache is older than <see cref="CacheLifetime"/>, or when <paramref name="keyId"/> is unknown (throttled).</summary>
    public async ValueTask RefreshAsync(string? keyId, CancellationToken cancellationToken)
    {
        if (!IsStale(keyId))
        {
            return;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (IsStale(keyId))
            {
                await ReloadAsync(cancellationToken);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<IReadOnlyList<SigningKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return await db.SigningKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Ensures one active key, rotates when it is older than the rotation interval (or now, when
    /// forced, or when it cannot be decrypted), and removes retired keys past their retention.
    /// </summary>
    public async Task<KeyMaintenance> MaintainAsync(bool forceRotation, ClientInfo? client, CancellationToken cancellationToken, Guid? actorId = null, string? actorName = null)
    {
        var now = time.GetUtcNow();
        SigningKey active;
        string? retiredKeyId = null;
        var removed = 0;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockId})", cancellationToken);

            var live = await db.SigningKeys.Where(k => k.RemovedAt == null).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
            var actives = live.Where(k => k.RetiredAt is null).ToList();
            foreach (var stray in actives.Skip(1))
            {
                stray.RetiredAt = now;
            }

            var current = actives.FirstOrDefault();
            if (current is null || forceRotation || now - current.CreatedAt >= settings.SigningKeyRotationInterval || !CanDecrypt(current))
            {
                active = Generate(now);
                db.SigningKeys.Add(active);
                if (current is not null)
                {
                    current.RetiredAt = now;
                    retiredKeyId = current.KeyId;
                }
            }
            else
            {
                active = current;
            }

            foreach (var key in live.Where(k => k.RetiredAt is { } retiredAt && retiredAt + RetentionAfterRetirement <= now))
            {
                key.RemovedAt = now;
                removed++;
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            if (retiredKeyId is not null)
            {
                LogRotated(logger, active.KeyId, retiredKeyId);
                await scope.ServiceProvider.GetRequiredService<ISecurityEvents>().RecordAsync(
                    SecurityEventTypes.SigningKeyRotated, client, actorId, actorName,
                    new { keyId = active.KeyId, retiredKeyId, forced = forceRotation }, CancellationToken.None);
            }
        }

        if (removed > 0)
        {
            LogRemoved(logger, removed);
        }

        await ReloadLockedAsync(cancellationToken);
        return new KeyMaintenance(active.KeyId, retiredKeyId, removed);
    }

    /// <summary>Removes a retired key at once (tokens it signed stop validating); the active key cannot be removed.</summary>
    public async Task<KeyRemoval> RemoveAsync(string keyId, CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockId})", cancellationToken);
            var key = await db.SigningKeys.FirstOrDefaultAsync(k => k.KeyId == keyId && k.RemovedAt == null, cancellationToken);
            if (key is null)
            {
                return KeyRemoval.NotFound;
            }

            if (key.RetiredAt is null)
            {
                return KeyRemoval.Active;
            }

            key.RemovedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        LogRemoved(logger, 1);
        await ReloadLockedAsync(cancellationToken);
        return KeyRemoval.Removed;
    }

    private bool IsStale(string? keyId)
    {
        var current = ring;
        var age = time.GetUtcNow() - current.LoadedAt;
        return age >= CacheLifetime
            || (keyId is not null && age >= UnknownKeyReloadInterval && !current.Published.Any(k => k.KeyId == keyId));
    }

    private async Task ReloadLockedAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await ReloadAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        List<SigningKey> rows;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            rows = await db.SigningKeys.AsNoTracking().Where(k => k.RemovedAt == null).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
        }

        var published = rows.Select(row => publicKeys.GetOrAdd(row.KeyId, _ => PublicKey(row))).ToList();
        var active = rows.FirstOrDefault(k => k.RetiredAt is null);
        SigningCredentials? signing = null;
        if (active is not null && TryPrivateKey(active, out var privateKey))
        {
            signing = new SigningCredentials(new ECDsaSecurityKey(privateKey) { KeyId = active.KeyId }, SecurityAlgorithms.EcdsaSha256);
        }

        // Forget what is no longer published or signing; objects in use elsewhere are left to the GC.
        foreach (var keyId in publicKeys.Keys.Where(id => rows.All(r => r.KeyId != id)))
        {
            publicKeys.TryRemove(keyId, out _);
        }

        foreach (var keyId in privateKeys.Keys.Where(id => id != active?.KeyId))
        {
            privateKeys.TryRemove(keyId, out _);
        }

        ring = new KeyRing(signing, published, time.GetUtcNow());
    }

    private SigningKey Generate(DateTimeOffset now)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var keyId = EcJsonWebKey.Thumbprint(ecdsa);
        var pkcs8 = ecdsa.ExportPkcs8PrivateKey();
        try
        {
            return new SigningKey
            {
                KeyId = keyId,
                Algorithm = WakeDockAuthenticationDefaults.Algorithm,
                EncryptedPrivateKey = protector.Protect(pkcs8, keyId),
                PublicKey = ecdsa.ExportSubjectPublicKeyInfo(),
                CreatedAt = now,
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private static ECDsaSecurityKey PublicKey(SigningKey row)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(row.PublicKey, out _);
        return new ECDsaSecurityKey(ecdsa) { KeyId = row.KeyId };
    }

    private bool CanDecrypt(SigningKey row) => TryPrivateKey(row, out _);

    private bool TryPrivateKey(SigningKey row, out ECDsa key)
    {
        if (privateKeys.TryGetValue(row.KeyId, out key!))
        {
            return true;
        }

        byte[]? pkcs8 = null;
        try
        {
            pkcs8 = protector.Unprotect(row.EncryptedPrivateKey, row.KeyId);
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            key = privateKeys.GetOrAdd(row.KeyId, ecdsa);
            return true;
        }
        catch (CryptographicException)
        {
            // A changed KeyEncryptionSecret: maintenance replaces the key instead of failing start-up.
            LogUndecryptable(logger, row.KeyId);
            return false;
        }
        finally
        {
            if (pkcs8 is not null)
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
        }
    }

    public void Dispose() => gate.Dispose();

    private sealed record KeyRing(SigningCredentials? Signing, IReadOnlyList<ECDsaSecurityKey> Published, DateTimeOffset LoadedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Signing key rotated: {KeyId} signs now, {RetiredKeyId} is retired")]
    private static partial void LogRotated(ILogger logger, string keyId, string retiredKeyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} retired signing key(s) removed from the key set")]
    private static partial void LogRemoved(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Signing key {KeyId} cannot be decrypted (was Identity:KeyEncryptionSecret changed?); it will be replaced")]
    private static partial void LogUndecryptable(ILogger logger, string keyId);
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Users;

/// <summary>An API key as lists show it (never the secret nor its hash).</summary>
public sealed record ApiKeyView(
    Guid Id,
    string Name,
    string Prefix,
    string Role,
    Guid UserId,
    string? UserName,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt);

/// <summary>
/// API keys: PostgreSQL holds the truth (SHA-256 of the key); Redis holds the projection every
/// service's authentication reads (<see cref="AuthRedisKeys.ApiKey"/>). A key is projected
/// while it is unrevoked, unexpired and its owner enabled, with the lower of its own and its
/// owner's role, so demoting a user also demotes their keys.
/// </summary>
public sealed class ApiKeys(IdentityDbContext db, IConnectionMultiplexer redis, TimeProvider time)
{
    public const string KeyPrefix = "wdk_";

    /// <summary>Stores a new key for <paramref name="owner"/> and answers it with the full key, which is never available again.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(User owner, string name, string role, int? expiresInDays, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var prefix = KeyPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        // 256 random bits: base64url without padding is 43 characters.
        var secret = $"{prefix}_{System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        var now = time.GetUtcNow();
        var key = new ApiKey
        {
            UserId = owner.Id,
            Name = name,
            Prefix = prefix,
            KeyHash = Hash(secret),
            Role = role,
            CreatedAt = now,
            ExpiresAt = expiresInDays is { } days ? now.AddDays(days) : null,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(key).State = EntityState.Detached;
        await ProjectAsync(key, owner);
        return (key, secret);
    }

    /// <summary>Unrevoked keys of one user (or of everyone when null), with their last use from Redis.</summary>
    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(Guid? userId, CancellationToken cancellationToken)
    {
        var rows = await (from key in db.ApiKeys.AsNoTracking()
                          join user in db.Users.AsNoTracking() on key.UserId equals user.Id
                          where key.RevokedAt == null && (userId == null || key.UserId == userId)
                          orderby key.CreatedAt descending
                          select new { key, user.UserName }).Take(1000).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        var lastUsed = await redis.GetDatabase().HashGetAsync(
            AuthRedisKeys.ApiKeyLastUsed, [.. rows.Select(row => (RedisValue)row.key.Id.ToString())]);
        return [.. rows.Select((row, index) => new ApiKeyView(
            row.key.Id, row.key.Name, row.key.Prefix, row.key.Role, row.key.UserId, row.UserName,
            row.key.CreatedAt, row.key.ExpiresAt, ParseTime(lastUsed[index]) ?? row.key.LastUsedAt))];
    }

    /// <summary>An unrevoked key by id (not tracked), or null.</summary>
    public Task<ApiKey?> FindActiveAsync(Guid id, CancellationToken cancellationToken)
        => db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id && k.RevokedAt == null, cancellationToken);

    /// <summary>Revokes a key: its projection goes first, so a failure leaves it unusable rather than live.</summary>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id && k.RevokedAt == null, cancellationToken);
        if (key is null)
        {
            return false;
        }

        var database = redis.GetDatabase();
        await database.KeyDeleteAsync(AuthRedisKeys.ApiKey(key.KeyHash));
        key.RevokedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(key).State = EntityState.Detached;
        // Again after the commit: a start-up re-projection that read the key before it may have rewritten it.
        await database.KeyDeleteAsync(AuthRedisKeys.ApiKey(key.KeyHash));
        await database.HashDeleteAsync(AuthRedisKeys.ApiKeyLastUsed, key.Id.ToString());
        return true;
    }

    /// <summary>Removes the projections of all of a user's keys (disable, delete): they stop working at once.</summary>
    public async Task RemoveProjectionsAsync(Guid userId, CancellationToken cancellationToken)
    {
        var hashes = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).Select(k => k.KeyHash).ToListAsync(cancellationToken);
        if (hashes.Count > 0)
        {
            await redis.GetDatabase().KeyDeleteAsync([.. hashes.Select(hash => (RedisKey)AuthRedisKeys.ApiKey(hash))]);
        }
    }

    /// <summary>Writes the projections of a user's active keys again (enable, role change); removes them if the user is disabled.</summary>
    public async Task ReprojectUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null || !user.IsEnabled)
        {
            await RemoveProjectionsAsync(userId, cancellationToken);
            return;
        }

        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId && k.RevokedAt == null).ToListAsync(cancellationToken);
        foreach (var key in keys)
        {
            await ProjectAsync(key, user);
        }
    }

    /// <summary>
    /// Makes Redis agree with PostgreSQL for every key (Redis may have been flushed or missed a
    /// revocation): projects the active ones and deletes the rest. Answers how many are active.
    /// </summary>
    public async Task<int> ReprojectAllAsync(CancellationToken cancellationToken)
    {
        var rows = await (from key in db.ApiKeys.AsNoTracking()
                          join user in db.Users.AsNoTracking() on key.UserId equals user.Id
                          select new { key, user }).ToListAsync(cancellationToken);
        var active = 0;
        foreach (var row in rows)
        {
            if (await ProjectAsync(row.key, row.user))
            {
                active++;
            }
        }

        return active;
    }

    /// <summary>Projects one key, or deletes its projection when it must not work. True when projected.</summary>
    private async Task<bool> ProjectAsync(ApiKey key, User owner)
    {
        var database = redis.GetDatabase();
        var redisKey = AuthRedisKeys.ApiKey(key.KeyHash);
        var now = time.GetUtcNow();
        if (key.RevokedAt is not null || key.ExpiresAt <= now || !owner.IsEnabled)
        {
            await database.KeyDeleteAsync(redisKey);
            return false;
        }

        var role = Roles.Rank(key.Role) <= Roles.Rank(owner.Role) ? key.Role : owner.Role;
        var transaction = database.CreateTransaction();
        _ = transaction.KeyDeleteAsync(redisKey);
        _ = transaction.HashSetAsync(redisKey,
        [
            new HashEntry("id", key.Id.ToString()),
            new HashEntry("userId", owner.Id.ToString()),
            new HashEntry("userName", owner.UserName),
            new HashEntry("role", role),
            new HashEntry("name", key.Name),
            new HashEntry("expiresAt", key.ExpiresAt?.ToString("O", CultureInfo.InvariantCulture) ?? string.Empty),
        ]);
        if (key.ExpiresAt is { } expiresAt)
        {
            _ = transaction.KeyExpireAsync(redisKey, expiresAt.UtcDateTime);
        }

        await transaction.ExecuteAsync();
        return true;
    }

    /// <summary>Lowercase hex SHA-256 of the whole key, as stored and as the Redis projection is named.</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    private static DateTimeOffset? ParseTime(RedisValue value)
        => value.HasValue && DateTimeOffset.TryParse(value.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
}

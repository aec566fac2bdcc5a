using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.Security;
using ClientInfo = WakeDock.Identity.Model.ClientInfo;

namespace WakeDock.Identity.Sessions;

/// <summary>
/// Sessions as Redis hashes (<see cref="AuthRedisKeys.Session"/>) whose TTL is the idle timeout
/// capped by the absolute expiry, plus a set of ids per user. Every service's authentication
/// rejects a token whose session key is gone, so deleting the key ends the session everywhere.
/// </summary>
public sealed class RedisSessionStore(
    IConnectionMultiplexer redis,
    IdentityDbContext db,
    IdentitySettings settings,
    TimeProvider time) : ISessionStore
{
    // Slides only a session that still exists: a concurrent revoke must win over a touch.
    private const string TouchScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1])
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;

    private IDatabase Redis => redis.GetDatabase();

    public async Task<SessionInfo> CreateAsync(User user, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(client);
        var now = time.GetUtcNow();
        var session = new SessionInfo(NewSessionId(), user.Id, now, now, now + settings.SessionAbsoluteLifetime, client.IpAddress, client.UserAgent);
        var key = AuthRedisKeys.Session(session.SessionId);

        var transaction = Redis.CreateTransaction();
        _ = transaction.HashSetAsync(key,
        [
            new HashEntry("userId", user.Id.ToString()),
            new HashEntry("userName", user.UserName),
            new HashEntry("role", user.Role),
            new HashEntry("createdAt", Format(session.CreatedAt)),
            new HashEntry("lastSeenAt", Format(session.LastSeenAt)),
            new HashEntry("expiresAt", Format(session.ExpiresAt)),
            new HashEntry("ip", client.IpAddress),
            new HashEntry("userAgent", client.UserAgent ?? string.Empty),
        ]);
        _ = transaction.KeyExpireAsync(key, IdleTtl(session.ExpiresAt, now));
        _ = transaction.SetAddAsync(AuthRedisKeys.UserSessions(user.Id), session.SessionId);
        // The set outlives every session in it; stale members are dropped when it is listed.
        _ = transaction.KeyExpireAsync(AuthRedisKeys.UserSessions(user.Id), settings.SessionAbsoluteLifetime);
        await transaction.ExecuteAsync();
        return session;
    }

    public async Task<bool> TouchAsync(string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var key = AuthRedisKeys.Session(sessionId);
        var expiresAt = ParseTime(await Redis.HashGetAsync(key, "expiresAt"));
        var now = time.GetUtcNow();
        if (expiresAt is null)
        {
            return false;
        }

        var ttl = IdleTtl(expiresAt.Value, now);
        if (ttl <= TimeSpan.Zero)
        {
            await Redis.KeyDeleteAsync(key);
            return false;
        }

        var touched = await Redis.ScriptEvaluateAsync(TouchScript, [key], [Format(now), (long)Math.Ceiling(ttl.TotalMilliseconds)]);
        return (long)touched == 1;
    }

    public async Task<SessionInfo?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var session = Parse(sessionId, await Redis.HashGetAllAsync(AuthRedisKeys.Session(sessionId)));
        return session is not null && session.ExpiresAt > time.GetUtcNow() ? session : null;
    }

    public async Task<IReadOnlyList<SessionInfo>> ListForUserAsync(Guid userId, CancellationToken cancellationToken)
    {
        var ids = (await Redis.SetMembersAsync(AuthRedisKeys.UserSessions(userId))).Select(id => id.ToString()).ToList();
        var batch = Redis.CreateBatch();
        var reads = ids.Select(id => batch.HashGetAllAsync(AuthRedisKeys.Session(id))).ToList();
        batch.Execute();
        await Task.WhenAll(reads);

        var now = time.GetUtcNow();
        var sessions = new List<SessionInfo>();
        var stale = new List<RedisValue>();
        for (var i = 0; i < ids.Count; i++)
        {
            var session = Parse(ids[i], reads[i].Result);
            if (session is not null && session.UserId == userId && session.ExpiresAt > now)
            {
                sessions.Add(session);
            }
            else
            {
                stale.Add(ids[i]);
            }
        }

        if (stale.Count > 0)
        {
            await Redis.SetRemoveAsync(AuthRedisKeys.UserSessions(userId), [.. stale]);
        }

        return [.. sessions.OrderByDescending(s => s.LastSeenAt)];
    }

    public async Task<bool> RevokeAsync(string sessionId, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var key = AuthRedisKeys.Session(sessionId);
        var userId = (string?)await Redis.HashGetAsync(key, "userId");
        var deleted = await Redis.KeyDeleteAsync(key);
        if (Guid.TryParse(userId, out var owner))
        {
            await Redis.SetRemoveAsync(AuthRedisKeys.UserSessions(owner), sessionId);
        }

        // Also when the key had already expired: its refresh tokens must not outlive it.
        var now = time.GetUtcNow();
        var tokens = await db.RefreshTokens.Where(t => t.SessionId == sessionId && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedReason, Truncate(reason)), CancellationToken.None);
        return deleted || tokens > 0;
    }

    public async Task<int> RevokeAllForUserAsync(Guid userId, string reason, CancellationToken cancellationToken)
    {
        var setKey = AuthRedisKeys.UserSessions(userId);
        var ids = await Redis.SetMembersAsync(setKey);
        var keys = ids.Select(id => (RedisKey)AuthRedisKeys.Session(id.ToString())).Append(setKey).ToArray();
        var deleted = (int)await Redis.KeyDeleteAsync(keys);
        var sessionsDeleted = Math.Max(0, deleted - (ids.Length > 0 ? 1 : 0));

        var now = time.GetUtcNow();
        await db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedReason, Truncate(reason)), CancellationToken.None);
        return sessionsDeleted;
    }

    /// <summary>128 random bits, URL-safe (it appears in <c>DELETE …/sessions/{sid}</c>).</summary>
    private static string NewSessionId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    private TimeSpan IdleTtl(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var untilAbsolute = expiresAt - now;
        return untilAbsolute < settings.SessionIdleTimeout ? untilAbsolute : settings.SessionIdleTimeout;
    }

    private static SessionInfo? Parse(string sessionId, HashEntry[] fields)
    {
        if (fields.Length == 0)
        {
            return null;
        }

        var entry = fields.ToDictionary(f => f.Name.ToString(), f => f.Value.ToString(), StringComparer.Ordinal);
        if (!Guid.TryParse(entry.GetValueOrDefault("userId"), out var userId)
            || ParseTime(entry.GetValueOrDefault("createdAt")) is not { } createdAt
            || ParseTime(entry.GetValueOrDefault("expiresAt")) is not { } expiresAt)
        {
            return null;
        }

        return new SessionInfo(
            sessionId,
            userId,
            createdAt,
            ParseTime(entry.GetValueOrDefault("lastSeenAt")) ?? createdAt,
            expiresAt,
            NullIfEmpty(entry.GetValueOrDefault("ip")),
            NullIfEmpty(entry.GetValueOrDefault("userAgent")));
    }

    private static string Format(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(string? value)
        => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;

    private static DateTimeOffset? ParseTime(RedisValue value) => value.IsNullOrEmpty ? null : ParseTime(value.ToString());

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Truncate(string reason) => reason.Length <= 64 ? reason : reason[..64];
}

using System.Text.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;
using ClientInfo = WakeDock.Identity.Model.ClientInfo;
using WakeDock.Contracts.Identity;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;

namespace WakeDock.Identity.Defence;

/// <summary>
/// Stores each event in its own DbContext (so it never flushes, or is lost with, the caller's unit
/// of work), then hands <see cref="SecurityEventRecorded"/> to the background publisher.
/// </summary>
public sealed partial class SecurityEvents(
    IServiceScopeFactory scopes,
    BackgroundPublisher publisher,
    IConnectionMultiplexer redis,
    TimeProvider time,
    ILogger<SecurityEvents> logger) : ISecurityEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Defence in depth: whatever a caller passes, these never reach the table or the bus
    // ("tokenId" or "keyId" are fine; "refreshToken", "newPassword", "keyHash" are not).
    private static bool LooksSecret(string name)
        => name.Contains("password", StringComparison.OrdinalIgnoreCase)
            || name.Contains("secret", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("token", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith("hash", StringComparison.OrdinalIgnoreCase);

    public async Task RecordAsync(
        string type,
        ClientInfo? client,
        Guid? userId = null,
        string? userName = null,
        object? details = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        var securityEvent = new SecurityEvent
        {
            Type = type,
            OccurredAt = time.GetUtcNow(),
            UserId = userId,
            UserName = Truncate(userName, 256),
            IpAddress = Truncate(client?.IpAddress, 64),
            UserAgent = Truncate(client?.UserAgent, 512),
            Details = SerializeDetails(details),
        };

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            db.SecurityEvents.Add(securityEvent);
            // Not the request's token: an aborted request must not lose the record of what it did.
            await db.SaveChangesAsync(CancellationToken.None);
        }

        LogRecorded(logger, type, securityEvent.IpAddress);
        publisher.Enqueue(new SecurityEventRecorded(
            securityEvent.Id,
            securityEvent.Type,
            securityEvent.OccurredAt,
            securityEvent.UserId,
            securityEvent.UserName,
            securityEvent.IpAddress,
            securityEvent.Details));
    }

    /// <summary>
    /// Records at most one event per <paramref name="throttleKey"/> and <paramref name="every"/>,
    /// across replicas (for events a flood could repeat: rejected blocked addresses, rate limits).
    /// </summary>
    public async Task RecordThrottledAsync(
        string type,
        string throttleKey,
        TimeSpan every,
        ClientInfo? client,
        Guid? userId = null,
        string? userName = null,
        object? details = null)
    {
        try
        {
            var first = await redis.GetDatabase().StringSetAsync(
                $"wakedock:identity:event-throttle:{type}:{throttleKey}", 1, every, When.NotExists);
            if (!first)
            {
                return;
            }
        }
        catch (RedisException)
        {
            // Without Redis every occurrence is recorded; noisy but nothing is hidden.
        }

        await RecordAsync(type, client, userId, userName, details);
    }

    /// <summary>JSON of the details with any secret-looking property removed (at any depth).</summary>
    public static string? SerializeDetails(object? details)
    {
        if (details is null)
        {
            return null;
        }

        var node = details as JsonNode ?? JsonSerializer.SerializeToNode(details, details.GetType(), Json);
        Scrub(node);
        return node?.ToJsonString();
    }

    private static void Scrub(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (LooksSecret(name))
                    {
                        obj.Remove(name);
                    }
                    else
                    {
                        Scrub(obj[name]);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Scrub(item);
                }

                break;
        }
    }

    private static string? Truncate(string? value, int length)
        => value is null || value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Information, Message = "Security event {Type} from {IpAddress}")]
    private static partial void LogRecorded(ILogger logger, string type, string? ipAddress);
}

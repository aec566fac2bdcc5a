using System.Text.Json;
using StackExchange.Redis;

namespace WakeDock.Monitoring.Model;

/// <summary>
/// The service instances that announced themselves on the bus, kept in Redis so that every
/// Monitoring replica sees the same list.
/// </summary>
public sealed class ServiceInstanceRegistry(IConnectionMultiplexer redis)
{
    private static readonly RedisKey Key = "wakedock:monitoring:instances";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RecordAsync(ServiceInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        await redis.GetDatabase().HashSetAsync(Key, instance.InstanceId, JsonSerializer.Serialize(instance, Json));
    }

    public async Task<IReadOnlyList<ServiceInstance>> ListAsync()
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(Key);
        return [.. entries
            .Select(entry => JsonSerializer.Deserialize<ServiceInstance>(entry.Value.ToString(), Json))
            .OfType<ServiceInstance>()
            .OrderBy(instance => instance.Service, StringComparer.Ordinal)
            .ThenByDescending(instance => instance.StartedAt)];
    }
}

/// <summary>
/// A service instance as Monitoring knows it. <see cref="TraceId"/> is the trace the
/// announcement arrived in: the publisher's trace, carried through RabbitMQ.
/// </summary>
public sealed record ServiceInstance(
    string Service,
    string InstanceId,
    string Version,
    string HostName,
    DateTimeOffset StartedAt,
    DateTimeOffset ReceivedAt,
    string? TraceId);

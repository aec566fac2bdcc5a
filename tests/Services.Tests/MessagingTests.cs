using System.Text.Json;
using WakeDock.Services.Tests.Infrastructure;

namespace WakeDock.Services.Tests;

/// <summary>Messages cross services through the real RabbitMQ, carrying the W3C trace context.</summary>
public sealed class MessagingTests(RunningSuite suite)
{
    [Fact]
    public async Task Monitoring_consumes_the_instance_announcements_of_the_other_services()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var client = new HttpClient { BaseAddress = suite.Gateway };

        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<JsonElement> instances = [];
        while (DateTime.UtcNow < deadline)
        {
            instances = await client.GetFromJsonAsync<List<JsonElement>>(new Uri("/api/v1/monitoring/instances", UriKind.Relative), cancellation) ?? [];
            var services = instances.Select(instance => instance.GetProperty("service").GetString()).ToHashSet();
            if (services.IsSupersetOf(["identity", "containers", "gateway"]))
            {
                break;
            }

            await Task.Delay(250, cancellation);
        }

        var identity = Assert.Single(instances, instance => instance.GetProperty("service").GetString() == "identity");
        Assert.Equal("0.1.0", identity.GetProperty("version").GetString());
        Assert.Contains(instances, instance => instance.GetProperty("service").GetString() == "containers");
        Assert.Contains(instances, instance => instance.GetProperty("service").GetString() == "gateway");

        // The consumer ran inside the trace the publisher started: the context crossed RabbitMQ.
        var traceId = identity.GetProperty("traceId").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));
        Assert.True(suite.AnnouncementTraceIds.ContainsKey(traceId!), $"trace {traceId} was not started by an announcement");
    }
}

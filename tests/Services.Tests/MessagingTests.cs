using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using WakeDock.Contracts.Lifecycle;
using WakeDock.Services.Tests.Infrastructure;

namespace WakeDock.Services.Tests;

/// <summary>Messages cross services through the real RabbitMQ, carrying the W3C trace context.</summary>
public sealed class MessagingTests(RunningSuite suite)
{
    private static readonly System.Diagnostics.ActivitySource TestActivities = new(RunningSuite.TestActivitySourceName);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Monitoring_learns_every_service_instance_even_those_started_before_it()
    {
        var instances = await WaitForInstancesAsync(list => Services(list).IsSupersetOf(["identity", "containers", "monitoring", "gateway"]));

        var identity = Assert.Single(instances, instance => instance.GetProperty("service").GetString() == "identity");
        Assert.Equal("0.1.0", identity.GetProperty("version").GetString());

        // The consumer ran inside the trace the publisher started: the context crossed RabbitMQ.
        var traceId = identity.GetProperty("traceId").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));
        Assert.True(suite.AnnouncementTraceIds.ContainsKey(traceId!), $"trace {traceId} was not started by a start-up publication or a test");
    }

    [Fact]
    public async Task Listing_instances_needs_a_signed_in_caller()
    {
        using var anonymous = new HttpClient { BaseAddress = suite.Gateway };

        using var response = await anonymous.GetAsync(new Uri("/api/v1/monitoring/instances", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_roll_call_makes_every_instance_announce_itself_again()
    {
        // Let the start-up announcements and Monitoring's own roll call settle first.
        var before = await WaitForInstancesAsync(list => Services(list).IsSupersetOf(["identity", "containers", "monitoring", "gateway"]));
        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        before = await WaitForInstancesAsync(_ => true);

        string traceId;
        using (var activity = TestActivities.StartActivity("roll call from a test"))
        {
            traceId = activity!.TraceId.ToString();
            await suite.MonitoringServices.GetRequiredService<IBus>().Publish(new ServiceRollCall("test", DateTimeOffset.UtcNow), Cancellation);
        }

        // One trace across three hops: test → identity's roll-call consumer → its announcement → Monitoring.
        await WaitForInstancesAsync(list => list.Any(i => i.GetProperty("service").GetString() == "identity" && i.GetProperty("traceId").GetString() == traceId));
        var after = await WaitForInstancesAsync(list => ReceivedAt(list, "containers") > ReceivedAt(before, "containers"));
        Assert.True(ReceivedAt(after, "identity") > ReceivedAt(before, "identity"));
    }

    private static HashSet<string?> Services(List<JsonElement> instances)
        => [.. instances.Select(instance => instance.GetProperty("service").GetString())];

    private static DateTimeOffset ReceivedAt(List<JsonElement> instances, string service)
        => instances.Where(instance => instance.GetProperty("service").GetString() == service)
            .Select(instance => instance.GetProperty("receivedAt").GetDateTimeOffset())
            .DefaultIfEmpty(DateTimeOffset.MinValue)
            .Max();

    private async Task<List<JsonElement>> WaitForInstancesAsync(Func<List<JsonElement>, bool> condition)
    {
        using var client = await suite.AdminClientAsync(suite.Gateway);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<JsonElement> instances = [];
        while (DateTime.UtcNow < deadline)
        {
            instances = await client.GetFromJsonAsync<List<JsonElement>>(new Uri("/api/v1/monitoring/instances", UriKind.Relative), Cancellation) ?? [];
            if (condition(instances))
            {
                return instances;
            }

            await Task.Delay(200, Cancellation);
        }

        Assert.Fail($"Monitoring's instances never matched; last: {JsonSerializer.Serialize(instances)}");
        return instances;
    }
}

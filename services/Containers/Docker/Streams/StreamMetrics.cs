using System.Diagnostics.Metrics;

namespace WakeDock.Containers.Docker.Streams;

/// <summary>
/// How many live streams are open, by kind (logs, stats, events) and transport (sse, websocket).
/// Each one holds an engine connection, so a number that only grows is a leak.
/// </summary>
public static class StreamMetrics
{
    public const string MeterName = "WakeDock.Containers.Streams";
    public const string ActiveStreams = "wakedock.containers.streams.active";

    private static readonly Meter Meter = new(MeterName);
    private static readonly UpDownCounter<long> Active = Meter.CreateUpDownCounter<long>(
        ActiveStreams, "{stream}", "Live streams (logs, stats, events) open against the Docker engine");

    /// <summary>Counts one open stream until the returned object is disposed.</summary>
    public static IDisposable Track(string kind, string transport)
    {
        var tags = new[] { new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("transport", transport) };
        Active.Add(1, tags);
        return new Release(tags);
    }

    private sealed class Release(KeyValuePair<string, object?>[] tags) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                Active.Add(-1, tags);
            }
        }
    }
}

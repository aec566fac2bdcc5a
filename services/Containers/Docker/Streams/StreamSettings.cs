namespace WakeDock.Containers.Docker.Streams;

/// <summary>
/// Settings of the live streams (configuration section <c>Streams</c>): how often an idle stream
/// sends a heartbeat so proxies keep it open, the reconnection delay suggested to SSE clients,
/// and how many past log lines a live log stream starts with.
/// </summary>
public sealed record StreamSettings(TimeSpan Heartbeat, TimeSpan Retry, int DefaultTail)
{
    public const string Section = "Streams";

    public static StreamSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        var heartbeat = section.GetValue("Heartbeat", TimeSpan.FromSeconds(15));
        var retry = section.GetValue("Retry", TimeSpan.FromSeconds(3));
        return new StreamSettings(
            heartbeat > TimeSpan.Zero ? heartbeat : TimeSpan.FromSeconds(15),
            retry > TimeSpan.Zero ? retry : TimeSpan.FromSeconds(3),
            Math.Max(0, section.GetValue("DefaultTail", 100)));
    }
}

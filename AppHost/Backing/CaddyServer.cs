using WakeDock.AppHost.Hosting;

namespace WakeDock.AppHost.Backing;

/// <summary>
/// Caddy with <c>caddy/Caddyfile.dev</c>: plain HTTP on a loopback port, everything proxied to the
/// Gateway. The Caddyfile reads its ports and upstream from environment placeholders.
/// </summary>
public sealed class CaddyServer : BackingServer
{
    public static readonly RequiredBinary CaddyBinary = new("caddy", "caddy");

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string _caddy;

    public CaddyServer(string directory, string caddyfile, string upstreamUrl, int port = 0, IOutputSink? sink = null,
        BinaryLocator? locator = null, PidFiles? pidFiles = null)
        : base("caddy", directory, port, sink ?? new MemoryOutputSink(), locator, pidFiles)
    {
        Caddyfile = Path.GetFullPath(caddyfile);
        UpstreamUrl = upstreamUrl;
        AdminPort = PortAllocator.GetFreePort();
        _caddy = Locator.Find(CaddyBinary);
    }

    public string Caddyfile { get; }
    public string UpstreamUrl { get; }
    public int AdminPort { get; }

    /// <summary>When true (run mode), health also needs an answer from the upstream through the proxy.</summary>
    public bool RequireUpstream { get; init; } = true;

    public string Url => $"http://127.0.0.1:{Port}";
    public override string ConnectionString => Url;
    public override string DisplayEndpoint => Url;

    /// <summary>The environment the Caddyfile's placeholders read.</summary>
    public IReadOnlyDictionary<string, string?> CaddyEnvironment => new Dictionary<string, string?>
    {
        ["CADDY_HTTP_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
        ["CADDY_BIND"] = "127.0.0.1",
        ["CADDY_ADMIN"] = $"127.0.0.1:{AdminPort}",
        ["CADDY_STORAGE"] = Path.Combine(Directory, "data", "caddy"),
        ["GATEWAY_URL"] = UpstreamUrl,
        ["HOME"] = Directory,
        ["XDG_DATA_HOME"] = Path.Combine(Directory, "data"),
        ["XDG_CONFIG_HOME"] = Path.Combine(Directory, "config"),
    };

    public override Task StartAsync(CancellationToken ct = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        Launch(new ProcessSpec(Name, _caddy, ["run", "--config", Caddyfile, "--adapter", "caddyfile"])
        {
            WorkingDirectory = Directory,
            Environment = CaddyEnvironment,
        });
        return Task.CompletedTask;
    }

    /// <summary>
    /// Admin endpoint up, and (in run mode) the Gateway's <c>/alive</c> answered through Caddy, not
    /// Caddy's 502. Liveness, not <c>/api/v1/health</c>: the AppHost checks every service itself,
    /// and the aggregate would make each probe (every few seconds) fan out to all of them.
    /// </summary>
    public override async Task<bool> CheckHealthAsync(CancellationToken ct = default)
    {
        try
        {
            using var admin = await Http.GetAsync(new Uri($"http://127.0.0.1:{AdminPort}/config/"), ct);
            if (!admin.IsSuccessStatusCode)
            {
                return false;
            }
            if (!RequireUpstream)
            {
                return true;
            }
            using var proxied = await Http.GetAsync(new Uri(Url + "/alive"), ct);
            return proxied.StatusCode is not (HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM: Caddy drains and exits.</summary>
    public override async Task StopAsync() => await StopProcessAsync(Process, Native.SIGTERM, TimeSpan.FromSeconds(10));
}

using System.Reflection;

namespace WakeDock.AppHost.Hosting;

/// <summary>Command line: run mode by default, or <c>--publisher manifest --output-path file</c>.</summary>
public sealed record AppHostOptions
{
    public const string Usage = """
        Usage: WakeDock.AppHost [options]
          --data-dir <path>        data folder (env WAKEDOCK_DATA_DIR; default <repo>/.wakedock)
          --http-port <port>       Caddy's public HTTP port on 127.0.0.1 (env WAKEDOCK_HTTP_PORT; 0 = a free port)
          --health-timeout <s>     how long each resource may take to become healthy (default 120)
          --publisher manifest     write the Aspire manifest instead of running
          --output-path <file>     where the manifest goes (default aspire-manifest.json)
          --help                   this text
        """;

    public string? Publisher { get; init; }
    public string? OutputPath { get; init; }
    public string? DataDir { get; init; }
    public int HttpPort { get; init; }
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public bool Help { get; init; }

    /// <summary>Parses arguments (both <c>--name value</c> and <c>--name=value</c>); environment variables fill what is not given.</summary>
    public static AppHostOptions Parse(IReadOnlyList<string> args, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        var values = new Dictionary<string, string>();
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                help = true;
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var (name, value) = eq > 0
                ? (arg[2..eq], arg[(eq + 1)..])
                : (arg[2..], i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value"));
            values[name.ToLowerInvariant()] = value;
        }
        foreach (var name in values.Keys.Except(["data-dir", "http-port", "health-timeout", "publisher", "output-path"]))
        {
            throw new ArgumentException($"unknown option '--{name}'");
        }

        var publisher = values.GetValueOrDefault("publisher");
        if (publisher is not null and not "manifest")
        {
            throw new ArgumentException($"unknown publisher '{publisher}' (only 'manifest' is supported)");
        }
        return new AppHostOptions
        {
            Help = help,
            Publisher = publisher,
            OutputPath = values.GetValueOrDefault("output-path"),
            DataDir = values.GetValueOrDefault("data-dir") ?? NonEmpty(env("WAKEDOCK_DATA_DIR")),
            HttpPort = ParsePort(values.GetValueOrDefault("http-port") ?? NonEmpty(env("WAKEDOCK_HTTP_PORT")) ?? "0"),
            HealthTimeout = TimeSpan.FromSeconds(int.Parse(values.GetValueOrDefault("health-timeout") ?? "120", CultureInfo.InvariantCulture)),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static int ParsePort(string value) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new ArgumentException($"invalid port '{value}'");
}

/// <summary>Where the repository is and how the AppHost was built (baked in at build time).</summary>
public static class RepoPaths
{
    private const string Marker = "AppHost/WakeDock.AppHost.csproj";

    /// <summary>The baked-in source location when it still holds the AppHost, else found by walking up from the dll.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Configuration { get; } = Metadata("WakeDock.Configuration") ?? "Debug";

    public static string DefaultDataDir => Path.Combine(RepoRoot, ".wakedock");

    private static string FindRepoRoot()
    {
        if (Metadata("WakeDock.RepoRoot") is { } baked && File.Exists(Path.Combine(baked, Marker)))
        {
            return baked;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, Marker)))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("cannot find the WakeDock repository (AppHost/WakeDock.AppHost.csproj)");
    }

    private static string? Metadata(string key) =>
        typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using WakeDock.Bench;

// Lists N containers through the Gateway (Caddy-free: straight to the Gateway) and straight from
// the Docker engine API, alternating, in one run; `docker ps -a` is a second baseline. Prints the
// medians and the ratio of medians. Usage: bench/container-list.sh [containers=300] [rounds=30]
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
const string BenchLabel = "wakedock.bench";

using var docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient(new System.Version(1, 41));
var image = (await docker.Images.ListImagesAsync(new ImagesListParameters { All = false }))
    .SelectMany(i => i.RepoTags ?? []).FirstOrDefault(t => t.StartsWith("wakedock-test/busybox", StringComparison.Ordinal))
    ?? throw new InvalidOperationException("the local test image wakedock-test/busybox is missing: run the tests once (scripts/test.sh) to build it");

var dataDir = Directory.CreateTempSubdirectory("wakedock-bench-list-").FullName;
var created = new List<string>();
try
{
    // Created, never started: listing cost is what is measured, and nothing runs or talks.
    Console.WriteLine($"creating {count} containers from {image} (network none, not started)…");
    for (var i = 0; i < count; i++)
    {
        var response = await docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Name = $"wakedock-bench-{Guid.NewGuid():N}"[..28],
            Cmd = ["sleep", "3600"],
            Labels = new Dictionary<string, string> { [BenchLabel] = "true", ["wakedock.test"] = "true" },
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        created.Add(response.ID);
    }

    await using var suite = await SuiteProcess.StartAsync(SuiteProcess.AppHostOnly(dataDir), dataDir);
    var gateway = new Uri(suite.Status.GatewayUrl!);
    using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AdminTokenAsync(http, dataDir));

    var viaGateway = new List<double>();
    var viaEngine = new List<double>();
    var viaCli = new List<double>();
    for (var round = 0; round < rounds + 3; round++)
    {
        // Alternate the three so machine noise spreads evenly; the first 3 rounds warm up.
        var gatewayMs = await TimeAsync(async () =>
        {
            var list = await http.GetFromJsonAsync<JsonElement>("/api/v1/containers?all=true");
            Require(list.GetArrayLength() >= count, "the Gateway listed fewer containers than created");
        });
        var engineMs = await TimeAsync(async () =>
        {
            var list = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true });
            Require(list.Count >= count, "the engine listed fewer containers than created");
        });
        var cliMs = await TimeAsync(() => RunDockerPsAsync(count));
        if (round >= 3)
        {
            viaGateway.Add(gatewayMs);
            viaEngine.Add(engineMs);
            viaCli.Add(cliMs);
        }
    }

    Console.WriteLine();
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores; {count} containers; {rounds} rounds (medians, ms)");
    Console.WriteLine($"  Gateway → Containers → engine   {Median(viaGateway),8:F1}");
    Console.WriteLine($"  engine API (Docker.DotNet)      {Median(viaEngine),8:F1}");
    Console.WriteLine($"  docker ps -a (CLI)              {Median(viaCli),8:F1}");
    Console.WriteLine($"  ratio Gateway / engine API      {Median(viaGateway) / Median(viaEngine),8:F2}   (goal < 1.5)");
    Console.WriteLine($"  ratio Gateway / docker ps       {Median(viaGateway) / Median(viaCli),8:F2}");
    return 0;
}
finally
{
    foreach (var id in created)
    {
        await docker.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
    }

    Directory.Delete(dataDir, recursive: true);
}

static async Task<string> AdminTokenAsync(HttpClient http, string dataDir)
{
    using var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dataDir, "secrets.json")));
    var password = secrets.RootElement.GetProperty("admin-password").GetString();
    using var response = await http.PostAsJsonAsync("/api/v1/auth/login", new { userName = "admin", password });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
}

static async Task RunDockerPsAsync(int expected)
{
    var start = new ProcessStartInfo("docker", "ps -a -q --no-trunc") { RedirectStandardOutput = true, UseShellExecute = false };
    using var process = Process.Start(start)!;
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    Require(output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= expected, "docker ps listed fewer containers than created");
}

static async Task<double> TimeAsync(Func<Task> action)
{
    var clock = Stopwatch.StartNew();
    await action();
    return clock.Elapsed.TotalMilliseconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static void Require(bool condition, string message)
{
    if (!condition)
    {
        throw new InvalidOperationException(message);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WakeDock.AppHost.Tests;

/// <summary>
/// Each native server starts in a temp folder on free ports, answers its real health check, stops,
/// and leaves neither a process nor its folder behind. Uses the same fixtures other test projects use.
/// </summary>
public class ServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts the fixture, runs <paramref name="check"/>, disposes, and asserts nothing is left.</summary>
    private static async Task RoundTrip<TServer>(BackingServerFixture<TServer> fixture, Func<TServer, Task> check, params Func<TServer, int?>[] extraPids)
        where TServer : BackingServer
    {
        var clock = Stopwatch.StartNew();
        await fixture.InitializeAsync();
        TestContext.Current.SendDiagnosticMessage($"{fixture.Name} healthy in {clock.Elapsed.TotalSeconds:0.0} s");
        var server = fixture.Server;
        var pids = new[] { server.Pid }.Concat(extraPids.Select(f => f(server))).OfType<int>().ToList();
        try
        {
            Assert.NotEmpty(pids);
            Assert.All(pids, pid => Assert.True(Native.IsAlive(pid)));
            Assert.True(await server.CheckHealthAsync(Ct));
            await check(server);
        }
        finally
        {
            await fixture.DisposeAsync();
        }
        foreach (var pid in pids)
        {
            Assert.False(Native.IsAlive(pid), $"{fixture.Name}: pid {pid} still alive after stop");
            Assert.False(Native.GroupAlive(pid), $"{fixture.Name}: process group {pid} still has members after stop");
        }
        Assert.False(Directory.Exists(fixture.Directory), $"{fixture.Directory} was not removed");
        Assert.False(await server.CheckHealthAsync(Ct));
    }

    [Fact]
    public Task Postgres_starts_answers_queries_and_stops_cleanly() =>
        RoundTrip(new PostgresFixture(), async pg =>
        {
            await using var conn = new Npgsql.NpgsqlConnection(pg.DatabaseConnectionString("wakedock") + ";Pooling=false");
            await conn.OpenAsync(Ct);
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT current_database()", conn);
            Assert.Equal("wakedock", await cmd.ExecuteScalarAsync(Ct));
        });

    [Fact]
    public async Task Postgres_keeps_its_data_and_password_across_restarts()
    {
        var dir = Directory.CreateTempSubdirectory("wakedock-pgrestart-").FullName;
        try
        {
            for (var run = 0; run < 2; run++)
            {
                await using var pg = new PostgresServer(Path.Combine(dir, "pg"), "samepassword123", ["wakedock"]);
                await pg.StartAsync(Ct);
                await pg.WaitHealthyAsync(TimeSpan.FromSeconds(60), Ct);
                await using var conn = new Npgsql.NpgsqlConnection(pg.DatabaseConnectionString("wakedock") + ";Pooling=false");
                await conn.OpenAsync(Ct);
                var sql = run == 0 ? "CREATE TABLE kept (id int); INSERT INTO kept VALUES (42); SELECT 42" : "SELECT id FROM kept";
                await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
                Assert.Equal(42, await cmd.ExecuteScalarAsync(Ct));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public Task Redis_starts_requires_its_password_and_stops_cleanly() =>
        RoundTrip(new RedisFixture(), async redis =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, redis.Port, Ct);
            var stream = client.GetStream();
            await stream.WriteAsync("*1\r\n$4\r\nPING\r\n"u8.ToArray(), Ct);
            var buffer = new byte[128];
            var read = await stream.ReadAsync(buffer, Ct);
            Assert.StartsWith("-NOAUTH", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        });

    [Fact]
    public Task RabbitMq_starts_accepts_amqp_and_stops_with_its_epmd() =>
        RoundTrip(new RabbitMqFixture(), async rabbit =>
        {
            Assert.StartsWith("amqp://wakedock:", rabbit.ConnectionString, StringComparison.Ordinal);
            var wrong = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri($"amqp://guest:guest@127.0.0.1:{rabbit.Port}") };
            await Assert.ThrowsAnyAsync<Exception>(() => wrong.CreateConnectionAsync(Ct));
        }, rabbit => rabbit.EpmdPid);

    [Fact]
    public async Task Caddy_proxies_every_host_to_the_upstream_and_stops_cleanly()
    {
        using var upstream = new StubHttpServer();
        var dir = Directory.CreateTempSubdirectory("wakedock-caddy-").FullName;
        var caddyfile = Path.Combine(RepoPaths.RepoRoot, "caddy", "Caddyfile.dev");
        var caddy = new CaddyServer(Path.Combine(dir, "caddy"), caddyfile, upstream.Url);
        int? pid = null;
        try
        {
            await caddy.StartAsync(Ct);
            await caddy.WaitHealthyAsync(TimeSpan.FromSeconds(60), Ct);
            pid = caddy.Pid;
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{caddy.Url}/some/path");
            request.Headers.Host = "app.example.test";
            using var response = await http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("host=app.example.test path=/some/path", await response.Content.ReadAsStringAsync(Ct));
        }
        finally
        {
            await caddy.StopAsync();
            Directory.Delete(dir, recursive: true);
        }
        Assert.NotNull(pid);
        Assert.False(Native.GroupAlive(pid.Value));
    }

    [Fact]
    public async Task Caddyfile_dev_is_valid()
    {
        var dir = Directory.CreateTempSubdirectory("wakedock-caddyvalidate-").FullName;
        try
        {
            var caddy = new CaddyServer(dir, Path.Combine(RepoPaths.RepoRoot, "caddy", "Caddyfile.dev"), "http://127.0.0.1:5000");
            var psi = new ProcessStartInfo(BinaryLocator.Default.Find(CaddyServer.CaddyBinary), ["validate", "--adapter", "caddyfile", "--config", caddy.Caddyfile])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            foreach (var (key, value) in caddy.CaddyEnvironment)
            {
                psi.Environment[key] = value;
            }
            using var process = Process.Start(psi)!;
            var output = await process.StandardError.ReadToEndAsync(Ct) + await process.StandardOutput.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct);
            Assert.True(process.ExitCode == 0, output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A one-route HTTP server on a loopback port answering with the Host and path it saw.</summary>
    private sealed class StubHttpServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        public StubHttpServer()
        {
            var port = PortAllocator.GetFreePort();
            Url = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add($"http://+:{port}/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url { get; }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                var body = Encoding.UTF8.GetBytes($"host={context.Request.Headers["Host"]} path={context.Request.Url?.AbsolutePath}");
                context.Response.StatusCode = 200;
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}

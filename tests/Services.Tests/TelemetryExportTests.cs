extern alias IdentityService;

using System.Collections.Concurrent;
using System.Text;
using WakeDock.Services.Tests.Infrastructure;

namespace WakeDock.Services.Tests;

/// <summary>With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, a service exports its telemetry over OTLP.</summary>
public sealed class TelemetryExportTests(RunningSuite suite)
{
    [Fact]
    public async Task Traces_and_logs_reach_the_configured_OTLP_endpoint()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var receiver = OtlpReceiver.Start();
        var settings = suite.IdentitySettings("otlp-identity");
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address.ToString();
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        settings["OTEL_BSP_SCHEDULE_DELAY"] = "200";
        settings["OTEL_BLRP_SCHEDULE_DELAY"] = "200";
        var identity = suite.Start<IdentityService::Program>(settings);
        using var client = new HttpClient { BaseAddress = identity };

        using var response = await client.GetAsync(new Uri("/api/v1/identity/info", UriKind.Relative), cancellation);
        response.EnsureSuccessStatusCode();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !(receiver.Has("/v1/traces", "/api/v1/identity/info") && receiver.Has("/v1/logs", "otlp-identity")))
        {
            await Task.Delay(100, cancellation);
        }

        Assert.True(receiver.Has("/v1/traces", "/api/v1/identity/info"), "no trace of the request arrived; got: " + receiver.Summary);
        Assert.True(receiver.Has("/v1/traces", "otlp-identity"), "the trace does not name the service");
        Assert.True(receiver.Has("/v1/logs", "otlp-identity"), "no logs arrived; got: " + receiver.Summary);
    }

    /// <summary>A loopback OTLP/HTTP receiver that keeps what was posted to it.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly ConcurrentBag<(string Path, byte[] Body)> received = [];
        private readonly Task loop;

        private OtlpReceiver(int port)
        {
            Address = new Uri($"http://127.0.0.1:{port}/");
            listener.Prefixes.Add(Address.ToString());
            listener.Start();
            loop = Task.Run(ReceiveAsync);
        }

        public Uri Address { get; }

        public string Summary => string.Join(", ", received.GroupBy(r => r.Path).Select(g => $"{g.Key} ×{g.Count()}"));

        public static OtlpReceiver Start()
        {
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            return new OtlpReceiver(port);
        }

        /// <summary>Protobuf keeps strings as UTF-8 bytes, so a plain byte search finds them.</summary>
        public bool Has(string path, string text)
        {
            var needle = Encoding.UTF8.GetBytes(text);
            return received.Any(r => r.Path == path && r.Body.AsSpan().IndexOf(needle) >= 0);
        }

        private async Task ReceiveAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await loop;
        }
    }
}

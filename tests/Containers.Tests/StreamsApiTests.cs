using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Docker.DotNet.Models;
using WakeDock.Containers.Docker.Streams;
using WakeDock.Testing;

namespace WakeDock.Containers.Tests;

/// <summary>
/// Live logs (SSE and WebSocket), stats and engine events through the Gateway against the real
/// engine. Every wait is bounded; containers are removed even when a test fails.
/// </summary>
public sealed class StreamsApiTests(ContainersFixture fixture)
{
    // A line every 100 ms on stdout, and every fifth one also on stderr.
    private const string Printer = "i=0; while true; do echo line-$i; if [ $((i % 5)) -eq 0 ]; then echo err-$i >&2; fi; i=$((i+1)); sleep 0.1; done";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Live_logs_arrive_as_server_sent_events_in_order_and_stop_when_the_client_leaves()
    {
        await using var containers = fixture.CreateTestContainers();
        using var active = new ActiveStreams();
        var id = await StartPrinterAsync(containers);
        using var client = await fixture.ClientAsync("viewer");
        using var timeout = Timeout();

        using (var stream = await OpenEventsAsync(client, $"/api/v1/containers/{id}/logs/stream?timestamps=true", timeout.Token))
        {
            Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
            Assert.True(stream.Response.Headers.CacheControl is { NoCache: true, NoStore: true, NoTransform: true });
            Assert.Equal(3000, stream.Retry);

            var stdout = new List<SseEvent>();
            var stderr = new List<SseEvent>();
            while (stdout.Count < 6 || stderr.Count < 1)
            {
                var next = await stream.NextEventAsync(timeout.Token);
                (next.Name == "stdout" ? stdout : stderr).Add(next);
                Assert.True(next.Name is "stdout" or "stderr", next.Name);
                Assert.Equal(next.Name, next.Json.GetProperty("stream").GetString());
                Assert.True(EngineTime.TryParse(next.Json.GetProperty("timestamp").GetString(), out _));
                Assert.NotNull(next.Id);
            }

            // Consecutive numbers in order on stdout, and stderr lines on their own stream.
            var numbers = stdout.Select(e => int.Parse(e.Json.GetProperty("line").GetString()!["line-".Length..], CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(Enumerable.Range(numbers[0], numbers.Length), numbers);
            Assert.All(stderr, e => Assert.StartsWith("err-", e.Json.GetProperty("line").GetString(), StringComparison.Ordinal));
            Assert.Equal(1, active["logs", "sse"]);
        }

        // The client left: the service stops reading from the engine and closes its connection.
        await active.WaitForAsync("logs", "sse", 0, timeout.Token);
    }

    [Fact]
    public async Task Live_logs_resume_after_the_last_event_id()
    {
        await using var containers = fixture.CreateTestContainers();
        var id = await StartPrinterAsync(containers);
        using var client = await fixture.ClientAsync("viewer");
        using var timeout = Timeout();

        SseEvent last;
        using (var stream = await OpenEventsAsync(client, $"/api/v1/containers/{id}/logs/stream?stderr=false", timeout.Token))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("stdout", (await stream.NextEventAsync(timeout.Token)).Name);
            }

            last = await stream.NextEventAsync(timeout.Token);
            Assert.False(last.Json.TryGetProperty("timestamp", out _));
        }

        using var resumed = await OpenEventsAsync(client, $"/api/v1/containers/{id}/logs/stream?stderr=false", timeout.Token, last.Id);
        var first = await resumed.NextEventAsync(timeout.Token);
        Assert.Equal(Number(last) + 1, Number(first));
    }

    [Fact]
    public async Task A_live_log_stream_ends_with_an_end_event_when_the_container_exits()
    {
        await using var containers = fixture.CreateTestContainers();
        var id = await containers.StartAsync(
            new CreateContainerParameters { Cmd = ["sh", "-c", "echo one; sleep 0.3; echo two >&2; sleep 1"], HostConfig = new HostConfig { NetworkMode = "none" } }, Token);
        using var client = await fixture.ClientAsync("viewer");
        using var timeout = Timeout();
        using var stream = await OpenEventsAsync(client, $"/api/v1/containers/{id}/logs/stream?tail=all", timeout.Token);

        var one = await stream.NextEventAsync(timeout.Token);
        var two = await stream.NextEventAsync(timeout.Token);
        var end = await stream.NextEventAsync(timeout.Token, allowEnd: true);

        Assert.Equal(("stdout", "one"), (one.Name, one.Json.GetProperty("line").GetString()));
        Assert.Equal(("stderr", "two"), (two.Name, two.Json.GetProperty("line").GetString()));
        Assert.Equal(("end", "container stopped"), (end.Name, end.Json.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Live_logs_over_a_WebSocket_close_cleanly_when_the_container_stops()
    {
        await using var containers = fixture.CreateTestContainers();
        using var active = new ActiveStreams();
        var id = await StartPrinterAsync(containers);
        using var client = await fixture.ClientAsync("viewer");
        using var timeout = Timeout();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", client.DefaultRequestHeaders.Authorization!.ToString());
        var address = new UriBuilder(fixture.Gateway) { Scheme = "ws", Path = $"/api/v1/containers/{id}/logs/ws", Query = "tail=0" }.Uri;

        await socket.ConnectAsync(address, timeout.Token);
        var numbers = new List<int>();
        while (numbers.Count < 5)
        {
            var message = await ReceiveAsync(socket, timeout.Token);
            Assert.Equal(WebSocketMessageType.Text, message.Type);
            using var json = JsonDocument.Parse(message.Text);
            if (json.RootElement.GetProperty("stream").GetString() == "stdout")
            {
                numbers.Add(int.Parse(json.RootElement.GetProperty("line").GetString()!["line-".Length..], CultureInfo.InvariantCulture));
            }
        }

        Assert.Equal(Enumerable.Range(numbers[0], numbers.Count), numbers);
        Assert.Equal(1, active["logs", "websocket"]);

        await fixture.Docker.Containers.StopContainerAsync(id, new ContainerStopParameters { WaitBeforeKillSeconds = 1 }, timeout.Token);
        (WebSocketMessageType Type, string Text) received;
        do
        {
            received = await ReceiveAsync(socket, timeout.Token);
        }
        while (received.Type != WebSocketMessageType.Close);

        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.Equal("container stopped", socket.CloseStatusDescription);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        await active.WaitForAsync("logs", "websocket", 0, timeout.Token);
    }

    [Fact]
    public async Task Stats_once_has_sane_numbers_for_a_running_container()
    {
        await using var containers = fixture.CreateTestContainers();
        var id = await containers.StartSleeperAsync(cancellationToken: Token);
        using var client = await fixture.ClientAsync("viewer");

        var stats = await client.GetFromJsonAsync<JsonElement>($"/api/v1/containers/{id}/stats", Token);

        Assert.Equal(id, stats.GetProperty("id").GetString());
        Assert.StartsWith("wakedock-test-", stats.GetProperty("name").GetString(), StringComparison.Ordinal);
        var memory = stats.GetProperty("memory");
        Assert.True(memory.GetProperty("usage").GetUInt64() > 0);
        Assert.True(memory.GetProperty("limit").GetUInt64() >= memory.GetProperty("usage").GetUInt64());
        Assert.InRange(memory.GetProperty("percent").GetDouble(), 0, 100);
        Assert.True(stats.GetProperty("pids").GetProperty("current").GetUInt64() >= 1);
        Assert.InRange(stats.GetProperty("cpu").GetProperty("percent").GetDouble(), 0, 100 * Environment.ProcessorCount);
        Assert.True(stats.GetProperty("cpu").GetProperty("onlineCpus").GetUInt32() >= 1);
        Assert.Equal(0UL, stats.GetProperty("network").GetProperty("rxBytes").GetUInt64());
        Assert.True(stats.GetProperty("blockIo").TryGetProperty("readBytes", out _));
    }

    [Fact]
    public async Task Stats_stream_sends_a_sample_per_engine_tick()
    {
        await using var containers = fixture.CreateTestContainers();
        using var active = new ActiveStreams();
        var id = await containers.StartSleeperAsync(cancellationToken: Token);
        using var client = await fixture.ClientAsync("viewer");
        using var timeout = Timeout();

        using (var stream = await OpenEventsAsync(client, $"/api/v1/containers/{id}/stats/stream", timeout.Token))
        {
            for (var i = 0; i < 2; i++)
            {
                var sample = await stream.NextEventAsync(timeout.Token);
                Assert.Equal("stats", sample.Name);
                Assert.Equal(id, sample.Json.GetProperty("id").GetString());
                Assert.True(sample.Json.GetProperty("memory").GetProperty("usage").GetUInt64() > 0);
            }
        }

        await active.WaitForAsync("stats", "sse", 0, timeout.Token);
    }

    [Fact]
    public async Task Engine_events_report_the_start_and_death_of_a_container()
    {
        await using var containers = fixture.CreateTestContainers();
        using var client = await fixture.ClientAsync("viewer");
        using var timeout = Timeout();
        var run = Guid.NewGuid().ToString("N");
        // since: the engine replays from there, so no event is lost between subscribing and starting.
        var since = DateTimeOffset.UtcNow.AddSeconds(-2).ToUnixTimeSeconds();
        using var stream = await OpenEventsAsync(client, $"/api/v1/engine/events?type=container&event=start,die&label=wakedock.test.run={run}&since={since}", timeout.Token);

        var id = await containers.StartSleeperAsync(labels: new Dictionary<string, string> { ["wakedock.test.run"] = run }, cancellationToken: timeout.Token);
        await fixture.Docker.Containers.KillContainerAsync(id, new ContainerKillParameters(), timeout.Token);

        var start = await stream.NextEventAsync(timeout.Token);
        var die = await stream.NextEventAsync(timeout.Token);
        Assert.Equal(("container", "start", id), (start.Name, start.Json.GetProperty("action").GetString(), start.Json.GetProperty("id").GetString()));
        Assert.Equal(("container", "die", id), (die.Name, die.Json.GetProperty("action").GetString(), die.Json.GetProperty("id").GetString()));
        Assert.StartsWith("wakedock-test-", start.Json.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal(run, start.Json.GetProperty("attributes").GetProperty("wakedock.test.run").GetString());
        Assert.True(EngineTime.TryParse(die.Id, out var dieTime) && EngineTime.TryParse(start.Id, out var startTime) && dieTime.UnixNanoseconds >= startTime.UnixNanoseconds);
    }

    [Fact]
    public async Task Idle_streams_send_heartbeat_comments()
    {
        var host = fixture.StartContainers(new Dictionary<string, string?> { ["Streams:Heartbeat"] = "00:00:00.200", ["Streams:Retry"] = "00:00:01" });
        using var client = await fixture.ClientAsync("viewer", host.BaseAddress);
        using var timeout = Timeout();

        using var stream = await OpenEventsAsync(client, $"/api/v1/engine/events?label=wakedock.test.run={Guid.NewGuid():N}", timeout.Token);

        Assert.Equal(1000, stream.Retry);
        Assert.Equal(": heartbeat", await stream.NextLineAsync(line => line.StartsWith(':'), timeout.Token));
        Assert.Equal(": heartbeat", await stream.NextLineAsync(line => line.StartsWith(':'), timeout.Token));
    }

    [Theory]
    [InlineData("/api/v1/containers/{0}/logs/stream")]
    [InlineData("/api/v1/containers/{0}/logs/ws")]
    [InlineData("/api/v1/containers/{0}/stats")]
    [InlineData("/api/v1/containers/{0}/stats/stream")]
    [InlineData("/api/v1/engine/events")]
    public async Task Anonymous_callers_get_401(string path)
    {
        using var client = await fixture.ClientAsync(null);
        using var response = await client.GetAsync(string.Format(CultureInfo.InvariantCulture, path, "whatever"), Token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/containers/wakedock-no-such-container/logs/stream", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/containers/wakedock-no-such-container/stats", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/containers/wakedock-no-such-container/stats/stream", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/containers/x/logs/stream?tail=lots", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/containers/x/logs/stream?stdout=false&stderr=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/containers/x/logs/stream?since=yesterday", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/containers/x/logs/ws", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/engine/events?type=daemon", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/engine/events?until=never", HttpStatusCode.BadRequest)]
    public async Task Errors_before_a_stream_starts_are_problems(string path, HttpStatusCode status)
    {
        using var client = await fixture.ClientAsync("viewer");
        using var response = await client.GetAsync(path, Token);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(Bound);
        return timeout;
    }

    private static Task<string> StartPrinterAsync(DockerTestContainers containers) => containers.StartAsync(
        new CreateContainerParameters { Cmd = ["sh", "-c", Printer], HostConfig = new HostConfig { NetworkMode = "none" } }, Token);

    private static int Number(SseEvent line) =>
        int.Parse(line.Json.GetProperty("line").GetString()!["line-".Length..], CultureInfo.InvariantCulture);

    private static async Task<EventStream> OpenEventsAsync(HttpClient client, string path, CancellationToken cancellationToken, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            Assert.Fail($"{path}: {(int)response.StatusCode} {body}");
        }

        var stream = new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8));
        // The first thing a stream sends is its reconnection hint.
        var retry = await stream.NextLineAsync(line => line.Length > 0, cancellationToken);
        Assert.StartsWith("retry: ", retry, StringComparison.Ordinal);
        stream.Retry = int.Parse(retry["retry: ".Length..], CultureInfo.InvariantCulture);
        return stream;
    }

    private static async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, cancellationToken);
            text.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return (result.MessageType, Encoding.UTF8.GetString(text.ToArray()));
    }

    private sealed record SseEvent(string Name, string? Id, string Data)
    {
        public JsonElement Json { get; } = JsonDocument.Parse(Data).RootElement.Clone();
    }

    /// <summary>A minimal <c>text/event-stream</c> reader (event, id, data, retry and comment lines).</summary>
    private sealed class EventStream(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        public HttpResponseMessage Response { get; } = response;

        public int Retry { get; set; }

        public async Task<string> NextLineAsync(Func<string, bool> wanted, CancellationToken cancellationToken)
        {
            while (true)
            {
                var line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The server ended the stream.");
                if (wanted(line))
                {
                    return line;
                }
            }
        }

        /// <summary>The next event, skipping heartbeats; an <c>error</c> event (and <c>end</c>, unless allowed) fails the test.</summary>
        public async Task<SseEvent> NextEventAsync(CancellationToken cancellationToken, bool allowEnd = false)
        {
            string? name = null, id = null, data = null;
            while (true)
            {
                var line = await NextLineAsync(_ => true, cancellationToken);
                if (line.Length == 0 && data is not null)
                {
                    Assert.False(name is "error" || (name is "end" && !allowEnd), $"The stream ended: {name} {data}");
                    return new SseEvent(name ?? "message", id, data);
                }

                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line["id: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line["data: ".Length..];
                }
            }
        }

        public void Dispose()
        {
            reader.Dispose();
            Response.Dispose();
        }
    }

    /// <summary>Open streams as the service's metric counts them, from the moment this listener starts.</summary>
    private sealed class ActiveStreams : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentDictionary<(string Kind, string Transport), long> counts = new();

        public ActiveStreams()
        {
            listener.InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Meter.Name == StreamMetrics.MeterName && instrument.Name == StreamMetrics.ActiveStreams)
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? kind = null, transport = null;
                foreach (var tag in tags)
                {
                    kind = tag.Key == "kind" ? tag.Value as string : kind;
                    transport = tag.Key == "transport" ? tag.Value as string : transport;
                }

                counts.AddOrUpdate((kind ?? "", transport ?? ""), value, (_, current) => current + value);
            });
            listener.Start();
        }

        public long this[string kind, string transport] => counts.GetValueOrDefault((kind, transport));

        public async Task WaitForAsync(string kind, string transport, long expected, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (this[kind, transport] != expected)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{kind}/{transport} streams open: {this[kind, transport]}, expected {expected}");
                await Task.Delay(50, cancellationToken);
            }
        }

        public void Dispose() => listener.Dispose();
    }
}

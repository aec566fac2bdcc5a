using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Serialization;
using Docker.DotNet;
using Docker.DotNet.Models;
using WakeDock.Containers.Engine;

namespace WakeDock.Containers.Docker.Streams;

/// <summary>One line a container wrote. <see cref="Timestamp"/> is set when the client asked for timestamps.</summary>
public sealed record LogLine(string Stream, string Line, string? Timestamp)
{
    /// <summary>The engine's time of the line (always requested; the SSE id and the resume point).</summary>
    [JsonIgnore]
    public EngineTime? At { get; init; }
}

/// <summary>What a live log stream shows: which streams, from where, and whether lines carry timestamps.</summary>
public sealed record LogRequest(bool Stdout, bool Stderr, string Tail, EngineTime? Since, bool Timestamps, EngineTime? After);

/// <summary>
/// A followed log stream of one container, demultiplexed into lines. The engine ends the stream
/// when the container stops; disposing closes the engine connection.
/// </summary>
public sealed class ContainerLogFeed : IAsyncDisposable
{
    private const int MaxLineBytes = 64 * 1024;
    private readonly IDockerEngine engine;
    private readonly MultiplexedStream stream;
    private readonly LogRequest request;

    private ContainerLogFeed(IDockerEngine engine, MultiplexedStream stream, LogRequest request)
    {
        this.engine = engine;
        this.stream = stream;
        this.request = request;
    }

    /// <summary>
    /// Inspects the container (a missing one fails here, before any response is written) and opens
    /// the followed log stream, demultiplexed unless the container has a TTY.
    /// </summary>
    public static async Task<ContainerLogFeed> OpenAsync(IDockerEngine engine, string id, LogRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(request);
        var container = await engine.RunAsync((docker, token) => docker.Containers.InspectContainerAsync(id, token), cancellationToken);
        var parameters = new ContainerLogsParameters
        {
            Follow = true,
            ShowStdout = request.Stdout,
            ShowStderr = request.Stderr,
            Tail = request.Tail,
            Since = request.Since?.ToQuery(),
            // Always: the time is the SSE id a client resumes from, even when it does not show it.
            Timestamps = true,
        };
        var stream = await engine.RunAsync(
            (docker, token) => docker.Containers.GetContainerLogsAsync(container.ID, container.Config?.Tty ?? false, parameters, token),
            cancellationToken);
        return new ContainerLogFeed(engine, stream, request);
    }

    /// <summary>The lines in the order the engine sends them; ends when the container stops.</summary>
    public async IAsyncEnumerable<LogLine> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        // Separate pending bytes per stream: a partial stdout line may be followed by a stderr frame.
        var pending = new[] { new ArrayBufferWriter<byte>(), new ArrayBufferWriter<byte>() };
        try
        {
            while (true)
            {
                var read = await engine.RunAsync((_, token) => stream.ReadOutputAsync(buffer, 0, buffer.Length, token), cancellationToken);
                if (read.EOF || read.Count == 0)
                {
                    break;
                }

                var target = read.Target == MultiplexedStream.TargetStream.StandardError ? 1 : 0;
                var offset = 0;
                while (offset < read.Count)
                {
                    var newline = Array.IndexOf(buffer, (byte)'\n', offset, read.Count - offset);
                    var end = newline < 0 ? read.Count : newline;
                    pending[target].Write(buffer.AsSpan(offset, end - offset));
                    offset = newline < 0 ? read.Count : newline + 1;
                    // A line without an end yet waits for more bytes, unless it grew too long to hold.
                    if ((newline >= 0 || pending[target].WrittenCount >= MaxLineBytes) && TakeLine(pending[target], target) is { } line)
                    {
                        yield return line;
                    }
                }
            }

            for (var target = 0; target < pending.Length; target++)
            {
                if (pending[target].WrittenCount > 0 && TakeLine(pending[target], target) is { } line)
                {
                    yield return line;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync()
    {
        stream.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Turns the pending bytes into a line: splits off the engine's timestamp, drops lines already seen.</summary>
    private LogLine? TakeLine(ArrayBufferWriter<byte> pending, int target)
    {
        var text = Encoding.UTF8.GetString(pending.WrittenSpan);
        pending.Clear();
        if (text.EndsWith('\r'))
        {
            text = text[..^1];
        }

        EngineTime? at = null;
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && EngineTime.TryParse(text.AsSpan(0, space), out var parsed))
        {
            at = parsed;
            text = text[(space + 1)..];
        }

        // The engine's since is inclusive: after a reconnect, skip what the client already has.
        if (request.After is { } after && at is { } time && time.UnixNanoseconds <= after.UnixNanoseconds)
        {
            return null;
        }

        var timestamp = request.Timestamps ? at?.ToString() : null;
        return new LogLine(target == 1 ? "stderr" : "stdout", text, timestamp) { At = at };
    }
}

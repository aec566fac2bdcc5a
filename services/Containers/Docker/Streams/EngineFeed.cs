using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace WakeDock.Containers.Docker.Streams;

/// <summary>The client reads more slowly than the engine reports; it should reconnect (with <c>Last-Event-ID</c>).</summary>
public sealed class StreamOverflowException(int capacity)
    : Exception($"The client fell more than {capacity} messages behind the engine; reconnect to continue.");

/// <summary>
/// Turns an engine call that reports through <see cref="IProgress{T}"/> (stats, events) into an
/// ordered async stream. Docker.DotNet reports synchronously from its read loop, so writing to a
/// channel keeps the engine's order (<see cref="Progress{T}"/> would post to the thread pool and
/// could reorder). Ending the enumeration cancels the engine call, which closes its connection.
/// </summary>
public static class EngineFeed
{
    /// <param name="run">The engine call; it must report through the given progress and honour the token.</param>
    /// <param name="capacity">How far the client may fall behind.</param>
    /// <param name="dropOldest">Keep only the newest items (stats) instead of failing with <see cref="StreamOverflowException"/> (events).</param>
    public static async IAsyncEnumerable<T> ReadAsync<T>(
        Func<IProgress<T>, CancellationToken, Task> run, int capacity, bool dropOldest, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            FullMode = dropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        using var engineCall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await run(new ChannelProgress<T>(channel.Writer, capacity), engineCall.Token);
                    channel.Writer.TryComplete();
                }
                catch (Exception exception)
                {
                    channel.Writer.TryComplete(exception);
                }
            },
            CancellationToken.None);

        try
        {
            while (true)
            {
                try
                {
                    if (!await channel.Reader.WaitToReadAsync(cancellationToken))
                    {
                        break;
                    }
                }
                catch (ChannelClosedException closed) when (closed.InnerException is { } inner)
                {
                    // The engine call failed: surface its own exception (404, 503 …), not the channel's.
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
                }

                while (channel.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            await engineCall.CancelAsync();
            await producer;
        }
    }

    private sealed class ChannelProgress<T>(ChannelWriter<T> writer, int capacity) : IProgress<T>
    {
        public void Report(T value)
        {
            // Only a full channel in Wait mode refuses: end the stream rather than silently drop events.
            if (!writer.TryWrite(value))
            {
                writer.TryComplete(new StreamOverflowException(capacity));
            }
        }
    }
}

using System.Net.WebSockets;
using System.Text.Json;

namespace WakeDock.Containers.Docker.Streams;

/// <summary>
/// Pumps a container's log lines into a WebSocket as JSON text messages
/// (<c>{"stream":"stdout","line":"…","timestamp":"…"}</c>). When the container stops the server
/// closes with 1000; when the client closes or goes away the engine stream is closed at once;
/// an engine failure is sent as <c>{"error":{…}}</c> and closes with 1011.
/// </summary>
public static class LogWebSocketSession
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(WebSocket socket, ContainerLogFeed feed, Func<Exception, StreamError?> describe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(describe);
        using var pump = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Not cancelled by the pump: cancelling a WebSocket receive aborts the socket, and after our
        // close the receive loop must still read the client's close reply.
        var receiving = ReceiveUntilClosedAsync(socket, pump, cancellationToken);

        var status = WebSocketCloseStatus.NormalClosure;
        var reason = "container stopped";
        try
        {
            await foreach (var line in feed.ReadAsync(pump.Token))
            {
                var message = JsonSerializer.SerializeToUtf8Bytes(line, StreamJson.Options);
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, pump.Token);
            }
        }
        catch (OperationCanceledException) when (pump.IsCancellationRequested)
        {
            reason = "client closed";
        }
        catch (Exception exception) when (describe(exception) is { } error)
        {
            status = WebSocketCloseStatus.InternalServerError;
            reason = "engine error";
            if (socket.State == WebSocketState.Open)
            {
                await TrySendAsync(socket, JsonSerializer.SerializeToUtf8Bytes(new { error }, StreamJson.Options), cancellationToken);
            }
        }

        await CloseAsync(socket, status, reason, receiving);
    }

    private static async Task ReceiveUntilClosedAsync(WebSocket socket, CancellationTokenSource pump, CancellationToken cancellationToken)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                // Clients have nothing to say; anything they send is read and ignored.
                var result = await socket.ReceiveAsync(buffer, cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away without a close handshake.
        }
        finally
        {
            await pump.CancelAsync();
        }
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason, Task receiving)
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }

            // Wait (bounded) for the client's close reply so the handshake completes cleanly.
            await receiving.WaitAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException or TimeoutException)
        {
            socket.Abort();
        }
    }

    private static async Task TrySendAsync(WebSocket socket, byte[] message, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            // The close that follows reports the failure as well as it can.
        }
    }
}

/// <summary>A failure after a stream started: sent as the final <c>error</c> event (or WebSocket message).</summary>
public sealed record StreamError(int Status, string Title, string Detail);

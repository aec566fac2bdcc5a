using System.Threading.Channels;
using MassTransit;

namespace WakeDock.Identity.Defence;

/// <summary>
/// Publishes messages on the bus off the request path: a broker outage must neither slow nor fail
/// a sign-in, and what the caller stored first (security events) is not lost when a publish is.
/// Bounded, so a long outage drops (and logs) messages instead of growing without end.
/// </summary>
public sealed partial class BackgroundPublisher(IServiceScopeFactory scopes, ILogger<BackgroundPublisher> logger) : BackgroundService
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    private readonly Channel<object> queue = Channel.CreateBounded<object>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>Queues <paramref name="message"/>; false (and a warning) when the queue is full.</summary>
    public bool Enqueue(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (queue.Writer.TryWrite(message))
        {
            return true;
        }

        LogDropped(logger, message.GetType().Name);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(PublishTimeout);
                await using var scope = scopes.CreateAsyncScope();
                var bus = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
                await bus.Publish(message, message.GetType(), timeout.Token);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogPublishFailed(logger, exception, message.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish queue is full; {MessageType} dropped")]
    private static partial void LogDropped(ILogger logger, string messageType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {MessageType} (it stays stored where applicable)")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string messageType);
}

namespace WakeDock.Contracts.Lifecycle;

/// <summary>
/// Asks every running service instance to announce itself again with
/// <see cref="ServiceInstanceStarted"/>. Monitoring sends it when it starts, so it learns about
/// instances that started before it (RabbitMQ drops messages published before a queue exists).
/// </summary>
/// <param name="RequestedBy">The service asking, e.g. <c>monitoring</c>.</param>
/// <param name="RequestedAt">When it asked.</param>
public sealed record ServiceRollCall(string RequestedBy, DateTimeOffset RequestedAt);

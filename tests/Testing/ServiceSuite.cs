using WakeDock.ServiceDefaults;

namespace WakeDock.Testing;

/// <summary>
/// Throwaway PostgreSQL, Redis and RabbitMQ servers, and WakeDock services started in this process
/// on them. Disposing stops every service started here (newest first), then the servers, even
/// when a test failed. The shared part of every service test project's assembly fixture.
/// </summary>
public sealed class ServiceSuite : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> hosts = [];

    public PostgresFixture Postgres { get; } = new();

    public RedisFixture Redis { get; } = new();

    public RabbitMqFixture RabbitMq { get; } = new();

    public Task StartServersAsync() => Task.WhenAll(
        Postgres.InitializeAsync().AsTask(),
        Redis.InitializeAsync().AsTask(),
        RabbitMq.InitializeAsync().AsTask());

    /// <summary>
    /// The settings the AppHost gives a service (as configuration keys): its name and the
    /// connection strings of the backing servers it uses.
    /// </summary>
    public Dictionary<string, string?> Settings(string serviceName, bool database = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = serviceName,
            [$"ConnectionStrings:{ResourceNames.Redis}"] = Redis.ConnectionString,
            [$"ConnectionStrings:{ResourceNames.Bus}"] = RabbitMq.ConnectionString,
        };
        if (database)
        {
            settings[$"ConnectionStrings:{ResourceNames.Database}"] = Postgres.ConnectionString;
        }

        return settings;
    }

    /// <summary>Starts a service in this process on a free loopback port; it is stopped at dispose.</summary>
    public ServiceHost<TEntryPoint> Start<TEntryPoint>(IReadOnlyDictionary<string, string?> settings)
        where TEntryPoint : class
    {
        var host = new ServiceHost<TEntryPoint>(settings).Start();
        lock (hosts)
        {
            hosts.Add(host);
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> started;
        lock (hosts)
        {
            started = [.. hosts];
            hosts.Clear();
        }

        started.Reverse();
        foreach (var host in started)
        {
            await host.DisposeAsync();
        }

        await RabbitMq.DisposeAsync();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

using System.Security.Cryptography;

namespace WakeDock.Testing;

/// <summary>
/// A throwaway native server (in a temp folder, on free loopback ports) for tests. Usable as a class,
/// collection or assembly fixture (<c>[assembly: AssemblyFixture(typeof(RedisFixture))]</c>); its
/// folder and processes are removed on dispose, whether the tests passed or not.
/// </summary>
public interface IBackingServerFixture : IAsyncLifetime
{
    string Name { get; }
    int Port { get; }

    /// <summary>Connection string in the format the services read (ConnectionStrings__name).</summary>
    string ConnectionString { get; }

    /// <summary>The temp folder holding the server's data; gone after dispose.</summary>
    string Directory { get; }

    /// <summary>The server's output so far (helps when a test fails).</summary>
    IReadOnlyList<string> Output { get; }
}

public abstract class BackingServerFixture<TServer> : IBackingServerFixture where TServer : BackingServer
{
    private readonly MemoryOutputSink _output = new();
    private TServer? _server;

    protected BackingServerFixture(string name)
    {
        Name = name;
        // Letters and digits only, as the AppHost generates them.
        Password = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24);
    }

    public string Name { get; }
    public string Password { get; }
    public string Directory { get; private set; } = "";
    public TServer Server => _server ?? throw new InvalidOperationException($"{Name} fixture is not initialized");
    public int Port => Server.Port;
    public virtual string ConnectionString => Server.ConnectionString;
    public IReadOnlyList<string> Output => _output.Lines;

    /// <summary>How long the first health check may take (rabbitmq needs ~5-10 s on 2 cores).</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(120);

    protected abstract TServer Create(string directory, IOutputSink sink);

    public async ValueTask InitializeAsync()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory($"wakedock-{Name}-").FullName;
        try
        {
            _server = Create(Path.Combine(Directory, Name), _output);
            await _server.StartAsync();
            await _server.WaitHealthyAsync(HealthTimeout);
        }
        catch (Exception e)
        {
            await DisposeAsync();
            throw new InvalidOperationException($"{Name} fixture did not start: {e.Message}\n{string.Join('\n', Output.TakeLast(40))}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>PostgreSQL 15 with a <c>wakedock</c> database; <see cref="ConnectionString"/> points at it.</summary>
public sealed class PostgresFixture() : BackingServerFixture<PostgresServer>("postgres")
{
    public const string Database = "wakedock";

    public override string ConnectionString => Server.DatabaseConnectionString(Database);

    /// <summary>Without a database, to create more (one per test class keeps tests apart).</summary>
    public string ServerConnectionString => Server.ConnectionString;

    protected override PostgresServer Create(string directory, IOutputSink sink) =>
        new(directory, Password, [Database], sink: sink);
}

/// <summary>redis-server with a password; StackExchange.Redis connection string.</summary>
public sealed class RedisFixture() : BackingServerFixture<RedisServer>("redis")
{
    protected override RedisServer Create(string directory, IOutputSink sink) => new(directory, Password, sink: sink);
}

/// <summary>RabbitMQ 3.10 with user <c>wakedock</c>; <c>amqp://</c> connection string.</summary>
public sealed class RabbitMqFixture() : BackingServerFixture<RabbitMqServer>("rabbitmq")
{
    protected override RabbitMqServer Create(string directory, IOutputSink sink) => new(directory, Password, sink: sink);
}

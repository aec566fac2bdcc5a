using WakeDock.AppHost.Hosting;

namespace WakeDock.AppHost.Backing;

/// <summary>redis-server with a password; the password lives in a 0600 config file, never on the command line.</summary>
public sealed class RedisServer : BackingServer
{
    public static readonly RequiredBinary RedisBinary = new("redis-server", "redis-server");

    private readonly string _password;
    private readonly string _redis;

    public RedisServer(string directory, string password, int port = 0, IOutputSink? sink = null,
        BinaryLocator? locator = null, PidFiles? pidFiles = null)
        : base("redis", directory, port, sink ?? new MemoryOutputSink(), locator, pidFiles)
    {
        _password = password;
        _redis = Locator.Find(RedisBinary);
    }

    /// <summary>StackExchange.Redis format, as Aspire's redis resource gives it.</summary>
    public override string ConnectionString => $"127.0.0.1:{Port},password={_password}";
    public override string DisplayEndpoint => $"tcp://127.0.0.1:{Port}";

    public override Task StartAsync(CancellationToken ct = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var config = Path.Combine(Directory, "redis.conf");
        WriteSecretFile(config, string.Join('\n',
            $"port {Port}",
            "bind 127.0.0.1",
            "protected-mode yes",
            "daemonize no",
            $"dir {Directory}",
            "dbfilename dump.rdb",
            "save 60 1",
            "appendonly no",
            "logfile \"\"",
            $"requirepass {_password}",
            ""));
        Launch(new ProcessSpec(Name, _redis, [config]) { WorkingDirectory = Directory });
        return Task.CompletedTask;
    }

    /// <summary>Healthy when <c>AUTH</c> then <c>PING</c> answer <c>+OK</c> and <c>+PONG</c>.</summary>
    public override async Task<bool> CheckHealthAsync(CancellationToken ct = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, ct);
            var stream = client.GetStream();
            var request = $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(_password)}\r\n{_password}\r\n*1\r\n$4\r\nPING\r\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request), ct);
            var buffer = new byte[256];
            var answer = new StringBuilder();
            while (!answer.ToString().Contains("+PONG\r\n", StringComparison.Ordinal) && !answer.ToString().Contains('-', StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    break;
                }
                answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
            return answer.ToString() == "+OK\r\n+PONG\r\n";
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM: redis saves its snapshot and exits.</summary>
    public override async Task StopAsync() => await StopProcessAsync(Process, Native.SIGTERM, TimeSpan.FromSeconds(20));
}

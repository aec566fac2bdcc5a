using System.Security.Cryptography;
using RabbitMQ.Client;
using WakeDock.AppHost.Hosting;

namespace WakeDock.AppHost.Backing;

/// <summary>
/// RabbitMQ from Debian's package, run as the <c>rabbitmq</c> user with everything (mnesia, cookie,
/// config, logs to stdout) in its own folder, and a private epmd on a free port started here, so no
/// shared epmd is left behind and several brokers can run side by side.
/// </summary>
public sealed class RabbitMqServer : BackingServer
{
    public static readonly RequiredBinary RabbitBinary = new("rabbitmq-server", "rabbitmq-server");
    public static readonly RequiredBinary EpmdBinary = new("epmd", "erlang-base");
    public const string User = "rabbitmq";

    private readonly string _password;
    private readonly string _rabbit;
    private readonly string _epmd;
    private ManagedProcess? _epmdProcess;

    public RabbitMqServer(string directory, string password, string userName = "wakedock", int port = 0,
        IOutputSink? sink = null, BinaryLocator? locator = null, PidFiles? pidFiles = null)
        : base("rabbitmq", directory, port, sink ?? new MemoryOutputSink(), locator, pidFiles)
    {
        _password = password;
        UserName = userName;
        _rabbit = Locator.Find(RabbitBinary);
        _epmd = Locator.Find(EpmdBinary);
        DistPort = PortAllocator.GetFreePort();
        EpmdPort = PortAllocator.GetFreePort();
        // Stable per folder: mnesia's data is tied to the node name, so a restart must reuse it.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Directory)))[..10];
        NodeName = $"wakedock-{hash}@localhost";
    }

    public string UserName { get; }
    public int DistPort { get; }
    public int EpmdPort { get; }
    public string NodeName { get; }
    public int? EpmdPid => _epmdProcess?.Pid;

    public override string ConnectionString => $"amqp://{UserName}:{Uri.EscapeDataString(_password)}@127.0.0.1:{Port}";
    public override string DisplayEndpoint => $"amqp://127.0.0.1:{Port}";

    public override async Task StartAsync(CancellationToken ct = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "log"));
        WriteSecretFile(Path.Combine(Directory, "rabbitmq.conf"), string.Join('\n',
            $"default_user = {UserName}",
            $"default_pass = {_password}",
            "default_user_tags.administrator = true",
            "loopback_users = none",
            "log.console = true",
            "log.console.level = info",
            "log.file = false",
            ""));
        await File.WriteAllTextAsync(Path.Combine(Directory, "enabled_plugins"), "[].\n", ct);
        await File.WriteAllTextAsync(Path.Combine(Directory, "rabbitmq-env.conf"), "# empty: ignore /etc/rabbitmq/rabbitmq-env.conf\n", ct);
        var cookie = Path.Combine(Directory, ".erlang.cookie");
        if (!File.Exists(cookie))
        {
            WriteSecretFile(cookie, RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 32));
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }
        await ChownAsync(Directory, User, ct);

        _epmdProcess = Launch(new ProcessSpec("epmd", _epmd, ["-port", EpmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"])
        {
            UserName = User,
            WorkingDirectory = Directory,
            Environment = new Dictionary<string, string?> { ["HOME"] = Directory },
        }, pidName: Name + "-epmd");
        for (var i = 0; i < 100 && !await PortAllocator.IsListeningAsync(EpmdPort, ct); i++)
        {
            await Task.Delay(50, ct);
        }

        Launch(new ProcessSpec(Name, _rabbit, [])
        {
            UserName = User,
            WorkingDirectory = Directory,
            Environment = new Dictionary<string, string?>
            {
                ["HOME"] = Directory,
                ["ERL_EPMD_PORT"] = EpmdPort.ToString(CultureInfo.InvariantCulture),
                ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
                ["RABBITMQ_NODENAME"] = NodeName,
                ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
                ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
                ["RABBITMQ_DIST_PORT"] = DistPort.ToString(CultureInfo.InvariantCulture),
                ["RABBITMQ_CONFIG_FILE"] = Path.Combine(Directory, "rabbitmq.conf"),
                ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(Directory, "rabbitmq-env.conf"),
                ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(Directory, "advanced.config"),
                ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(Directory, "enabled_plugins"),
                ["RABBITMQ_MNESIA_BASE"] = Path.Combine(Directory, "mnesia"),
                ["RABBITMQ_LOG_BASE"] = Path.Combine(Directory, "log"),
                ["RABBITMQ_LOGS"] = "-",
                ["RABBITMQ_PID_FILE"] = Path.Combine(Directory, "rabbitmq.pid"),
                // Exec the VM directly (no signal-forwarding shell in between); -noinput keeps it headless.
                ["RABBITMQ_ALLOW_INPUT"] = "1",
                ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-noinput",
            },
        });
    }

    /// <summary>Healthy when a real AMQP connection opens with the configured user.</summary>
    public override async Task<bool> CheckHealthAsync(CancellationToken ct = default)
    {
        if (!await PortAllocator.IsListeningAsync(Port, ct))
        {
            return false;
        }
        try
        {
            var factory = new ConnectionFactory
            {
                Uri = new Uri(ConnectionString),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
                AutomaticRecoveryEnabled = false,
                ClientProvidedName = "wakedock-apphost-health",
            };
            await using var connection = await factory.CreateConnectionAsync(ct);
            await connection.CloseAsync(ct);
            return true;
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or SocketException
            or RabbitMQ.Client.Exceptions.OperationInterruptedException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Every AMQP connection is logged by the broker: once healthy, an open port is enough.</summary>
    public override Task<bool> CheckLiveAsync(CancellationToken ct = default) => PortAllocator.IsListeningAsync(Port, ct);

    /// <summary>SIGTERM makes the Erlang VM stop RabbitMQ gracefully; then our epmd goes.</summary>
    public override async Task StopAsync()
    {
        await StopProcessAsync(Process, Native.SIGTERM, TimeSpan.FromSeconds(30));
        await StopProcessAsync(_epmdProcess, Native.SIGTERM, TimeSpan.FromSeconds(5), Name + "-epmd");
        _epmdProcess = null;
    }
}

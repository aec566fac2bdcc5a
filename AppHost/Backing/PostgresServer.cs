using Npgsql;
using WakeDock.AppHost.Hosting;

namespace WakeDock.AppHost.Backing;

/// <summary>
/// PostgreSQL from Debian's binaries, run as the <c>postgres</c> user (it refuses root) on a folder
/// that user owns. initdb only on first start; databases are created when missing.
/// </summary>
public sealed class PostgresServer : BackingServer
{
    public static readonly RequiredBinary PostgresBinary = new("postgres", "postgresql");
    public static readonly RequiredBinary InitDbBinary = new("initdb", "postgresql");
    public const string User = "postgres";

    private readonly string _password;
    private readonly string _postgres;
    private readonly string _initdb;

    public PostgresServer(string directory, string password, IEnumerable<string>? databases = null, int port = 0,
        IOutputSink? sink = null, BinaryLocator? locator = null, PidFiles? pidFiles = null)
        : base("postgres", directory, port, sink ?? new MemoryOutputSink(), locator, pidFiles)
    {
        _password = password;
        Databases = [.. databases ?? []];
        _postgres = Locator.Find(PostgresBinary);
        _initdb = Locator.Find(InitDbBinary);
    }

    public IReadOnlyList<string> Databases { get; }
    public string DataDirectory => Path.Combine(Directory, "data");

    /// <summary>Server connection string (Aspire's postgres resource shape); add <c>Database=</c> per database.</summary>
    public override string ConnectionString => $"Host=127.0.0.1;Port={Port};Username={User};Password={_password}";
    public override string DisplayEndpoint => $"tcp://127.0.0.1:{Port}";

    public string DatabaseConnectionString(string database) => $"{ConnectionString};Database={database}";

    public override async Task StartAsync(CancellationToken ct = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            await InitDbAsync(ct);
        }
        await ChownAsync(Directory, User, ct);
        // No Unix socket: several servers may run at once and /var/run/postgresql belongs to the system's.
        Launch(new ProcessSpec(Name, _postgres,
        [
            "-D", DataDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "logging_collector=off", "-c", "max_connections=200",
        ])
        {
            UserName = User,
            WorkingDirectory = Directory,
            Environment = new Dictionary<string, string?> { ["HOME"] = Directory, ["LC_ALL"] = "C.UTF-8" },
        });
    }

    private async Task InitDbAsync(CancellationToken ct)
    {
        if (System.IO.Directory.Exists(DataDirectory))
        {
            System.IO.Directory.Delete(DataDirectory, recursive: true); // a half-done initdb from a crash
        }
        var pwfile = Path.Combine(Directory, ".pwfile");
        WriteSecretFile(pwfile, _password + "\n");
        try
        {
            await ChownAsync(Directory, User, ct);
            await RunToCompletionAsync(new ProcessSpec(Name, _initdb,
            [
                "-D", DataDirectory, "-U", User, "--pwfile", pwfile, "--auth", "scram-sha-256",
                "--encoding", "UTF8", "--no-locale", "--no-sync",
            ])
            {
                UserName = User,
                WorkingDirectory = Directory,
                Environment = new Dictionary<string, string?> { ["HOME"] = Directory, ["LC_ALL"] = "C.UTF-8" },
            }, ct);
        }
        finally
        {
            File.Delete(pwfile);
        }
    }

    /// <summary>Healthy when a real query answers on every database (created here when missing).</summary>
    public override async Task<bool> CheckHealthAsync(CancellationToken ct = default)
    {
        if (!await PortAllocator.IsListeningAsync(Port, ct))
        {
            return false;
        }
        try
        {
            await using (var admin = new NpgsqlConnection(ConnectionString + ";Database=postgres;Pooling=false;Timeout=5"))
            {
                await admin.OpenAsync(ct);
                foreach (var db in Databases)
                {
                    await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin);
                    exists.Parameters.AddWithValue(db);
                    if (await exists.ExecuteScalarAsync(ct) is null)
                    {
                        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{db.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", admin);
                        await create.ExecuteNonQueryAsync(ct);
                    }
                }
            }
            foreach (var db in Databases.DefaultIfEmpty("postgres"))
            {
                await using var conn = new NpgsqlConnection(DatabaseConnectionString(db) + ";Pooling=false;Timeout=5");
                await conn.OpenAsync(ct);
                await using var select = new NpgsqlCommand("SELECT 1", conn);
                if (await select.ExecuteScalarAsync(ct) is not 1)
                {
                    return false;
                }
            }
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or SocketException)
        {
            return false;
        }
    }

    /// <summary>Fast shutdown (SIGINT): rolls back open transactions, checkpoints and exits.</summary>
    public override async Task StopAsync() => await StopProcessAsync(Process, Native.SIGINT, TimeSpan.FromSeconds(30));
}

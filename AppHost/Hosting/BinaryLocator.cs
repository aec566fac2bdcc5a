namespace WakeDock.AppHost.Hosting;

/// <summary>A binary a resource needs, and the Debian package that ships it.</summary>
public sealed record RequiredBinary(string Name, string Package);

/// <summary>Thrown before anything starts when a needed binary is missing; the message is the one line shown.</summary>
public sealed class MissingBinaryException(RequiredBinary binary)
    : Exception($"{binary.Name} not found: install it with 'apt-get install {binary.Package}'")
{
    public RequiredBinary Binary { get; } = binary;
}

/// <summary>
/// Finds server binaries on PATH plus the folders Debian installs them in but keeps off PATH
/// (postgres, rabbitmq). <c>WAKEDOCK_BIN_PATH</c> (or the constructor) replaces the whole search path,
/// which lets tests simulate a machine without a package.
/// </summary>
public sealed class BinaryLocator
{
    public const string OverrideVariable = "WAKEDOCK_BIN_PATH";

    public BinaryLocator(string? searchPath = null)
    {
        searchPath ??= Environment.GetEnvironmentVariable(OverrideVariable);
        Directories = searchPath is not null
            ? searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries)
            : DefaultDirectories();
    }

    public IReadOnlyList<string> Directories { get; }

    public static BinaryLocator Default { get; } = new();

    public string Find(RequiredBinary binary) =>
        TryFind(binary.Name) ?? throw new MissingBinaryException(binary);

    public string? TryFind(string name) =>
        Directories.Select(dir => Path.Combine(dir, name)).FirstOrDefault(IsExecutable);

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    private static string[] DefaultDirectories()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries);
        // Newest PostgreSQL first when several major versions are installed side by side.
        var postgres = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];
        // Debian's own folders first: /usr/sbin/rabbitmq-server is a wrapper that su's and logs to /var/log.
        return [.. postgres, "/usr/lib/rabbitmq/bin", .. path, "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
    }
}

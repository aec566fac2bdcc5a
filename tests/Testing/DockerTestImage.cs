using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace WakeDock.Testing;

/// <summary>
/// The local test image <c>wakedock-test/busybox:latest</c>: <c>FROM scratch</c> holding the static
/// busybox of Debian's <c>busybox-static</c> with a symlink for every applet (<c>sh</c>, <c>httpd</c>,
/// <c>sleep</c>, …). Built through the engine's build API from an in-memory tar context — no
/// registry, no network — once per process, and only when the engine lacks an image built from
/// the same busybox binary and recipe.
/// </summary>
public static class DockerTestImage
{
    /// <summary>The image reference tests run.</summary>
    public const string Name = "wakedock-test/busybox:latest";

    /// <summary>The label on the image and on every container the tests create.</summary>
    public const string TestLabel = "wakedock.test";

    /// <summary>Where Debian's busybox-static puts its binary.</summary>
    public const string DefaultBusyboxPath = "/bin/busybox";

    private const string Recipe = "1";
    private const string RecipeLabel = "wakedock.test.recipe";
    private const string HashLabel = "wakedock.test.busybox-sha256";

    // Used when `busybox --list` cannot be run; these are the applets the tests rely on.
    private static readonly string[] FallbackApplets =
    [
        "sh", "ash", "httpd", "sleep", "echo", "cat", "printf", "mkdir", "ls", "rm", "env", "true",
        "false", "kill", "ps", "wget", "nc", "hostname", "id", "touch", "date", "test", "[",
    ];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? ensuredId;

    /// <summary>
    /// Makes sure the image exists and returns its id. Idempotent: the first call in a process
    /// builds the image when needed, later calls return at once.
    /// </summary>
    public static async Task<string> EnsureAsync(DockerClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (ensuredId is { } id)
        {
            return id;
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (ensuredId is { } again)
            {
                return again;
            }

            var busyboxPath = Environment.GetEnvironmentVariable("WAKEDOCK_TEST_BUSYBOX") ?? DefaultBusyboxPath;
            if (!File.Exists(busyboxPath))
            {
                throw new InvalidOperationException(
                    $"{busyboxPath} is missing: the Docker test image needs Debian's busybox-static; run scripts/setup.sh.");
            }

            var busybox = await File.ReadAllBytesAsync(busyboxPath, cancellationToken);
            var hash = Convert.ToHexStringLower(SHA256.HashData(busybox));

            var existing = await TryInspectAsync(client, cancellationToken);
            if (existing?.Config?.Labels is { } labels
                && labels.TryGetValue(HashLabel, out var builtHash) && builtHash == hash
                && labels.TryGetValue(RecipeLabel, out var builtRecipe) && builtRecipe == Recipe)
            {
                return ensuredId = existing.ID;
            }

            await BuildAsync(client, busybox, busyboxPath, hash, cancellationToken);
            var built = await TryInspectAsync(client, cancellationToken)
                ?? throw new InvalidOperationException($"The engine reported no error, yet {Name} does not exist after the build.");
            return ensuredId = built.ID;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<ImageInspectResponse?> TryInspectAsync(DockerClient client, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Images.InspectImageAsync(Name, cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }

    private static async Task BuildAsync(
        DockerClient client, byte[] busybox, string busyboxPath, string hash, CancellationToken cancellationToken)
    {
        using var context = CreateBuildContext(busybox, ListApplets(busyboxPath), hash);
        var errors = new List<string>();
        var progress = new Progress<JSONMessage>(message =>
        {
            if (message.Error is { } error)
            {
                lock (errors)
                {
                    errors.Add(error.Message ?? message.ErrorMessage ?? "unknown error");
                }
            }
            else if (!string.IsNullOrEmpty(message.ErrorMessage))
            {
                lock (errors)
                {
                    errors.Add(message.ErrorMessage);
                }
            }
        });

        var parameters = new ImageBuildParameters
        {
            Dockerfile = "Dockerfile",
            Tags = [Name],
            Labels = new Dictionary<string, string> { [TestLabel] = "true" },
            NetworkMode = "none",
            Remove = true,
            ForceRemove = true,
        };

        await client.Images.BuildImageFromDockerfileAsync(parameters, context, [], new Dictionary<string, string>(), progress, cancellationToken);

        // Progress<T> posts to the thread pool: give the last messages a moment to arrive.
        await Task.Delay(50, cancellationToken);
        lock (errors)
        {
            if (errors.Count > 0)
            {
                throw new InvalidOperationException($"Building {Name} failed: {string.Join("; ", errors)}");
            }
        }
    }

    /// <summary>A tar build context: a Dockerfile and <c>rootfs/</c> with busybox and its applet links.</summary>
    internal static MemoryStream CreateBuildContext(byte[] busybox, IReadOnlyCollection<string> applets, string hash)
    {
        var dockerfile = $"""
            FROM scratch
            COPY rootfs/ /
            ENV PATH=/bin
            LABEL {TestLabel}="true" {RecipeLabel}="{Recipe}" {HashLabel}="{hash}"
            CMD ["sh"]
            """;

        var stream = new MemoryStream();
        using (var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            AddFile(tar, "Dockerfile", Encoding.UTF8.GetBytes(dockerfile), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            AddDirectory(tar, "rootfs/", Rwx);
            AddDirectory(tar, "rootfs/bin/", Rwx);
            AddDirectory(tar, "rootfs/www/", Rwx);
            AddDirectory(tar, "rootfs/tmp/", Rwx | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit);
            AddFile(tar, "rootfs/bin/busybox", busybox, Rwx);
            foreach (var applet in applets)
            {
                if (applet == "busybox" || applet.Contains('/', StringComparison.Ordinal) || applet.Length == 0)
                {
                    continue;
                }

                tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "rootfs/bin/" + applet)
                {
                    LinkName = "busybox",
                    Mode = Rwx,
                    ModificationTime = Epoch,
                });
            }
        }

        stream.Position = 0;
        return stream;
    }

    private const UnixFileMode Rwx =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    // A fixed time keeps the context identical between runs.
    private static readonly DateTimeOffset Epoch = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static void AddDirectory(TarWriter tar, string name, UnixFileMode mode) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode, ModificationTime = Epoch });

    private static void AddFile(TarWriter tar, string name, byte[] content, UnixFileMode mode) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = mode,
            ModificationTime = Epoch,
            DataStream = new MemoryStream(content, writable: false),
        });

    /// <summary>The applets this busybox offers (<c>busybox --list</c>), or a fixed list.</summary>
    internal static IReadOnlyCollection<string> ListApplets(string busyboxPath)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(busyboxPath, "--list")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is not null)
            {
                var output = process.StandardOutput.ReadToEnd();
                if (process.WaitForExit(10_000) && process.ExitCode == 0)
                {
                    var applets = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Union(FallbackApplets, StringComparer.Ordinal)
                        .Order(StringComparer.Ordinal)
                        .ToArray();
                    if (applets.Contains("sh", StringComparer.Ordinal))
                    {
                        return applets;
                    }
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Fall through to the fixed list.
        }

        return FallbackApplets;
    }
}

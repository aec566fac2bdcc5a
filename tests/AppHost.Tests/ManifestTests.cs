using System.Text.Json.Nodes;
using NJsonSchema;
using WakeDock.AppHost.Publishing;

namespace WakeDock.AppHost.Tests;

public class ManifestTests
{
    private const string Regenerate =
        "aspire-manifest.json is out of date: regenerate it with 'dotnet run --project AppHost -- --publisher manifest --output-path aspire-manifest.json' and commit it";

    private static string RepoRoot => RepoPaths.RepoRoot;
    private static string ManifestPath => Path.Combine(RepoRoot, "aspire-manifest.json");

    /// <summary>The public Aspire schema sits in shared/ beside the repository.</summary>
    private static string SchemaPath
    {
        get
        {
            for (var dir = new DirectoryInfo(RepoRoot); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "reference", "aspire-8.0.json");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            throw new FileNotFoundException("shared/reference/aspire-8.0.json not found beside the repository");
        }
    }

    /// <summary>
    /// The schema rewritten into equivalent draft-07 forms NJsonSchema handles: it cannot read boolean
    /// subschemas under <c>properties</c> (<c>"build": false</c>) and ignores <c>const</c> (so every
    /// <c>container.v0</c> would also match <c>container.v1</c> and fail the <c>oneOf</c>).
    /// </summary>
    private static async Task<JsonSchema> LoadSchemaAsync()
    {
        var node = JsonNode.Parse(await File.ReadAllTextAsync(SchemaPath, TestContext.Current.CancellationToken))!;
        Normalize(node);
        return await JsonSchema.FromJsonAsync(node.ToJsonString(), SchemaPath, TestContext.Current.CancellationToken);
    }

    private static void Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["const"] is { } constant)
                {
                    obj.Remove("const");
                    obj["enum"] = new JsonArray(constant.DeepClone());
                }
                if (obj["properties"] is JsonObject properties)
                {
                    foreach (var name in properties.Select(p => p.Key).ToList())
                    {
                        if (properties[name] is JsonValue value && value.TryGetValue<bool>(out var allowed))
                        {
                            properties[name] = allowed ? new JsonObject() : new JsonObject { ["not"] = new JsonObject() };
                        }
                    }
                }
                foreach (var child in obj.Select(p => p.Value).ToList())
                {
                    Normalize(child);
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Normalize(child);
                }
                break;
        }
    }

    [Fact]
    public async Task Committed_manifest_validates_against_the_aspire_schema()
    {
        var schema = await LoadSchemaAsync();
        var errors = schema.Validate(await File.ReadAllTextAsync(ManifestPath, TestContext.Current.CancellationToken));
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public async Task Schema_rejects_a_container_without_image()
    {
        var schema = await LoadSchemaAsync();
        var broken = (await File.ReadAllTextAsync(ManifestPath, TestContext.Current.CancellationToken))
            .Replace("\"image\": \"docker.io/library/redis:7\",", "", StringComparison.Ordinal);
        Assert.NotEmpty(schema.Validate(broken));
    }

    [Fact]
    public void Committed_manifest_is_what_the_AppHost_writes_now()
    {
        Assert.True(File.Exists(ManifestPath), Regenerate);
        var expected = ManifestWriter.Write(WakeDockModel.Build(), RepoRoot, RepoRoot);
        var committed = File.ReadAllText(ManifestPath);
        Assert.True(expected == committed, Regenerate);
    }

    [Fact]
    public void Manifest_is_deterministic_and_paths_are_relative_to_its_folder()
    {
        var first = ManifestWriter.Write(WakeDockModel.Build(), RepoRoot, RepoRoot);
        var second = ManifestWriter.Write(WakeDockModel.Build(), RepoRoot, RepoRoot);
        Assert.Equal(first, second);
        var nested = ManifestWriter.Write(WakeDockModel.Build(), RepoRoot, Path.Combine(RepoRoot, "artifacts"));
        Assert.Contains("\"path\": \"../services/Identity/WakeDock.Identity.csproj\"", nested, StringComparison.Ordinal);
        Assert.Contains("\"source\": \"../caddy/Caddyfile.dev\"", nested, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_uses_Aspire_expressions()
    {
        var manifest = ManifestWriter.Write(WakeDockModel.Build(), RepoRoot, RepoRoot);
        Assert.Contains("\"connectionString\": \"Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=postgres;Password={postgres-password.value}\"", manifest, StringComparison.Ordinal);
        Assert.Contains("\"connectionString\": \"{postgres.connectionString};Database=wakedock\"", manifest, StringComparison.Ordinal);
        Assert.Contains("\"services__identity__http__0\": \"{identity.bindings.http.url}\"", manifest, StringComparison.Ordinal);
        Assert.Contains("\"ConnectionStrings__wakedock\": \"{wakedock.connectionString}\"", manifest, StringComparison.Ordinal);
        Assert.Contains("\"GATEWAY_URL\": \"{gateway.bindings.http.url}\"", manifest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publisher_option_writes_the_manifest_without_starting_anything()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("wakedock-manifest-").FullName, "aspire-manifest.json");
        try
        {
            var (code, stdout, _) = await AppHostProcess.RunAsync(["--publisher", "manifest", "--output-path", output], TimeSpan.FromSeconds(60));
            Assert.Equal(0, code);
            Assert.Contains(output, stdout, StringComparison.Ordinal);
            Assert.Equal(ManifestWriter.Write(WakeDockModel.Build(), RepoRoot, Path.GetDirectoryName(output)!), File.ReadAllText(output));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }
}

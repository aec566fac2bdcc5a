using System.Text.Json;
using System.Text.Json.Serialization;

namespace WakeDock.AppHost.Hosting;

/// <summary>One resource in <c>apphost.json</c>.</summary>
public sealed record ResourceStatus(string Type, string State, string? Url, int? Pid, int Restarts);

/// <summary>
/// <c>&lt;data&gt;/apphost.json</c>: where everything runs, for tests, benchmarks and people. No secrets.
/// </summary>
public sealed record AppHostStatus(
    int Pid,
    string State,
    string DataDir,
    string? PublicUrl,
    string? GatewayUrl,
    DateTimeOffset UpdatedAt,
    IReadOnlyDictionary<string, ResourceStatus> Resources)
{
    public const string FileName = "apphost.json";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static AppHostStatus? Read(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<AppHostStatus>(File.ReadAllText(path), Json) : null;
    }

    /// <summary>Written to a temp file and renamed, so a reader never sees half a file.</summary>
    public void Write(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json) + "\n");
        File.Move(temp, path, overwrite: true);
    }
}

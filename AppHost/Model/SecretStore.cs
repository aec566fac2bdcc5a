using System.Security.Cryptography;
using System.Text.Json;

namespace WakeDock.AppHost.Model;

/// <summary>
/// Parameter values, generated on first run and kept in <c>secrets.json</c> (mode 0600) so data
/// folders keep working across restarts. Values are never printed or logged.
/// </summary>
public sealed class SecretStore
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly Dictionary<string, string> _values;

    private SecretStore(string path, Dictionary<string, string> values, IReadOnlyList<string> generated)
    {
        Path = path;
        _values = values;
        Generated = generated;
    }

    /// <summary>The parameters this load generated (first run, or parameters added since).</summary>
    public IReadOnlyList<string> Generated { get; }

    public string Path { get; }

    public IReadOnlyCollection<string> Names => _values.Keys;

    public string this[ParameterResource parameter] =>
        _values.TryGetValue(parameter.Name, out var value) ? value : throw new KeyNotFoundException($"no value for parameter '{parameter.Name}'");

    /// <summary>Loads the file, generates whatever parameter is missing, and saves when something was added.</summary>
    public static SecretStore LoadOrCreate(string path, IEnumerable<ParameterResource> parameters)
    {
        var values = File.Exists(path)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []
            : [];
        var generated = new List<string>();
        foreach (var p in parameters.Where(p => !values.ContainsKey(p.Name)))
        {
            // Letters and digits only: the values go into URIs and connection strings unescaped, like Aspire's.
            values[p.Name] = RandomNumberGenerator.GetString(Alphabet, Math.Max(p.MinLength, 22));
            generated.Add(p.Name);
        }
        var store = new SecretStore(path, values, generated);
        if (generated.Count > 0 || !File.Exists(path))
        {
            store.Save();
        }
        return store;
    }

    private void Save()
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = Path + ".tmp";
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, _values, Indented);
        }
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, Path, overwrite: true);
    }
}

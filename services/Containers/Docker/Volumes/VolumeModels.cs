using System.Text.RegularExpressions;
using Docker.DotNet.Models;

namespace WakeDock.Containers.Docker.Volumes;

/// <summary>A volume as <c>GET /api/v1/volumes</c> and <c>/{name}</c> show it.</summary>
public sealed record VolumeDetails(
    string Name,
    string Driver,
    string? Mountpoint,
    string? Scope,
    DateTimeOffset? CreatedAt,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Options)
{
    public static VolumeDetails From(VolumeResponse volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        return new(
            volume.Name,
            volume.Driver,
            string.IsNullOrEmpty(volume.Mountpoint) ? null : volume.Mountpoint,
            string.IsNullOrEmpty(volume.Scope) ? null : volume.Scope,
            DateTimeOffset.TryParse(volume.CreatedAt, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var created)
                ? created.ToUniversalTime()
                : null,
            volume.Labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(volume.Labels, StringComparer.Ordinal),
            volume.Options is null ? new Dictionary<string, string>() : new Dictionary<string, string>(volume.Options, StringComparer.Ordinal));
    }
}

/// <summary><c>POST /api/v1/volumes</c>: the engine names it when <c>name</c> is empty; driver defaults to <c>local</c>.</summary>
public sealed record VolumeCreateRequest(string? Name, string? Driver, IDictionary<string, string>? DriverOpts, IDictionary<string, string>? Labels);

/// <summary><c>POST /api/v1/volumes/prune</c>: only volumes with these labels (every unused one when empty).</summary>
public sealed record VolumePruneRequest(IReadOnlyList<string>? Labels);

public sealed record VolumePruneResult(IReadOnlyList<string> Deleted, long SpaceReclaimed);

/// <summary>Checks volume requests before the engine sees them.</summary>
public static partial class VolumeRules
{
    public const int MaxNameLength = 255;

    public static VolumesCreateParameters? CheckCreate(VolumeCreateRequest? request, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var name = string.IsNullOrWhiteSpace(request?.Name) ? null : request.Name.Trim();
        if (name is not null && !IsValidName(name))
        {
            errors.Add("name", $"'{name}' is not a valid volume name (2 to {MaxNameLength} of letters, digits, '_', '.', '-'; starting with a letter or digit).");
        }

        var driver = string.IsNullOrWhiteSpace(request?.Driver) ? "local" : request.Driver.Trim();
        if (!DriverPattern().IsMatch(driver))
        {
            errors.Add("driver", $"'{driver}' is not a valid driver name.");
        }

        errors.CheckLabels("labels", request?.Labels);
        errors.CheckLabels("driverOpts", request?.DriverOpts);
        if (errors.Any)
        {
            return null;
        }

        return new VolumesCreateParameters
        {
            Name = name,
            Driver = driver,
            DriverOpts = request?.DriverOpts is null ? null : new Dictionary<string, string>(request.DriverOpts, StringComparer.Ordinal),
            Labels = request?.Labels is null ? null : new Dictionary<string, string>(request.Labels, StringComparer.Ordinal),
        };
    }

    public static bool IsValidName(string name) => name.Length <= MaxNameLength && NamePattern().IsMatch(name);

    // The engine's own rule for local volume names.
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_./:-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex DriverPattern();
}

using System.Globalization;

namespace WakeDock.Containers.Services;

/// <summary>
/// The <c>wakedock.*</c> container labels (docs/labels.md): WakeDock puts them on the containers it
/// creates, and a container started elsewhere with <c>wakedock.enable=true</c> can be adopted from them.
/// </summary>
public static class WakeDockLabels
{
    public const string Prefix = "wakedock.";

    /// <summary><c>true</c>: adopt this container as a managed service.</summary>
    public const string Enable = "wakedock.enable";

    /// <summary><c>true</c> on containers WakeDock created itself.</summary>
    public const string Managed = "wakedock.managed";

    public const string ServiceId = "wakedock.service-id";
    public const string Name = "wakedock.name";

    /// <summary>Comma-separated host names.</summary>
    public const string Domain = "wakedock.domain";

    public const string IdleTimeout = "wakedock.idle-timeout";
    public const string WakePolicy = "wakedock.wake-policy";
    public const string Strategy = "wakedock.strategy";
    public const string BlockingTimeout = "wakedock.blocking-timeout";
    public const string Theme = "wakedock.theme";
    public const string HealthPath = "wakedock.health.path";
    public const string HealthPort = "wakedock.health.port";

    /// <summary>Comma-separated service names.</summary>
    public const string DependsOn = "wakedock.depends-on";

    public const string SleepMode = "wakedock.sleep-mode";
}

/// <summary>What a container's labels say: whether WakeDock should manage it, and as which service.</summary>
/// <param name="Enabled"><c>wakedock.enable</c> is true: adopt it.</param>
/// <param name="Managed">WakeDock created it (<c>wakedock.managed</c>), for the service <paramref name="ServiceId"/>.</param>
/// <param name="Definition">The validated, normalised definition; null when not enabled or invalid.</param>
/// <param name="Errors">Problems keyed by label name (or <c>image</c>).</param>
public sealed record LabelParseResult(bool Enabled, bool Managed, Guid? ServiceId, ServiceDefinition? Definition, Dictionary<string, string[]> Errors);

/// <summary>Reads a service definition from a container's labels, for adoption.</summary>
public static class WakeDockLabelParser
{
    private static readonly Dictionary<string, string> FieldLabels = new(StringComparer.Ordinal)
    {
        ["name"] = WakeDockLabels.Name,
        ["domains"] = WakeDockLabels.Domain,
        ["idleTimeout"] = WakeDockLabels.IdleTimeout,
        ["wakePolicy"] = WakeDockLabels.WakePolicy,
        ["loadingStrategy"] = WakeDockLabels.Strategy,
        ["blockingTimeout"] = WakeDockLabels.BlockingTimeout,
        ["theme"] = WakeDockLabels.Theme,
        ["healthCheck.path"] = WakeDockLabels.HealthPath,
        ["healthCheck.port"] = WakeDockLabels.HealthPort,
        ["dependsOn"] = WakeDockLabels.DependsOn,
        ["sleepMode"] = WakeDockLabels.SleepMode,
    };

    /// <param name="containerName">The name when <c>wakedock.name</c> is missing (made a valid service name).</param>
    /// <param name="image">The container's image reference.</param>
    public static LabelParseResult Parse(IReadOnlyDictionary<string, string> labels, string? containerName = null, string? image = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var errors = new FieldErrors();
        var enabled = Flag(labels, WakeDockLabels.Enable, errors);
        var managed = Flag(labels, WakeDockLabels.Managed, errors);
        Guid? serviceId = null;
        if (labels.TryGetValue(WakeDockLabels.ServiceId, out var idText))
        {
            serviceId = Guid.TryParse(idText, out var id) ? id : null;
            errors.Add(WakeDockLabels.ServiceId, serviceId is null ? $"'{idText}' is not a service id." : null);
        }

        if (!enabled || errors.Any)
        {
            return new LabelParseResult(enabled, managed, serviceId, null, errors.ToDictionary());
        }

        HealthCheckSpec? health = null;
        labels.TryGetValue(WakeDockLabels.HealthPath, out var healthPath);
        labels.TryGetValue(WakeDockLabels.HealthPort, out var portText);
        if (healthPath is not null || portText is not null)
        {
            int? port = null;
            if (portText is not null)
            {
                port = int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
            }

            health = new HealthCheckSpec { Type = HealthCheckTypes.Http, Path = healthPath, Port = port };
        }

        var definition = new ServiceDefinition
        {
            Name = Get(labels, WakeDockLabels.Name) ?? ServiceNameFrom(containerName),
            Image = image,
            Domains = List(Get(labels, WakeDockLabels.Domain)),
            IdleTimeout = Get(labels, WakeDockLabels.IdleTimeout),
            WakePolicy = Get(labels, WakeDockLabels.WakePolicy),
            LoadingStrategy = Get(labels, WakeDockLabels.Strategy),
            BlockingTimeout = Get(labels, WakeDockLabels.BlockingTimeout),
            Theme = Get(labels, WakeDockLabels.Theme),
            HealthCheck = health,
            DependsOn = List(Get(labels, WakeDockLabels.DependsOn)),
            SleepMode = Get(labels, WakeDockLabels.SleepMode),
            // The container's other labels stay its labels.
            Labels = labels.Where(pair => !pair.Key.StartsWith(WakeDockLabels.Prefix, StringComparison.OrdinalIgnoreCase))
                .ToDictionary(pair => pair.Key, pair => (string?)pair.Value, StringComparer.Ordinal),
        };

        var fieldErrors = new FieldErrors();
        var service = ServiceValidator.Validate(definition, null, fieldErrors);
        foreach (var (field, messages) in fieldErrors.ToDictionary())
        {
            foreach (var message in messages)
            {
                errors.Add(LabelFor(field), message);
            }
        }

        return new LabelParseResult(true, managed, serviceId, service is null ? null : ServiceView.From(service, maskSecrets: false), errors.ToDictionary());
    }

    /// <summary>A Docker container name (<c>/My_App.1</c>) as a service name (<c>my-app-1</c>).</summary>
    public static string? ServiceNameFrom(string? containerName)
    {
        if (string.IsNullOrWhiteSpace(containerName))
        {
            return null;
        }

        var chars = containerName.Trim().TrimStart('/').ToLowerInvariant()
            .Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var name = new string(chars).Trim('-');
        return name.Length > 63 ? name[..63].TrimEnd('-') : name;
    }

    private static string LabelFor(string field)
    {
        var root = field.Split('[')[0];
        if (FieldLabels.TryGetValue(field, out var label) || FieldLabels.TryGetValue(root, out label))
        {
            return label;
        }

        return field.StartsWith("labels.", StringComparison.Ordinal) ? field["labels.".Length..] : field;
    }

    private static bool Flag(IReadOnlyDictionary<string, string> labels, string key, FieldErrors errors)
    {
        if (!labels.TryGetValue(key, out var value))
        {
            return false;
        }

        switch (value.Trim().ToLowerInvariant())
        {
            case "true" or "1" or "yes" or "on":
                return true;
            case "false" or "0" or "no" or "off" or "":
                return false;
            default:
                errors.Add(key, $"'{value}' is not true or false.");
                return false;
        }
    }

    private static string? Get(IReadOnlyDictionary<string, string> labels, string key)
        => labels.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static List<string>? List(string? value)
        => value?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
}

using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace WakeDock.Containers.Services;

/// <summary>
/// Checks one <see cref="ServiceDefinition"/> on its own (formats, ranges, sizes) and turns it
/// into a normalised <see cref="ManagedService"/>. What needs the other services (domains taken,
/// port conflicts, dependencies) is <see cref="ServiceStore"/>'s job; host access is <see cref="ServiceSafety"/>'s.
/// </summary>
public static partial class ServiceValidator
{
    public const int MaxEnvironmentEntries = 200;
    public const int MaxEnvironmentValueBytes = 32 * 1024;
    public const int MaxLabelKeyBytes = 256;
    public const int MaxLabelValueBytes = 4 * 1024;
    public const int MaxLabelsBytes = 64 * 1024;
    public const int MaxCommandBytes = 64 * 1024;
    public const int MaxListItems = 100;
    public const int MaxDomains = 20;

    /// <summary>Names that would be taken for a route segment under <c>/api/v1/services/</c>.</summary>
    private static readonly HashSet<string> ReservedNames = ["audit"];

    public static string? CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "The name is required.";
        }

        if (!NamePattern().IsMatch(name))
        {
            return "The name must be 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit.";
        }

        return ReservedNames.Contains(name) ? $"'{name}' is reserved." : null;
    }

    /// <summary>The normalised service, or null with <paramref name="errors"/> filled. <paramref name="existing"/> supplies masked secrets.</summary>
    public static ManagedService? Validate(ServiceDefinition definition, ManagedService? existing, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(errors);

        errors.Add("name", CheckName(definition.Name));
        if (!ImageReference.TryParse(definition.Image, out var image, out var imageError))
        {
            errors.Add("image", imageError);
        }

        var service = new ManagedService
        {
            Name = definition.Name ?? "",
            Image = image?.ToString() ?? "",
            Command = CheckCommand(definition.Command, errors),
            Environment = CheckEnvironment(definition.Environment, existing, errors),
            Ports = ServiceParts.CheckPorts(definition.Ports, errors),
            Volumes = ServiceParts.CheckVolumes(definition.Volumes, errors),
            Networks = CheckNames(definition.Networks, "networks", NetworkPattern(), "a network name", errors),
            Labels = CheckLabels(definition.Labels, errors),
            RestartPolicy = ServiceParts.CheckRestartPolicy(definition.RestartPolicy, errors),
            HealthCheck = ServiceParts.CheckHealthCheck(definition.HealthCheck, definition.Ports, errors),
            Domains = CheckDomains(definition.Domains, errors),
            WakePolicy = OneOf(definition.WakePolicy, WakePolicies.All, WakePolicies.OnDemand, "wakePolicy", errors),
            LoadingStrategy = OneOf(definition.LoadingStrategy, LoadingStrategies.All, LoadingStrategies.Dynamic, "loadingStrategy", errors),
            Theme = OneOf(definition.Theme, Themes.All, Themes.Auto, "theme", errors),
            SleepMode = OneOf(definition.SleepMode, SleepModes.All, SleepModes.Stop, "sleepMode", errors),
            DesiredState = OneOf(definition.DesiredState, DesiredStates.All, DesiredStates.Running, "desiredState", errors),
            DependsOn = CheckNames(definition.DependsOn, "dependsOn", NamePattern(), "a service name", errors),
            Privileged = definition.Privileged ?? false,
            HostPid = definition.HostPid ?? false,
            HostNetwork = definition.HostNetwork ?? false,
            CapAdd = ServiceParts.CheckCapabilities(definition.CapAdd, errors),
            Devices = ServiceParts.CheckDevices(definition.Devices, errors),
            CreatedBy = "",
            UpdatedBy = "",
        };

        if (definition.Cpus is { } cpus)
        {
            if (Quantities.TryToNanoCpus(cpus, out var nano))
            {
                service.NanoCpus = nano;
            }
            else
            {
                errors.Add("cpus", "CPUs must be more than 0 and at most 1024, with at most nine decimals.");
            }
        }

        if (definition.Memory is { } memory)
        {
            if (!Quantities.TryParseMemory(memory, out var bytes))
            {
                errors.Add("memory", $"'{memory}' is not a memory size (e.g. 256m, 1g, or bytes).");
            }
            else if (bytes < Quantities.MinMemoryBytes)
            {
                errors.Add("memory", "The memory limit must be at least 6m (Docker's minimum).");
            }
            else
            {
                service.MemoryBytes = bytes;
            }
        }

        service.IdleTimeoutSeconds = CheckDuration(definition.IdleTimeout, "idleTimeout", ServiceLimits.IdleTimeoutSeconds,
            ServiceLimits.MinIdleTimeoutSeconds, int.MaxValue, errors);
        service.BlockingTimeoutSeconds = CheckDuration(definition.BlockingTimeout, "blockingTimeout", ServiceLimits.BlockingTimeoutSeconds,
            1, ServiceLimits.MaxBlockingTimeoutSeconds, errors);

        if (service.DependsOn.Contains(service.Name))
        {
            errors.Add("dependsOn", "A service cannot depend on itself.");
        }

        return errors.Any ? null : service;
    }

    private static List<string> CheckCommand(List<string>? command, FieldErrors errors)
    {
        if (command is null)
        {
            return [];
        }

        if (command.Count > MaxListItems || command.Sum(arg => Encoding.UTF8.GetByteCount(arg ?? "")) > MaxCommandBytes)
        {
            errors.Add("command", $"The command must have at most {MaxListItems} arguments and {MaxCommandBytes / 1024} KiB.");
        }

        for (var i = 0; i < command.Count; i++)
        {
            errors.Add($"command[{i}]", command[i] is null || command[i].Contains('\0', StringComparison.Ordinal) ? "An argument must be a string without NUL characters." : null);
        }

        return [.. command.Where(arg => arg is not null)];
    }

    private static List<EnvironmentVariable> CheckEnvironment(Dictionary<string, EnvironmentValue?>? environment, ManagedService? existing, FieldErrors errors)
    {
        if (environment is null)
        {
            return [];
        }

        if (environment.Count > MaxEnvironmentEntries)
        {
            errors.Add("environment", $"At most {MaxEnvironmentEntries} environment variables.");
        }

        var variables = new List<EnvironmentVariable>();
        foreach (var (name, entry) in environment)
        {
            var field = $"environment.{name}";
            if (!EnvironmentNamePattern().IsMatch(name))
            {
                errors.Add(field, "A variable name is 1 to 256 characters of letters, digits, '_', '.' and '-', not starting with a digit.");
            }

            var value = entry?.Value;
            if (value is null)
            {
                errors.Add(field, "The value is required (an empty string is fine).");
                continue;
            }

            // The mask stands for "keep what is stored": a client sends back what it read.
            if (value == ServiceView.Mask)
            {
                var stored = existing?.Environment.FirstOrDefault(v => v.Name == name);
                if (stored is null)
                {
                    errors.Add(field, $"'{ServiceView.Mask}' keeps a stored value, and this variable has none.");
                    continue;
                }

                value = stored.Value;
            }

            if (Encoding.UTF8.GetByteCount(value) > MaxEnvironmentValueBytes || value.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add(field, $"The value must be at most {MaxEnvironmentValueBytes / 1024} KiB, without NUL characters.");
            }

            variables.Add(new EnvironmentVariable(name, value, entry!.Secret));
        }

        return variables;
    }

    private static Dictionary<string, string> CheckLabels(Dictionary<string, string?>? labels, FieldErrors errors)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (labels is null)
        {
            return result;
        }

        var total = 0;
        foreach (var (key, value) in labels)
        {
            var field = $"labels.{key}";
            var keyBytes = Encoding.UTF8.GetByteCount(key);
            var valueBytes = Encoding.UTF8.GetByteCount(value ?? "");
            total += keyBytes + valueBytes;
            if (keyBytes is 0 || keyBytes > MaxLabelKeyBytes || key.Any(char.IsControl) || key.Any(char.IsWhiteSpace))
            {
                errors.Add(field, $"A label key is 1 to {MaxLabelKeyBytes} bytes without spaces or control characters.");
            }
            else if (key.StartsWith(WakeDockLabels.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(field, $"Labels starting with '{WakeDockLabels.Prefix}' are set by WakeDock from the service's settings.");
            }

            if (value is null || valueBytes > MaxLabelValueBytes || value.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add(field, $"A label value is a string of at most {MaxLabelValueBytes / 1024} KiB.");
            }

            result[key] = value ?? "";
        }

        if (total > MaxLabelsBytes)
        {
            errors.Add("labels", $"The labels must total at most {MaxLabelsBytes / 1024} KiB.");
        }

        return result;
    }

    private static List<ServiceDomain> CheckDomains(List<string>? domains, FieldErrors errors)
    {
        var result = new List<ServiceDomain>();
        if (domains is null)
        {
            return result;
        }

        if (domains.Count > MaxDomains)
        {
            errors.Add("domains", $"At most {MaxDomains} domains.");
        }

        for (var i = 0; i < domains.Count; i++)
        {
            var (domain, error) = DomainNames.Normalize(domains[i]);
            if (error is not null)
            {
                errors.Add($"domains[{i}]", error);
            }
            else if (result.Any(d => d.Name == domain))
            {
                errors.Add($"domains[{i}]", $"'{domain}' is listed twice.");
            }
            else
            {
                result.Add(new ServiceDomain { Name = domain!, Position = result.Count });
            }
        }

        return result;
    }

    private static List<string> CheckNames(List<string>? names, string field, Regex pattern, string what, FieldErrors errors)
    {
        if (names is null)
        {
            return [];
        }

        if (names.Count > MaxListItems)
        {
            errors.Add(field, $"At most {MaxListItems} entries.");
        }

        var result = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i]?.Trim();
            if (name is null || !pattern.IsMatch(name))
            {
                errors.Add($"{field}[{i}]", $"'{names[i]}' is not {what}.");
            }
            else if (!result.Contains(name))
            {
                result.Add(name);
            }
        }

        return result;
    }

    internal static string OneOf(string? value, IReadOnlyList<string> allowed, string fallback, string field, FieldErrors errors)
    {
        if (value is null)
        {
            return fallback;
        }

        var normalized = value.Trim().ToLowerInvariant();
        if (allowed.Contains(normalized))
        {
            return normalized;
        }

        errors.Add(field, $"Must be one of: {string.Join(", ", allowed)}.");
        return fallback;
    }

    internal static int CheckDuration(string? value, string field, int fallback, int minSeconds, int maxSeconds, FieldErrors errors)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!Durations.TryParse(value, out var duration))
        {
            errors.Add(field, $"'{value}' is not a duration (e.g. 30s, 15m, 1h30m).");
            return fallback;
        }

        if (duration.TotalSeconds < minSeconds || duration.TotalSeconds > maxSeconds)
        {
            errors.Add(field, $"Must be between {Durations.Format(TimeSpan.FromSeconds(minSeconds))} and {Durations.Format(TimeSpan.FromSeconds(Math.Min(maxSeconds, 366 * 86_400)))}.");
            return fallback;
        }

        return (int)duration.TotalSeconds;
    }

    internal static bool IsIpAddress(string value) => IPAddress.TryParse(value, out _);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    internal static partial Regex NamePattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex NetworkPattern();

    [GeneratedRegex("^[A-Za-z_.-][A-Za-z0-9_.-]{0,255}$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentNamePattern();
}

using System.Globalization;
using System.Text.RegularExpressions;
using Docker.DotNet.Models;

namespace WakeDock.Containers.Docker.Containers;

/// <summary>
/// Query and body validation for the container endpoints. Parameters arrive as strings so that a
/// malformed value is a 400 problem naming the parameter, not a bare binding failure.
/// </summary>
public sealed partial class ContainerQuery
{
    /// <summary>The engine's container states (<c>status</c> filter).</summary>
    public static readonly IReadOnlySet<string> States =
        new HashSet<string>(["created", "restarting", "running", "removing", "paused", "exited", "dead"], StringComparer.Ordinal);

    public const int MaxTimeoutSeconds = 3600;

    private readonly Dictionary<string, string[]> errors = new(StringComparer.Ordinal);

    public bool IsValid => errors.Count == 0;

    public IDictionary<string, string[]> Errors => errors;

    public void Fail(string parameter, string message) => errors[parameter] = [message];

    /// <summary><c>true</c>/<c>false</c> (also <c>1</c>/<c>0</c>); absent gives <paramref name="fallback"/>.</summary>
    public bool? Bool(string parameter, string? value, bool? fallback = null)
    {
        switch (value?.Trim().ToUpperInvariant())
        {
            case null or "":
                return fallback;
            case "TRUE" or "1":
                return true;
            case "FALSE" or "0":
                return false;
            default:
                Fail(parameter, $"'{parameter}' must be true or false.");
                return fallback;
        }
    }

    /// <summary>Seconds to wait before the engine kills the container (stop, restart).</summary>
    public uint? Timeout(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= MaxTimeoutSeconds)
        {
            return seconds;
        }

        Fail("timeout", $"'timeout' must be whole seconds from 0 to {MaxTimeoutSeconds}.");
        return null;
    }

    /// <summary>A signal name (<c>SIGTERM</c>, <c>TERM</c>, <c>SIGRTMIN+3</c>) or number (1–64); default <c>SIGKILL</c>.</summary>
    public string Signal(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "SIGKILL";
        }

        var signal = value.Trim();
        if (int.TryParse(signal, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number is >= 1 and <= 64 : SignalName().IsMatch(signal))
        {
            return signal.ToUpperInvariant();
        }

        Fail("signal", "'signal' must be a signal name such as SIGTERM or HUP, or a number from 1 to 64.");
        return "SIGKILL";
    }

    /// <summary>Checks an id or name in the path; a malformed one cannot name a container.</summary>
    public static bool IsReference(string? reference) => reference is { Length: <= 256 } && Reference().IsMatch(reference);

    /// <summary>The engine's own rule for container names.</summary>
    public static bool IsValidName(string? name) => name is { Length: <= 128 } && Name().IsMatch(name);

    /// <summary>
    /// The engine's filters for <c>GET /api/v1/containers</c>: <c>state</c> (repeatable, any of),
    /// <c>label</c> (repeatable, all of; <c>key</c> or <c>key=value</c>) and <c>managed=true</c>.
    /// <c>name</c> and <c>managed=false</c> are applied here: the engine's name filter is a regular
    /// expression, ours is a plain case-insensitive substring.
    /// </summary>
    public ContainersListParameters List(string[]? state, string[]? label, bool? managed, bool all)
    {
        var filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal);
        foreach (var value in Values(state))
        {
            if (!States.Contains(value))
            {
                Fail("state", $"'state' must be one of {string.Join(", ", States)}; '{Shorten(value)}' is not.");
                break;
            }

            Add(filters, "status", value);
        }

        foreach (var value in Values(label))
        {
            var key = value.Split('=', 2)[0];
            if (value.Length > 1024 || key.Length == 0 || key.Any(char.IsWhiteSpace))
            {
                Fail("label", "'label' must be key or key=value, with a non-empty key without spaces.");
                break;
            }

            Add(filters, "label", value);
        }

        if (managed == true)
        {
            Add(filters, "label", ContainerMapper.ManagedLabel + "=true");
        }

        // A state filter other than running only makes sense over every container.
        return new ContainersListParameters { All = all || filters.ContainsKey("status"), Filters = filters };
    }

    /// <summary><c>all</c> or a line count; default 1000 lines.</summary>
    public string Tail(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "1000";
        }

        if (value.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return "all";
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var lines))
        {
            return lines.ToString(CultureInfo.InvariantCulture);
        }

        Fail("tail", "'tail' must be 'all' or a number of lines.");
        return "1000";
    }

    /// <summary>
    /// A point in time as the engine wants it (unix seconds): unix seconds, an ISO 8601 time, or a
    /// duration back from now such as <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>1d</c>.
    /// </summary>
    public string? Since(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var unix))
        {
            return unix.ToString(CultureInfo.InvariantCulture);
        }

        var duration = Duration().Match(value);
        if (duration.Success && int.TryParse(duration.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            var span = duration.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
            return UnixSeconds(now - span);
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return UnixSeconds(time);
        }

        Fail("since", "'since' must be unix seconds, an ISO 8601 time, or a duration such as 30s, 15m, 2h or 1d.");
        return null;
    }

    /// <summary><c>ps</c> options, e.g. <c>aux</c> or <c>-o pid,comm</c>: letters, digits, spaces and <c>-,=</c> only.</summary>
    public string? PsArgs(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Length <= 100 && PsArguments().IsMatch(value))
        {
            return value.Trim();
        }

        Fail("ps_args", "'ps_args' may hold letters, digits, spaces and the characters - , = only (at most 100).");
        return null;
    }

    private static string UnixSeconds(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000m).ToString("0.###", CultureInfo.InvariantCulture);

    private static IEnumerable<string> Values(string[]? values) =>
        (values ?? []).SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void Add(Dictionary<string, IDictionary<string, bool>> filters, string key, string value)
    {
        if (!filters.TryGetValue(key, out var values))
        {
            filters[key] = values = new Dictionary<string, bool>(StringComparer.Ordinal);
        }

        values[value] = true;
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();

    [GeneratedRegex("^(SIG)?[A-Z][A-Z0-9]{1,9}([+-][0-9]{1,2})?$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SignalName();

    [GeneratedRegex("^([0-9]{1,6})([smhd])$", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();

    [GeneratedRegex("^[a-zA-Z0-9 ,=-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex PsArguments();
}

using System.Globalization;
using Docker.DotNet.Models;
using Microsoft.Extensions.Primitives;

namespace WakeDock.Containers.Docker.Streams;

/// <summary>
/// Reads and checks the query of the stream endpoints; every problem is collected per parameter
/// so the client gets one 400 listing them all, before any stream starts.
/// </summary>
public static class StreamQuery
{
    private const int MaxTail = 100_000;

    /// <summary>
    /// <c>?tail=&amp;since=&amp;timestamps=&amp;stdout=&amp;stderr=</c>; a <c>Last-Event-ID</c>
    /// (the engine time of the last line the client got) resumes right after that line.
    /// </summary>
    public static LogRequest? ParseLogs(IQueryCollection query, string? lastEventId, StreamSettings settings, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(errors);
        var stdout = Flag(query, "stdout", true, errors);
        var stderr = Flag(query, "stderr", true, errors);
        var timestamps = Flag(query, "timestamps", false, errors);
        var since = Time(query, "since", now, errors);
        var tail = settings.DefaultTail.ToString(CultureInfo.InvariantCulture);
        var tailText = query["tail"].ToString();
        if (tailText.Length > 0)
        {
            if (string.Equals(tailText, "all", StringComparison.OrdinalIgnoreCase))
            {
                tail = "all";
            }
            else if (int.TryParse(tailText, NumberStyles.None, CultureInfo.InvariantCulture, out var lines) && lines <= MaxTail)
            {
                tail = lines.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                errors["tail"] = [$"Use a number of lines from 0 to {MaxTail}, or 'all'."];
            }
        }

        if (!stdout && !stderr && !errors.ContainsKey("stdout") && !errors.ContainsKey("stderr"))
        {
            errors["stdout"] = ["At least one of stdout and stderr must be true."];
        }

        EngineTime? after = null;
        if (!string.IsNullOrEmpty(lastEventId))
        {
            if (!EngineTime.TryParse(lastEventId, out var resumed))
            {
                errors["Last-Event-ID"] = ["Not an id this stream sent (an RFC 3339 time)."];
            }
            else
            {
                // Resume: every line from that time on, minus the ones at or before it.
                after = resumed;
                since = resumed;
                tail = "all";
            }
        }

        return errors.Count > 0 ? null : new LogRequest(stdout, stderr, tail, since, timestamps, after);
    }

    /// <summary><c>?since=&amp;until=&amp;type=&amp;event=&amp;label=</c> as the engine's event filters; <c>Last-Event-ID</c> resumes.</summary>
    public static (ContainerEventsParameters Parameters, EngineTime? After)? ParseEvents(
        IQueryCollection query, string? lastEventId, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(errors);
        var since = Time(query, "since", now, errors);
        var until = Time(query, "until", now, errors);
        EngineTime? after = null;
        if (!string.IsNullOrEmpty(lastEventId))
        {
            if (EngineTime.TryParse(lastEventId, out var resumed))
            {
                after = resumed;
                since = resumed;
            }
            else
            {
                errors["Last-Event-ID"] = ["Not an id this stream sent (an RFC 3339 time)."];
            }
        }

        var types = Values(query["type"]);
        var unknown = types.Where(type => !EngineEvent.Types.Contains(type)).ToArray();
        if (unknown.Length > 0)
        {
            errors["type"] = [$"Unknown type {string.Join(", ", unknown)}: use {string.Join(", ", EngineEvent.Types)}."];
        }

        var events = Values(query["event"]);
        var labels = Values(query["label"]);
        if (labels.Any(label => label.StartsWith('=')))
        {
            errors["label"] = ["A label filter is 'key' or 'key=value'."];
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var filters = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
        {
            // Without a type filter the engine would also send daemon, plugin and Swarm events.
            ["type"] = (types.Length > 0 ? types : EngineEvent.Types.ToArray()).ToDictionary(type => type, _ => true, StringComparer.Ordinal),
        };
        if (events.Length > 0)
        {
            filters["event"] = events.ToDictionary(action => action, _ => true, StringComparer.Ordinal);
        }

        if (labels.Length > 0)
        {
            filters["label"] = labels.ToDictionary(label => label, _ => true, StringComparer.Ordinal);
        }

        return (new ContainerEventsParameters { Since = since?.ToQuery(), Until = until?.ToQuery(), Filters = filters }, after);
    }

    /// <summary>Repeated and comma-separated values (<c>?type=container,image&amp;type=volume</c>).</summary>
    public static string[] Values(StringValues values) =>
        values.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Unix seconds (<c>1714557600</c> or <c>1714557600.5</c>), RFC 3339, or a time ago (<c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>).</summary>
    public static bool TryParseTime(string text, DateTimeOffset now, out EngineTime time)
    {
        ArgumentNullException.ThrowIfNull(text);
        time = default;
        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds < 10_000_000_000m)
        {
            time = new EngineTime((long)(seconds * 1_000_000_000m));
            return true;
        }

        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount < 100_000)
        {
            TimeSpan? ago = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (ago is { } duration)
            {
                time = EngineTime.FromDateTimeOffset(now - duration);
                return true;
            }
        }

        return EngineTime.TryParse(text, out time);
    }

    private static bool Flag(IQueryCollection query, string name, bool fallback, Dictionary<string, string[]> errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }

        if (text == "1" || string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (text == "0" || string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        errors[name] = ["Use true or false."];
        return fallback;
    }

    private static EngineTime? Time(IQueryCollection query, string name, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }

        if (TryParseTime(text, now, out var time))
        {
            return time;
        }

        errors[name] = ["Use Unix seconds, an RFC 3339 time, or a time ago such as 30s, 10m, 2h or 1d."];
        return null;
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace WakeDock.Containers.Services;

/// <summary>Host names a service answers on: lower-cased, IDNs as punycode, no wildcards, no IP addresses.</summary>
public static partial class DomainNames
{
    public const int MaxLength = 253;

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>The normalised name (lower case, ASCII, no trailing dot), or an error.</summary>
    public static (string? Domain, string? Error) Normalize(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, "The domain is required.");
        }

        var domain = value.Trim().TrimEnd('.').ToLowerInvariant();
        try
        {
            domain = Idn.GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return (null, $"'{value}' is not a valid host name.");
        }

        if (domain.Length > MaxLength || !Pattern().IsMatch(domain))
        {
            return (null, $"'{value}' is not a valid host name (labels of a-z, 0-9 and '-', at most {MaxLength} characters, no wildcards).");
        }

        // A host name whose last label is numeric is an IPv4 address (or a mistake), not a domain.
        return domain[(domain.LastIndexOf('.') + 1)..].All(char.IsAsciiDigit)
            ? (null, $"'{value}' is an IP address; a service needs a host name.")
            : (domain, null);
    }

    [GeneratedRegex(@"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Durations as people write them: <c>90s</c>, <c>15m</c>, <c>1h30m</c>, <c>2d</c>; a bare number is seconds.</summary>
public static partial class Durations
{
    public static bool TryParse(string? value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        var text = value.Trim().ToLowerInvariant();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TryFrom(seconds, out duration);
        }

        var match = Pattern().Match(text);
        if (!match.Success || match.Length == 0)
        {
            return false;
        }

        long total = 0;
        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = part.Value[^1];
            if (!long.TryParse(part.Value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > 1_000_000)
            {
                return false;
            }

            total += amount * unit switch { 'd' => 86_400, 'h' => 3_600, 'm' => 60, _ => 1 };
        }

        return TryFrom(total, out duration);
    }

    /// <summary>The shortest form: <c>15m</c>, <c>1h30m</c>, <c>45s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var seconds = (long)duration.TotalSeconds;
        if (seconds == 0)
        {
            return "0s";
        }

        var text = "";
        foreach (var (unit, size) in new[] { ("d", 86_400L), ("h", 3_600L), ("m", 60L), ("s", 1L) })
        {
            if (seconds >= size)
            {
                text += (seconds / size).ToString(CultureInfo.InvariantCulture) + unit;
                seconds %= size;
            }
        }

        return text;
    }

    private static bool TryFrom(long seconds, out TimeSpan duration)
    {
        // Up to a year: more is a typo, and keeps the arithmetic far from overflow.
        duration = TimeSpan.FromSeconds(Math.Min(seconds, 366L * 86_400));
        return seconds <= 366L * 86_400;
    }

    [GeneratedRegex(@"^(?:(?<part>[0-9]+d))?(?:(?<part>[0-9]+h))?(?:(?<part>[0-9]+m))?(?:(?<part>[0-9]+s))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

/// <summary>Memory sizes as Docker's CLI takes them (<c>256m</c>, <c>1g</c>, <c>512k</c>, bytes) and CPU counts as nano CPUs.</summary>
public static partial class Quantities
{
    public const long MinMemoryBytes = 6 * 1024 * 1024; // Docker refuses less than 6 MiB.

    public static bool TryParseMemory(string? value, out long bytes)
    {
        bytes = 0;
        var match = value is null ? Match.Empty : MemoryPattern().Match(value.Trim().ToLowerInvariant());
        if (!match.Success || !decimal.TryParse(match.Groups["amount"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var unit = match.Groups["unit"].Value switch
        {
            "k" => 1L << 10,
            "m" => 1L << 20,
            "g" => 1L << 30,
            "t" => 1L << 40,
            _ => 1L,
        };
        if (amount * unit > long.MaxValue / 2)
        {
            return false;
        }

        bytes = (long)decimal.Round(amount * unit);
        return true;
    }

    /// <summary>The largest whole unit: <c>256m</c>, <c>1g</c>, or bytes.</summary>
    public static string FormatMemory(long bytes)
    {
        foreach (var (unit, size) in new[] { ("t", 1L << 40), ("g", 1L << 30), ("m", 1L << 20), ("k", 1L << 10) })
        {
            if (bytes >= size && bytes % size == 0)
            {
                return (bytes / size).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>CPUs (e.g. 0.5) as Docker's NanoCPUs; at most nine decimals, more than zero.</summary>
    public static bool TryToNanoCpus(decimal cpus, out long nanoCpus)
    {
        nanoCpus = 0;
        if (cpus <= 0 || cpus > 1024 || decimal.Round(cpus, 9) != cpus)
        {
            return false;
        }

        nanoCpus = (long)(cpus * 1_000_000_000m);
        return true;
    }

    public static decimal FromNanoCpus(long nanoCpus) => nanoCpus / 1_000_000_000m;

    [GeneratedRegex(@"^(?<amount>[0-9]+(?:\.[0-9]+)?)\s*(?<unit>[bkmgt]?)(?:i?b)?$", RegexOptions.CultureInvariant)]
    private static partial Regex MemoryPattern();
}

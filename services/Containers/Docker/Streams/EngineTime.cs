using System.Globalization;

namespace WakeDock.Containers.Docker.Streams;

/// <summary>
/// A point in time with the engine's nanosecond precision: its RFC 3339 timestamps carry nine
/// fractional digits, <see cref="DateTimeOffset"/> keeps seven, and resuming a log stream after
/// the last line seen must not lose or repeat lines that differ below 100 ns.
/// </summary>
public readonly record struct EngineTime(long UnixNanoseconds)
{
    private const long NanosecondsPerSecond = 1_000_000_000;

    public static EngineTime FromDateTimeOffset(DateTimeOffset time) =>
        new((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);

    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.UnixEpoch.AddTicks(UnixNanoseconds / 100);

    /// <summary>The engine's query form for <c>since</c>/<c>until</c>: <c>seconds.nanoseconds</c>.</summary>
    public string ToQuery()
    {
        var seconds = Math.DivRem(UnixNanoseconds, NanosecondsPerSecond, out var nanoseconds);
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}.{nanoseconds:D9}");
    }

    /// <summary>RFC 3339 in UTC with nine fractional digits (what the SSE <c>id</c> carries).</summary>
    public override string ToString()
    {
        var nanoseconds = UnixNanoseconds % NanosecondsPerSecond;
        return string.Create(CultureInfo.InvariantCulture, $"{ToDateTimeOffset().UtcDateTime:yyyy-MM-dd'T'HH:mm:ss}.{nanoseconds:D9}Z");
    }

    /// <summary>Parses RFC 3339 (<c>2024-05-01T10:00:00.123456789Z</c>, any offset, 0–9+ fractional digits).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out EngineTime time)
    {
        time = default;
        if (text.Length < 20 || !DateTime.TryParseExact(text[..19], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var seconds))
        {
            return false;
        }

        var rest = text[19..];
        long nanoseconds = 0;
        if (rest.Length > 0 && rest[0] == '.')
        {
            var index = 1;
            var digits = 0;
            for (; index < rest.Length && char.IsAsciiDigit(rest[index]); index++)
            {
                if (digits < 9)
                {
                    nanoseconds = nanoseconds * 10 + (rest[index] - '0');
                    digits++;
                }
            }

            if (index == 1)
            {
                return false;
            }

            for (; digits < 9; digits++)
            {
                nanoseconds *= 10;
            }

            rest = rest[index..];
        }

        TimeSpan offset;
        if (rest is "Z" or "z")
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && TimeSpan.TryParseExact(rest[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var parsed))
        {
            offset = rest[0] == '-' ? -parsed : parsed;
        }
        else
        {
            return false;
        }

        var unixSeconds = new DateTimeOffset(seconds, offset).ToUnixTimeSeconds();
        time = new EngineTime(unixSeconds * NanosecondsPerSecond + nanoseconds);
        return true;
    }
}

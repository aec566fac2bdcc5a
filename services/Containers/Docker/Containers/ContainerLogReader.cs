using System.Globalization;
using System.Text;
using Docker.DotNet;

namespace WakeDock.Containers.Docker.Containers;

/// <summary>
/// Reads the engine's log stream to its end and splits it into lines per stream. A non-TTY
/// container's stream is multiplexed (8-byte frame headers say stdout or stderr); a line may span
/// several frames, so bytes are kept per stream until its newline, then decoded as UTF-8.
/// </summary>
public static class ContainerLogReader
{
    /// <summary>Answers stay bounded: beyond this many bytes of log text the rest is dropped.</summary>
    public const int MaxBytes = 8 * 1024 * 1024;

    public static async Task<(IReadOnlyList<ContainerLogLine> Lines, bool Truncated)> ReadAsync(
        MultiplexedStream stream, bool timestamps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var lines = new List<ContainerLogLine>();
        var pending = new Dictionary<MultiplexedStream.TargetStream, MemoryStream>();
        var buffer = new byte[16 * 1024];
        var total = 0;
        try
        {
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
                if (read.EOF || read.Count == 0)
                {
                    break;
                }

                total += read.Count;
                if (total > MaxBytes)
                {
                    return (Flush(lines, pending, timestamps), true);
                }

                if (!pending.TryGetValue(read.Target, out var line))
                {
                    pending[read.Target] = line = new MemoryStream();
                }

                var start = 0;
                for (var index = 0; index < read.Count; index++)
                {
                    if (buffer[index] != (byte)'\n')
                    {
                        continue;
                    }

                    line.Write(buffer, start, index - start);
                    lines.Add(ToLine(read.Target, line, timestamps));
                    line.SetLength(0);
                    start = index + 1;
                }

                line.Write(buffer, start, read.Count - start);
            }

            return (Flush(lines, pending, timestamps), false);
        }
        finally
        {
            foreach (var line in pending.Values)
            {
                await line.DisposeAsync();
            }
        }
    }

    /// <summary>With <c>timestamps</c> the engine starts each line with an RFC 3339 time and a space.</summary>
    public static ContainerLogLine ParseLine(string stream, string text, bool timestamps)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.TrimEnd('\r');
        if (timestamps)
        {
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            var stamp = space > 0 ? text[..space] : text;
            if (DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return new ContainerLogLine(stream, time.ToUniversalTime(), space > 0 ? text[(space + 1)..] : "");
            }
        }

        return new ContainerLogLine(stream, null, text);
    }

    private static List<ContainerLogLine> Flush(
        List<ContainerLogLine> lines, Dictionary<MultiplexedStream.TargetStream, MemoryStream> pending, bool timestamps)
    {
        // A last line without a newline still counts.
        foreach (var (target, line) in pending)
        {
            if (line.Length > 0)
            {
                lines.Add(ToLine(target, line, timestamps));
                line.SetLength(0);
            }
        }

        return lines;
    }

    private static ContainerLogLine ToLine(MultiplexedStream.TargetStream target, MemoryStream line, bool timestamps) =>
        ParseLine(
            target == MultiplexedStream.TargetStream.StandardError ? "stderr" : "stdout",
            Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length),
            timestamps);
}

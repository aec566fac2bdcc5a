namespace WakeDock.AppHost.Hosting;

/// <summary>Where children's output lines and the AppHost's own messages go.</summary>
public interface IOutputSink
{
    void Line(string source, string text, bool isError = false);
}

/// <summary>Prints <c>name    | line</c>, colored per resource when stdout is a terminal.</summary>
public sealed class ConsoleOutputSink : IOutputSink
{
    private static readonly ConsoleColor[] Palette =
    [
        ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Yellow, ConsoleColor.Magenta,
        ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkGreen, ConsoleColor.DarkYellow,
    ];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConsoleColor> _colors = [];
    private readonly bool _color = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public int Width { get; set; } = 11;

    public void Line(string source, string text, bool isError = false)
    {
        lock (_gate)
        {
            var prefix = source.PadRight(Width) + " | ";
            if (!_color)
            {
                Console.Out.WriteLine(prefix + text);
                return;
            }
            if (!_colors.TryGetValue(source, out var color))
            {
                color = source == "apphost" ? ConsoleColor.White : Palette[_colors.Count % Palette.Length];
                _colors[source] = color;
            }
            Console.ForegroundColor = isError ? ConsoleColor.Red : color;
            Console.Out.Write(prefix);
            Console.ResetColor();
            Console.Out.WriteLine(text);
        }
    }
}

/// <summary>Keeps lines in memory (tests) and optionally forwards them.</summary>
public sealed class MemoryOutputSink(IOutputSink? next = null) : IOutputSink
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get { lock (_gate) { return [.. _lines]; } }
    }

    public void Line(string source, string text, bool isError = false)
    {
        lock (_gate) { _lines.Add($"{source} | {text}"); }
        next?.Line(source, text, isError);
    }
}

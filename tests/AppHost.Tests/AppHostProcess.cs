namespace WakeDock.AppHost.Tests;

/// <summary>Runs the built AppHost dll (copied next to the tests) as a separate process.</summary>
internal static class AppHostProcess
{
    public static string DllPath => typeof(WakeDockModel).Assembly.Location;

    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(
        IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the AppHost did not exit within {timeout.TotalSeconds} s");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}

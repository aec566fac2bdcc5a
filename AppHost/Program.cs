using WakeDock.AppHost.Hosting;
using WakeDock.AppHost.Model;
using WakeDock.AppHost.Publishing;

// WakeDock's orchestrator, shaped like a .NET Aspire AppHost: one model, run locally or published as a manifest.
AppHostOptions options;
try
{
    options = AppHostOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"{e.Message}\n{AppHostOptions.Usage}");
    return 2;
}
if (options.Help)
{
    Console.WriteLine(AppHostOptions.Usage);
    return 0;
}

var model = WakeDockModel.Build();
if (options.Publisher == "manifest")
{
    var output = Path.GetFullPath(options.OutputPath ?? "aspire-manifest.json");
    ManifestWriter.WriteFile(model, RepoPaths.RepoRoot, output);
    Console.WriteLine($"Wrote the manifest to {output}");
    return 0;
}
return await RunMode.RunAsync(model, options);

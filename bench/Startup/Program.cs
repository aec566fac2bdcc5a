
using System.Globalization;
using WakeDock.Bench;
using WakeDock.Bench.Startup;

// Times the README's run command from launch to all-healthy (cold: first run with initdb; warm:
// the same data folder again), the built AppHost alone for comparison, and reads each resource's
// resident memory once the suite has been idle.
var idle = TimeSpan.FromSeconds(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20);
var dataDir = Directory.CreateTempSubdirectory("wakedock-bench-").FullName;
try
{
    var cold = await SuiteRun.TimeToHealthyAsync(SuiteProcess.RunCommand(dataDir), dataDir, idle: TimeSpan.Zero);
    var warm = await SuiteRun.TimeToHealthyAsync(SuiteProcess.RunCommand(dataDir), dataDir, idle: TimeSpan.Zero);
    var appHost = await SuiteRun.TimeToHealthyAsync(SuiteProcess.AppHostOnly(dataDir), dataDir, idle);

    Console.WriteLine();
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {Environment.OSVersion}");
    Console.WriteLine("time from launch to all-healthy:");
    Console.WriteLine($"  scripts/run.sh, cold (first run: initdb, first boots)  {cold.Elapsed.TotalSeconds,6:F1} s");
    Console.WriteLine($"  scripts/run.sh, warm (same data folder)               {warm.Elapsed.TotalSeconds,6:F1} s");
    Console.WriteLine($"  the built AppHost alone, warm                         {appHost.Elapsed.TotalSeconds,6:F1} s");
    Console.WriteLine($"  ratios: run.sh warm / AppHost alone {warm.Elapsed / appHost.Elapsed:F2}; cold / warm {cold.Elapsed / warm.Elapsed:F2}");
    Console.WriteLine();
    Console.WriteLine($"resident memory after {idle.TotalSeconds:F0} s idle (the resource's whole process tree):");
    Console.WriteLine($"  {"RESOURCE",-12} {"PROCESSES",9} {"RSS MiB",9}");
    foreach (var (name, memory) in appHost.Memory.OrderByDescending(entry => entry.Value.RssBytes))
    {
        Console.WriteLine($"  {name,-12} {memory.Processes,9} {memory.RssBytes / 1048576.0,9:F1}");
    }

    Console.WriteLine($"  {"total",-12} {appHost.Memory.Values.Sum(m => m.Processes),9} {appHost.Memory.Values.Sum(m => m.RssBytes) / 1048576.0,9:F1}");
    return 0;
}
finally
{
    Directory.Delete(dataDir, recursive: true);
}

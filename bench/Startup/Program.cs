
using System.Globalization;
using WakeDock.AppHost.Hosting;
using WakeDock.Bench.Startup;

// Times the AppHost from launch to all-healthy (cold: first run with initdb; warm: same data
// folder again) and reads each resource's resident memory once the suite has been idle.
var idle = TimeSpan.FromSeconds(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20);
var dataDir = Directory.CreateTempSubdirectory("wakedock-bench-").FullName;
try
{
    var cold = await SuiteRun.TimeToHealthyAsync(dataDir, idle: TimeSpan.Zero);
    var warm = await SuiteRun.TimeToHealthyAsync(dataDir, idle);

    Console.WriteLine();
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {Environment.OSVersion}");
    Console.WriteLine($"time from launch to all-healthy: cold (first run, initdb) {cold.Elapsed.TotalSeconds:F1} s, warm {warm.Elapsed.TotalSeconds:F1} s; warm/cold ratio {warm.Elapsed / cold.Elapsed:F2}");
    Console.WriteLine();
    Console.WriteLine($"resident memory after {idle.TotalSeconds:F0} s idle (the resource's whole process tree):");
    Console.WriteLine($"  {"RESOURCE",-12} {"PROCESSES",9} {"RSS MiB",9}");
    foreach (var (name, memory) in warm.Memory.OrderByDescending(entry => entry.Value.RssBytes))
    {
        Console.WriteLine($"  {name,-12} {memory.Processes,9} {memory.RssBytes / 1048576.0,9:F1}");
    }

    Console.WriteLine($"  {"total",-12} {warm.Memory.Values.Sum(m => m.Processes),9} {warm.Memory.Values.Sum(m => m.RssBytes) / 1048576.0,9:F1}");
    return 0;
}
finally
{
    Directory.Delete(dataDir, recursive: true);
}

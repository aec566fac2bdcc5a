using Docker.DotNet.Models;

namespace WakeDock.Containers.Docker.Streams;

/// <summary>One engine stats sample, computed the way <c>docker stats</c> shows it.</summary>
public sealed record ContainerStatsSnapshot(
    string Id,
    string? Name,
    DateTimeOffset Read,
    CpuUsageStats Cpu,
    MemoryUsageStats Memory,
    NetworkIoStats Network,
    BlockIoStats BlockIo,
    ProcessStats Pids)
{
    public static ContainerStatsSnapshot From(ContainerStatsResponse stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        return new ContainerStatsSnapshot(
            stats.ID ?? "",
            stats.Name?.TrimStart('/'),
            new DateTimeOffset(DateTime.SpecifyKind(stats.Read, DateTimeKind.Utc)),
            CpuUsageStats.From(stats.CPUStats, stats.PreCPUStats),
            MemoryUsageStats.From(stats.MemoryStats),
            NetworkIoStats.From(stats.Networks),
            BlockIoStats.From(stats.BlkioStats),
            new ProcessStats(stats.PidsStats?.Current ?? 0, stats.PidsStats is { Limit: > 0 and < ulong.MaxValue } pids ? pids.Limit : null));
    }

    /// <summary>Percent with two decimals (100 % is one full CPU, as <c>docker stats</c>).</summary>
    internal static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 2) : 0;
}

/// <param name="Percent">CPU time used between this sample and the previous one, relative to one CPU (400 % = 4 CPUs busy).</param>
public sealed record CpuUsageStats(double Percent, uint OnlineCpus, ulong TotalUsageNanoseconds)
{
    public static CpuUsageStats From(CPUStats? current, CPUStats? previous)
    {
        var total = current?.CPUUsage?.TotalUsage ?? 0;
        var online = current?.OnlineCPUs is > 0 ? current.OnlineCPUs : (uint)(current?.CPUUsage?.PercpuUsage?.Count ?? 0);
        // The engine fills precpu from the sample before; the first streamed sample has none (0 %).
        var cpuDelta = (double)total - (previous?.CPUUsage?.TotalUsage ?? 0);
        var systemDelta = (double)(current?.SystemUsage ?? 0) - (previous?.SystemUsage ?? 0);
        var percent = previous?.SystemUsage > 0 && systemDelta > 0 && cpuDelta > 0 ? cpuDelta / systemDelta * Math.Max(online, 1) * 100 : 0;
        return new CpuUsageStats(ContainerStatsSnapshot.Round(percent), online, total);
    }
}

/// <param name="Usage">Bytes in use without the page cache the kernel can drop (as <c>docker stats</c>).</param>
/// <param name="Cache">The inactive page cache subtracted from the raw usage.</param>
public sealed record MemoryUsageStats(ulong Usage, ulong Limit, double Percent, ulong Cache)
{
    public static MemoryUsageStats From(MemoryStats? memory)
    {
        var raw = memory?.Usage ?? 0;
        // cgroup v1 reports total_inactive_file, v2 inactive_file.
        ulong cache = 0;
        if (memory?.Stats is { } stats && (stats.TryGetValue("total_inactive_file", out var inactive) || stats.TryGetValue("inactive_file", out inactive)) && inactive < raw)
        {
            cache = inactive;
        }

        var usage = raw - cache;
        var limit = memory?.Limit ?? 0;
        var percent = limit > 0 ? (double)usage / limit * 100 : 0;
        return new MemoryUsageStats(usage, limit, ContainerStatsSnapshot.Round(percent), cache);
    }
}

/// <summary>Totals over every interface (none for network mode <c>none</c>; the host's for <c>host</c> are not reported).</summary>
public sealed record NetworkIoStats(ulong RxBytes, ulong TxBytes, ulong RxPackets, ulong TxPackets)
{
    public static NetworkIoStats From(IDictionary<string, NetworkStats>? networks)
    {
        ulong rx = 0, tx = 0, rxPackets = 0, txPackets = 0;
        foreach (var network in networks?.Values ?? [])
        {
            rx += network.RxBytes;
            tx += network.TxBytes;
            rxPackets += network.RxPackets;
            txPackets += network.TxPackets;
        }

        return new NetworkIoStats(rx, tx, rxPackets, txPackets);
    }
}

public sealed record BlockIoStats(ulong ReadBytes, ulong WriteBytes)
{
    public static BlockIoStats From(BlkioStats? blkio)
    {
        ulong read = 0, write = 0;
        foreach (var entry in blkio?.IoServiceBytesRecursive ?? [])
        {
            // cgroup v1 says "Read"/"Write", v2 "read"/"write".
            if (string.Equals(entry.Op, "read", StringComparison.OrdinalIgnoreCase))
            {
                read += entry.Value;
            }
            else if (string.Equals(entry.Op, "write", StringComparison.OrdinalIgnoreCase))
            {
                write += entry.Value;
            }
        }

        return new BlockIoStats(read, write);
    }
}

/// <param name="Limit">The container's PID limit, when it has one.</param>
public sealed record ProcessStats(ulong Current, ulong? Limit);

// Not "…Docker.System": a namespace named System would hide the framework's System namespace for
// every file under WakeDock.Containers.Docker.
namespace WakeDock.Containers.Docker.EngineSystem;

/// <summary><c>GET /api/v1/engine/info</c>: the engine's host, resources and configuration.</summary>
public sealed record EngineInfo(
    string Id,
    string Name,
    string ServerVersion,
    string OperatingSystem,
    string OsType,
    string Architecture,
    string KernelVersion,
    long Cpus,
    long MemoryBytes,
    EngineContainerCounts Containers,
    long Images,
    string StorageDriver,
    string DockerRootDir,
    string LoggingDriver,
    string CgroupDriver,
    string CgroupVersion,
    string DefaultRuntime,
    bool LiveRestoreEnabled,
    string SwarmState,
    IReadOnlyList<string> SecurityOptions,
    IReadOnlyList<string> Warnings,
    string Endpoint,
    DateTimeOffset? SystemTime);

public sealed record EngineContainerCounts(long Total, long Running, long Paused, long Stopped);

/// <summary>
/// <c>GET /api/v1/engine/version</c>: the engine's versions, and <see cref="ClientApiVersion"/>,
/// the API version WakeDock speaks to it.
/// </summary>
public sealed record EngineVersion(
    string Version,
    string ApiVersion,
    string MinApiVersion,
    string ClientApiVersion,
    string GitCommit,
    string GoVersion,
    string Os,
    string Arch,
    string KernelVersion,
    bool Experimental,
    string? BuildTime,
    IReadOnlyList<EngineComponent> Components);

public sealed record EngineComponent(string Name, string Version);

/// <summary>
/// <c>GET /api/v1/engine/df</c>: disk usage like <c>docker system df -v</c>. Reclaimable is what
/// pruning unused items would free: images without containers, stopped containers' writable
/// layers, volumes no container uses, build cache not in use.
/// </summary>
public sealed record DiskUsage(
    long TotalSize,
    long TotalReclaimable,
    DiskUsageGroup<ImageUsage> Images,
    DiskUsageGroup<ContainerUsage> Containers,
    DiskUsageGroup<VolumeUsage> Volumes,
    DiskUsageGroup<BuildCacheUsage> BuildCache);

/// <summary><see cref="Active"/> counts items in use (images with containers, running containers, volumes with references).</summary>
public sealed record DiskUsageGroup<T>(int Count, int Active, long Size, long Reclaimable, IReadOnlyList<T> Items);

public sealed record ImageUsage(string Id, IReadOnlyList<string> Tags, long Size, long SharedSize, long Containers, DateTimeOffset Created);

public sealed record ContainerUsage(
    string Id, IReadOnlyList<string> Names, string Image, string State, long SizeRw, long SizeRootFs, DateTimeOffset Created);

/// <summary><see cref="Size"/> is null when the engine does not know it (non-local drivers).</summary>
public sealed record VolumeUsage(string Name, string Driver, long? Size, long RefCount, DateTimeOffset? Created);

public sealed record BuildCacheUsage(
    string Id, string Type, string? Description, bool InUse, bool Shared, long Size, DateTimeOffset? LastUsedAt, long UsageCount);

using System.Globalization;
using System.Text.Json;

namespace WakeDock.Containers.Docker.EngineSystem;

/// <summary>
/// Reads the engine's <c>/system/df</c> answer and sums it up the way <c>docker system df</c> does.
/// </summary>
public static class DiskUsageReader
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static DiskUsage Parse(string json)
    {
        var raw = JsonSerializer.Deserialize<RawDiskUsage>(json, Json) ?? new RawDiskUsage();

        var images = (raw.Images ?? []).Select(image => new ImageUsage(
            image.Id ?? "", (image.RepoTags ?? []).Where(tag => tag != "<none>:<none>").ToArray(),
            image.Size, Math.Max(image.SharedSize, 0), Math.Max(image.Containers, 0), FromUnix(image.Created))).ToArray();
        // Like the CLI: everything in layers, minus what images with containers use on their own.
        var imagesUsed = images.Where(image => image.Containers > 0).Sum(image => image.Size - image.SharedSize);
        var imageGroup = new DiskUsageGroup<ImageUsage>(
            images.Length, images.Count(image => image.Containers > 0), raw.LayersSize,
            Math.Max(raw.LayersSize - imagesUsed, 0), images);

        var containers = (raw.Containers ?? []).Select(container => new ContainerUsage(
            container.Id ?? "", (container.Names ?? []).Select(name => name.TrimStart('/')).ToArray(), container.Image ?? "",
            container.State ?? "", Math.Max(container.SizeRw, 0), Math.Max(container.SizeRootFs, 0), FromUnix(container.Created))).ToArray();
        var containerGroup = new DiskUsageGroup<ContainerUsage>(
            containers.Length, containers.Count(container => container.State == "running"), containers.Sum(container => container.SizeRw),
            containers.Where(container => container.State != "running").Sum(container => container.SizeRw), containers);

        var volumes = (raw.Volumes ?? []).Select(volume => new VolumeUsage(
            volume.Name ?? "", volume.Driver ?? "", volume.UsageData is { Size: >= 0 } usage ? usage.Size : null,
            Math.Max(volume.UsageData?.RefCount ?? 0, 0), Time(volume.CreatedAt))).ToArray();
        var volumeGroup = new DiskUsageGroup<VolumeUsage>(
            volumes.Length, volumes.Count(volume => volume.RefCount > 0), volumes.Sum(volume => volume.Size ?? 0),
            volumes.Where(volume => volume.RefCount == 0).Sum(volume => volume.Size ?? 0), volumes);

        var cache = (raw.BuildCache ?? []).Select(entry => new BuildCacheUsage(
            entry.Id ?? "", entry.Type ?? "", string.IsNullOrEmpty(entry.Description) ? null : entry.Description,
            entry.InUse, entry.Shared, Math.Max(entry.Size, 0), Time(entry.LastUsedAt), entry.UsageCount)).ToArray();
        var cacheGroup = new DiskUsageGroup<BuildCacheUsage>(
            cache.Length, cache.Count(entry => entry.InUse), cache.Where(entry => !entry.Shared).Sum(entry => entry.Size),
            cache.Where(entry => !entry.Shared && !entry.InUse).Sum(entry => entry.Size), cache);

        return new DiskUsage(
            imageGroup.Size + containerGroup.Size + volumeGroup.Size + cacheGroup.Size,
            imageGroup.Reclaimable + containerGroup.Reclaimable + volumeGroup.Reclaimable + cacheGroup.Reclaimable,
            imageGroup, containerGroup, volumeGroup, cacheGroup);
    }

    private static DateTimeOffset FromUnix(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds);

    private static DateTimeOffset? Time(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1
            ? time.ToUniversalTime()
            : null;

    private sealed record RawDiskUsage(
        long LayersSize = 0,
        RawImage[]? Images = null,
        RawContainer[]? Containers = null,
        RawVolume[]? Volumes = null,
        RawBuildCache[]? BuildCache = null);

    private sealed record RawImage(string? Id, string[]? RepoTags, long Size, long SharedSize, long Containers, long Created);

    private sealed record RawContainer(string? Id, string[]? Names, string? Image, string? State, long SizeRw, long SizeRootFs, long Created);

    private sealed record RawVolume(string? Name, string? Driver, string? CreatedAt, RawVolumeUsage? UsageData);

    private sealed record RawVolumeUsage(long Size, long RefCount);

    private sealed record RawBuildCache(
        string? Id, string? Type, string? Description, bool InUse, bool Shared, long Size, string? LastUsedAt, long UsageCount);
}

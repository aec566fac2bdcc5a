using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using WakeDock.Containers.Engine;

namespace WakeDock.Containers.Docker.EngineSystem;

/// <summary>The engine itself: info, version and disk usage.</summary>
public static class EngineEndpoints
{
    public static async Task<Ok<EngineInfo>> InfoAsync(IDockerEngine engine, CancellationToken cancellationToken)
    {
        var info = await engine.RunAsync((docker, token) => docker.System.GetSystemInfoAsync(token), cancellationToken);
        return TypedResults.Ok(new EngineInfo(
            info.ID ?? "",
            info.Name ?? "",
            info.ServerVersion ?? "",
            info.OperatingSystem ?? "",
            info.OSType ?? "",
            info.Architecture ?? "",
            info.KernelVersion ?? "",
            info.NCPU,
            info.MemTotal,
            new EngineContainerCounts(info.Containers, info.ContainersRunning, info.ContainersPaused, info.ContainersStopped),
            info.Images,
            info.Driver ?? "",
            info.DockerRootDir ?? "",
            info.LoggingDriver ?? "",
            info.CgroupDriver ?? "",
            info.CgroupVersion ?? "",
            info.DefaultRuntime ?? "",
            info.LiveRestoreEnabled,
            string.IsNullOrEmpty(info.Swarm?.LocalNodeState) ? "inactive" : info.Swarm.LocalNodeState,
            info.SecurityOptions?.ToArray() ?? [],
            info.Warnings?.ToArray() ?? [],
            engine.Status.Endpoint.ToString(),
            DateTimeOffset.TryParse(info.SystemTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? time.ToUniversalTime()
                : null));
    }

    public static async Task<Ok<EngineVersion>> VersionAsync(
        IDockerEngine engine, IOptions<DockerEngineOptions> options, CancellationToken cancellationToken)
    {
        var version = await engine.RunAsync((docker, token) => docker.System.GetVersionAsync(token), cancellationToken);
        return TypedResults.Ok(new EngineVersion(
            version.Version ?? "",
            version.APIVersion ?? "",
            version.MinAPIVersion ?? "",
            options.Value.ApiVersion.ToString(2),
            version.GitCommit ?? "",
            version.GoVersion ?? "",
            version.Os ?? "",
            version.Arch ?? "",
            version.KernelVersion ?? "",
            version.Experimental,
            string.IsNullOrEmpty(version.BuildTime) ? null : version.BuildTime,
            (version.Components ?? []).Select(component => new EngineComponent(component.Name ?? "", component.Version ?? "")).ToArray()));
    }

    /// <summary>The engine computes sizes on demand; on a busy host this can take seconds.</summary>
    public static async Task<Ok<DiskUsage>> DiskUsageAsync(
        IDockerEngine engine, IOptions<DockerEngineOptions> options, CancellationToken cancellationToken)
    {
        var json = await engine.RunAsync(
            (docker, token) => EngineHttp.GetStringAsync(docker, options.Value.ApiVersion, "system/df", token), cancellationToken);
        return TypedResults.Ok(DiskUsageReader.Parse(json));
    }
}

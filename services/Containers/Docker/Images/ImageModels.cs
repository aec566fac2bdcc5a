using Docker.DotNet.Models;

namespace WakeDock.Containers.Docker.Images;

/// <summary>One row of <c>GET /api/v1/images</c>.</summary>
public sealed record ImageSummary(
    string Id,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Digests,
    DateTimeOffset Created,
    long Size,
    bool Dangling,
    IReadOnlyDictionary<string, string> Labels)
{
    public static ImageSummary From(ImagesListResponse image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var tags = ImageNames.Real(image.RepoTags);
        return new(image.ID, tags, ImageNames.Real(image.RepoDigests), EngineErrors.Utc(image.Created), image.Size, tags.Count == 0,
            ImageNames.Labels(image.Labels));
    }
}

/// <summary><c>GET /api/v1/images/{reference}</c>: what an operator needs from <c>docker image inspect</c>.</summary>
public sealed record ImageDetails(
    string Id,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Digests,
    DateTimeOffset Created,
    long Size,
    string? Architecture,
    string? Os,
    string? Variant,
    string? Author,
    string? Comment,
    string? Parent,
    string? DockerVersion,
    ImageConfigDetails Config,
    IReadOnlyList<string> Layers)
{
    public static ImageDetails From(ImageInspectResponse image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var config = image.Config ?? new Config();
        return new(
            image.ID,
            ImageNames.Real(image.RepoTags),
            ImageNames.Real(image.RepoDigests),
            EngineErrors.Utc(image.Created),
            image.Size,
            image.Architecture,
            image.Os,
            ImageNames.NullIfEmpty(image.Variant),
            ImageNames.NullIfEmpty(image.Author),
            ImageNames.NullIfEmpty(image.Comment),
            ImageNames.NullIfEmpty(image.Parent),
            ImageNames.NullIfEmpty(image.DockerVersion),
            new ImageConfigDetails(
                [.. config.Cmd ?? []],
                [.. config.Entrypoint ?? []],
                [.. config.Env ?? []],
                ImageNames.NullIfEmpty(config.WorkingDir),
                ImageNames.NullIfEmpty(config.User),
                [.. (config.ExposedPorts?.Keys ?? []).Order(StringComparer.Ordinal)],
                [.. (config.Volumes?.Keys ?? []).Order(StringComparer.Ordinal)],
                ImageNames.NullIfEmpty(config.StopSignal),
                config.Healthcheck?.Test is { Count: > 0 } test ? [.. test] : null,
                ImageNames.Labels(config.Labels)),
            [.. image.RootFS?.Layers ?? []]);
    }
}

/// <summary>The image's defaults for containers made from it.</summary>
public sealed record ImageConfigDetails(
    IReadOnlyList<string> Cmd,
    IReadOnlyList<string> Entrypoint,
    IReadOnlyList<string> Env,
    string? WorkingDir,
    string? User,
    IReadOnlyList<string> ExposedPorts,
    IReadOnlyList<string> Volumes,
    string? StopSignal,
    IReadOnlyList<string>? Healthcheck,
    IReadOnlyDictionary<string, string> Labels);

/// <summary><c>POST /api/v1/images/pull</c>: <c>image</c> may carry its tag or digest, or give <c>tag</c> apart.</summary>
public sealed record ImagePullRequest(string? Image, string? Tag);

/// <summary><c>POST /api/v1/images/{reference}/tag</c>: the new name (tag defaults to <c>latest</c>).</summary>
public sealed record ImageTagRequest(string? Repository, string? Tag);

public sealed record ImageTagged(string Image, string Id);

/// <summary>What a removal did: references untagged and image layers deleted.</summary>
public sealed record ImageRemoval(IReadOnlyList<string> Untagged, IReadOnlyList<string> Deleted)
{
    public static ImageRemoval From(IEnumerable<IDictionary<string, string>>? items) => new(
        [.. (items ?? []).Where(item => item.ContainsKey("Untagged")).Select(item => item["Untagged"])],
        [.. (items ?? []).Where(item => item.ContainsKey("Deleted")).Select(item => item["Deleted"])]);
}

/// <summary><c>POST /api/v1/images/prune</c>: only dangling images (default) or every unused one, optionally by label.</summary>
public sealed record ImagePruneRequest(bool? Dangling, IReadOnlyList<string>? Labels);

public sealed record ImagePruneResult(IReadOnlyList<string> Untagged, IReadOnlyList<string> Deleted, long SpaceReclaimed)
{
    public static ImagePruneResult From(ImagesPruneResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var items = response.ImagesDeleted ?? [];
        return new(
            [.. items.Select(item => item.Untagged).OfType<string>().Where(value => value.Length > 0)],
            [.. items.Select(item => item.Deleted).OfType<string>().Where(value => value.Length > 0)],
            (long)Math.Min(response.SpaceReclaimed, long.MaxValue));
    }
}

internal static class ImageNames
{
    /// <summary>The engine lists an untagged image as <c>&lt;none&gt;:&lt;none&gt;</c>; that is no name.</summary>
    public static IReadOnlyList<string> Real(IEnumerable<string>? names) =>
        [.. (names ?? []).Where(name => !string.IsNullOrEmpty(name) && !name.StartsWith("<none>", StringComparison.Ordinal))];

    public static IReadOnlyDictionary<string, string> Labels(IDictionary<string, string>? labels) =>
        labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(labels, StringComparer.Ordinal);

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

using System.Text.RegularExpressions;
using ImageReference = WakeDock.Containers.Services.ImageReference;

namespace WakeDock.Containers.Docker.Images;

/// <summary>What the engine is asked to pull (<c>fromImage</c> and <c>tag</c>, which may be a digest) and the name it ends up under.</summary>
public sealed record PullTarget(string FromImage, string Tag, string Reference);

/// <summary>Checks image requests before the engine sees them, so mistakes are a clear 400, not an engine error.</summary>
public static partial class ImageRules
{
    public static PullTarget? CheckPull(ImagePullRequest? request, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var image = request?.Image?.Trim();
        if (!CheckName(image, "image", errors, out var reference))
        {
            return null;
        }

        var tag = string.IsNullOrWhiteSpace(request!.Tag) ? null : request.Tag.Trim();
        if (tag is not null)
        {
            if (reference.Tag is not null || reference.Digest is not null)
            {
                errors.Add("tag", "Give the tag either in 'image' or in 'tag', not both.");
                return null;
            }

            if (!TagPattern().IsMatch(tag))
            {
                errors.Add("tag", $"'{tag}' is not a valid tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-').");
                return null;
            }
        }

        var name = Name(reference);
        if (reference.Digest is { } digest)
        {
            // The engine's `tag` argument takes a digest too.
            return new PullTarget(name, digest, $"{name}@{digest}");
        }

        tag ??= reference.Tag ?? "latest";
        return new PullTarget(name, tag, $"{name}:{tag}");
    }

    /// <summary>The new name for <c>POST …/tag</c>: a repository without tag, and a valid tag.</summary>
    public static (string Repository, string Tag)? CheckTag(ImageTagRequest? request, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!CheckName(request?.Repository?.Trim(), "repository", errors, out var reference))
        {
            return null;
        }

        if (reference.Tag is not null || reference.Digest is not null)
        {
            errors.Add("repository", "Give the repository without ':tag' or '@digest'; put the tag in 'tag'.");
            return null;
        }

        var tag = string.IsNullOrWhiteSpace(request!.Tag) ? "latest" : request.Tag.Trim();
        if (!TagPattern().IsMatch(tag))
        {
            errors.Add("tag", $"'{tag}' is not a valid tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-').");
            return null;
        }

        return (Name(reference), tag);
    }

    private static bool CheckName(string? value, string field, RequestErrors errors, out ImageReference reference)
    {
        reference = null!;
        if (!ImageReference.TryParse(value, out var parsed, out var error))
        {
            errors.Add(field, error ?? "Not a valid image reference.");
            return false;
        }

        // The engine refuses these as names: they would be mistaken for image ids.
        if (IdPattern().IsMatch(parsed.Repository))
        {
            errors.Add(field, "A repository name cannot be a 64-digit hexadecimal string (that is an image id).");
            return false;
        }

        reference = parsed;
        return true;
    }

    private static string Name(ImageReference reference) =>
        reference.Registry is null ? reference.Repository : $"{reference.Registry}/{reference.Repository}";

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex("^[a-f0-9]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}

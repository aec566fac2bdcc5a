using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace WakeDock.Containers.Services;

/// <summary>
/// An image reference in Docker's grammar (distribution/reference):
/// <c>[registry[:port]/]path[:tag][@digest]</c>. The first path component is a registry when it
/// has a '.', a ':' or a capital, or is <c>localhost</c>, as the Docker CLI decides it.
/// </summary>
public sealed partial record ImageReference(string? Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>Docker's limit for the name part (registry and path).</summary>
    public const int MaxNameLength = 255;

    public override string ToString()
        => (Registry is null ? "" : Registry + "/") + Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    public static bool TryParse(string? value, [NotNullWhen(true)] out ImageReference? reference, out string? error)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "The image reference is required.";
            return false;
        }

        var match = Pattern().Match(value);
        if (!match.Success)
        {
            error = $"'{value}' is not a valid image reference ([registry[:port]/]name[:tag][@digest], name in lower case).";
            return false;
        }

        var name = match.Groups["name"].Value;
        if (name.Length > MaxNameLength)
        {
            error = $"The image name must be at most {MaxNameLength} characters.";
            return false;
        }

        string? registry = null;
        var path = name;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var first = name[..slash];
            if (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"
                || !string.Equals(first, first.ToLowerInvariant(), StringComparison.Ordinal))
            {
                registry = first;
                path = name[(slash + 1)..];
            }
        }

        // Only the registry may have capitals (host names are case-insensitive); the path must be lower case.
        if (!PathPattern().IsMatch(path))
        {
            error = $"'{value}' is not a valid image reference: the repository name must be lower case.";
            return false;
        }

        var digest = match.Groups["digest"].Success ? match.Groups["digest"].Value : null;
        if (digest is not null && digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length != "sha256:".Length + 64)
        {
            error = "A sha256 digest has 64 hexadecimal digits.";
            return false;
        }

        reference = new ImageReference(registry, path, match.Groups["tag"].Success ? match.Groups["tag"].Value : null, digest);
        error = null;
        return true;
    }

    // Components as in github.com/distribution/reference/regexp.go; the domain may carry a port or be an IPv6 literal.
    [GeneratedRegex(
        @"^(?<name>(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?/)?" +
        @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)" +
        @"(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?" +
        @"(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PathPattern();
}

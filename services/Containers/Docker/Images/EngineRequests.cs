using System.Net;
using System.Text.Json;
using Docker.DotNet;
using Microsoft.AspNetCore.Http.HttpResults;

// Shared by the image, network and volume endpoints (lives with images, its first user).
namespace WakeDock.Containers.Docker;

/// <summary>Builds the engine's <c>filters</c> argument (<c>{"label": {"a=b": true}}</c>) from query values.</summary>
public sealed class EngineFilters
{
    private readonly Dictionary<string, IDictionary<string, bool>> filters = new(StringComparer.Ordinal);

    public EngineFilters Add(string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            if (!filters.TryGetValue(name, out var values))
            {
                filters[name] = values = new Dictionary<string, bool>(StringComparer.Ordinal);
            }

            values[value.Trim()] = true;
        }

        return this;
    }

    public EngineFilters Add(string name, IEnumerable<string>? values)
    {
        foreach (var value in values ?? [])
        {
            Add(name, value);
        }

        return this;
    }

    public EngineFilters Add(string name, bool? value) => value is null ? this : Add(name, value.Value ? "true" : "false");

    /// <summary>Null when empty: the engine then applies no filter.</summary>
    public IDictionary<string, IDictionary<string, bool>>? Build() => filters.Count == 0 ? null : filters;
}

/// <summary>Collects field errors and answers them as one RFC 7807 validation problem (400).</summary>
public sealed class RequestErrors
{
    public const int MaxLabels = 100;
    public const int MaxLabelKeyLength = 256;
    public const int MaxLabelValueLength = 4096;

    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages))
        {
            errors[field] = messages = [];
        }

        messages.Add(message);
    }

    /// <summary>Labels to set on a new object: non-empty keys without '=', bounded sizes.</summary>
    public void CheckLabels(string field, IDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            return;
        }

        if (labels.Count > MaxLabels)
        {
            Add(field, $"At most {MaxLabels} labels.");
        }

        foreach (var (key, value) in labels)
        {
            if (string.IsNullOrWhiteSpace(key) || key.Contains('=', StringComparison.Ordinal) || key.Length > MaxLabelKeyLength)
            {
                Add(field, $"Label key '{key}' must be 1 to {MaxLabelKeyLength} characters without '='.");
            }

            if (value is null || value.Length > MaxLabelValueLength)
            {
                Add(field, $"The value of label '{key}' must be a string of at most {MaxLabelValueLength} characters.");
            }
        }
    }

    /// <summary>Label filters are <c>key</c> or <c>key=value</c>.</summary>
    public void CheckLabelFilters(string field, IEnumerable<string>? filters)
    {
        foreach (var filter in filters ?? [])
        {
            if (string.IsNullOrWhiteSpace(filter) || filter.StartsWith('=') || filter.Length > MaxLabelKeyLength + MaxLabelValueLength)
            {
                Add(field, $"'{filter}' is not a label filter: use key or key=value.");
            }
        }
    }

    public ValidationProblem ToProblem() => TypedResults.ValidationProblem(
        errors.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray(), StringComparer.Ordinal),
        title: "The request is not valid");
}

/// <summary>Engine answers the endpoints turn into their own problems (the rest go to DockerProblemHandler).</summary>
public static class EngineErrors
{
    /// <summary>The engine answers <c>{"message": "..."}</c>; the message, not the JSON.</summary>
    public static string Message(DockerApiException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var body = exception.ResponseBody;
        if (string.IsNullOrWhiteSpace(body))
        {
            return exception.Message;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out var message)
                ? message.GetString() ?? body
                : body.Trim();
        }
        catch (JsonException)
        {
            return body.Trim();
        }
    }

    /// <summary>
    /// The engine says 403 for "pre-defined network cannot be removed" or "pool overlaps": a conflict
    /// with the engine's state, not the caller's role, so it is answered 409.
    /// </summary>
    public static bool IsForbidden(DockerApiException exception) => exception.StatusCode == HttpStatusCode.Forbidden;

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    /// <summary>Engine timestamps arrive as UTC or local <see cref="DateTime"/>s; the API speaks offsets.</summary>
    public static DateTimeOffset Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
    };
}

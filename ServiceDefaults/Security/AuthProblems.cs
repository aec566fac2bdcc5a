using Microsoft.Net.Http.Headers;

namespace WakeDock.ServiceDefaults.Security;

/// <summary>Authentication and authorization failures as RFC 7807 problems.</summary>
public static class AuthProblems
{
    /// <summary>401 with a <c>WWW-Authenticate</c> challenge (RFC 6750 §3 for bearer tokens).</summary>
    public static Task WriteUnauthorizedAsync(HttpContext context, string challenge, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        context.Response.Headers.Append(HeaderNames.WWWAuthenticate, challenge);
        return TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(context);
    }

    public static Task WriteForbiddenAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        return TypedResults.Problem(
            detail: "Your role does not allow this action.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden").ExecuteAsync(context);
    }

    /// <summary>A <c>Bearer</c> challenge with an RFC 6750 error (quotes and backslashes removed).</summary>
    public static string BearerChallenge(string? error = null, string? description = null)
    {
        if (string.IsNullOrEmpty(error))
        {
            return "Bearer";
        }

        var challenge = $"Bearer error=\"{Clean(error)}\"";
        return string.IsNullOrEmpty(description) ? challenge : $"{challenge}, error_description=\"{Clean(description)}\"";
    }

    private static string Clean(string value) => value.Replace("\"", "", StringComparison.Ordinal).Replace("\\", "", StringComparison.Ordinal);
}

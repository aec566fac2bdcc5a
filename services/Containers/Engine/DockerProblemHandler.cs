using System.Net;
using Docker.DotNet;
using Microsoft.AspNetCore.Diagnostics;

namespace WakeDock.Containers.Engine;

/// <summary>
/// Turns engine failures into RFC 7807 answers: an unreachable engine is 503 with
/// <c>Retry-After</c>; the engine's own 400/404/409/500 keep their meaning and its message.
/// </summary>
public sealed class DockerProblemHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var (status, title, detail) = exception switch
        {
            DockerEngineUnavailableException unavailable => (StatusCodes.Status503ServiceUnavailable, "Docker engine unavailable", unavailable.Message),
            DockerApiException api => (MapStatus(api.StatusCode), Title(api.StatusCode), EngineMessage(api)),
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "5";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static int MapStatus(HttpStatusCode code) => code switch
    {
        HttpStatusCode.BadRequest => StatusCodes.Status400BadRequest,
        HttpStatusCode.NotFound => StatusCodes.Status404NotFound,
        HttpStatusCode.Conflict => StatusCodes.Status409Conflict,
        HttpStatusCode.NotModified => StatusCodes.Status409Conflict,
        HttpStatusCode.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status502BadGateway,
    };

    private static string Title(HttpStatusCode code) => code switch
    {
        HttpStatusCode.NotFound => "Not found in the Docker engine",
        HttpStatusCode.Conflict or HttpStatusCode.NotModified => "Conflict in the Docker engine",
        HttpStatusCode.BadRequest => "The Docker engine refused the request",
        _ => "The Docker engine failed",
    };

    /// <summary>The engine answers <c>{"message": "..."}</c>; show the message, not the JSON.</summary>
    private static string EngineMessage(DockerApiException exception)
    {
        var body = exception.ResponseBody;
        if (string.IsNullOrWhiteSpace(body))
        {
            return exception.Message;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("message", out var message) ? message.GetString() ?? body : body;
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Trim();
        }
    }
}

using WakeDock.Identity.Model;
using WakeDock.Identity.SignIn;
using WakeDock.Identity.Tokens;
using WakeDock.ServiceDefaults.RateLimiting;

namespace WakeDock.Identity.Apis;

/// <summary>Sign-in and password reset under <c>/api/v1/auth</c>, and (mapped from here) the security admin API.</summary>
public static class SignInApi
{
    /// <summary>The only thing any failed sign-in says, whatever the reason.</summary>
    public const string InvalidCredentials = "Invalid user name or password";

    public const string ResetAccepted = "If an account with that name or email exists and has an email address, a reset link has been sent to it.";

    public const string InvalidResetToken = "invalid or expired token";

    public static IEndpointRouteBuilder MapSignInApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var auth = endpoints.MapGroup("/api/v1/auth").WithTags("Sign-in");

        auth.MapPost("/login", LoginAsync)
            .WithName("Login")
            .WithSummary("Signs in with a user name (or email) and password; answers an access and a refresh token.")
            .Produces<TokenResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .AllowAnonymous();
        auth.MapPost("/password-reset", RequestResetAsync)
            .WithName("RequestPasswordReset")
            .WithSummary("Sends a single-use reset link if the account exists; the answer is the same either way.")
            .Produces<PasswordResetAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .AllowAnonymous();
        auth.MapPost("/password-reset/confirm", ConfirmResetAsync)
            .WithName("ConfirmPasswordReset")
            .WithSummary("Sets a new password with a reset token; ends every session of the account.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .AllowAnonymous();

        endpoints.MapSecurityApi();
        return endpoints;
    }

    private static async Task<IResult> LoginAsync(
        LoginRequest request,
        HttpContext context,
        SignInService signIn,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var userName = string.IsNullOrEmpty(request.UserName) ? request.Email : request.UserName;
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["credentials"] = ["userName and password are required"],
            });
        }

        var outcome = await signIn.SignInAsync(userName, request.Password, ClientInfo.From(context), cancellationToken);
        if (outcome.Refusal is { } refusal)
        {
            return refusal.ToTooManyRequests();
        }

        if (outcome.Tokens is not { } pair)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: InvalidCredentials);
        }

        return TypedResults.Ok(TokenResponse.From(pair, time.GetUtcNow()));
    }

    private static async Task<IResult> RequestResetAsync(
        PasswordResetRequest request,
        HttpContext context,
        PasswordResetService resets,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.UserNameOrEmail))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["userNameOrEmail"] = ["a user name or email address is required"],
            });
        }

        var refusal = await resets.RequestAsync(request.UserNameOrEmail, ClientInfo.From(context), cancellationToken);
        return refusal is null
            ? TypedResults.Accepted((string?)null, new PasswordResetAccepted(ResetAccepted))
            : refusal.ToTooManyRequests();
    }

    private static async Task<IResult> ConfirmResetAsync(
        PasswordResetConfirmRequest request,
        HttpContext context,
        PasswordResetService resets,
        CancellationToken cancellationToken)
    {
        var outcome = await resets.ConfirmAsync(request.Token ?? string.Empty, request.NewPassword ?? string.Empty, ClientInfo.From(context), cancellationToken);
        return outcome.Status switch
        {
            ResetConfirmStatus.Succeeded => TypedResults.NoContent(),
            ResetConfirmStatus.RateLimited => outcome.Refusal!.ToTooManyRequests(),
            ResetConfirmStatus.InvalidPassword => TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["newPassword"] = [.. outcome.PasswordProblems ?? []],
            }),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: InvalidResetToken),
        };
    }
}

/// <summary><c>userName</c> may hold a user name or an email address; <c>email</c> is accepted as an alias.</summary>
public sealed record LoginRequest(string? UserName, string? Password, string? Email = null);

public sealed record PasswordResetRequest(string? UserNameOrEmail);

public sealed record PasswordResetAccepted(string Message);

public sealed record PasswordResetConfirmRequest(string? Token, string? NewPassword);

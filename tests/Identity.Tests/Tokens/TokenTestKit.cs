using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Tokens;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Tokens;

/// <summary>Users and tokens for the token tests, made through Identity's own services (no login endpoint needed).</summary>
internal static class TokenTestKit
{
    public const string ProtectedPath = "/api/v1/auth/sessions";

    public static async Task<User> CreateUserAsync(IServiceProvider services, string role = Roles.Viewer)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = DateTimeOffset.UtcNow;
        var user = new User
        {
            UserName = "tok-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            // Not a valid hash: these users cannot log in with a password, only through ITokenService.
            PasswordHash = "-",
            Role = role,
            CreatedAt = now,
            UpdatedAt = now,
            PasswordChangedAt = now,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return user;
    }

    public static async Task<TokenPair> SignInAsync(IServiceProvider services, User user, string ipAddress = "198.51.100.20")
    {
        await using var scope = services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenService>();
        return await tokens.SignInAsync(user, new ClientInfo(ipAddress, "token-tests"), TestContext.Current.CancellationToken);
    }

    public static async Task<(User User, TokenPair Tokens)> NewSessionAsync(IServiceProvider services, string role = Roles.Viewer)
    {
        var user = await CreateUserAsync(services, role);
        return (user, await SignInAsync(services, user));
    }

    public static async Task SetEnabledAsync(IServiceProvider services, Guid userId, bool enabled)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsEnabled, enabled), TestContext.Current.CancellationToken);
    }

    public static async Task<List<RefreshToken>> RefreshTokensOfSessionAsync(IServiceProvider services, string sessionId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return await db.RefreshTokens.AsNoTracking().Where(t => t.SessionId == sessionId).OrderBy(t => t.CreatedAt).ToListAsync(TestContext.Current.CancellationToken);
    }

    public static async Task<List<SecurityEvent>> SecurityEventsAsync(IServiceProvider services, string type, Guid? userId = null)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return await db.SecurityEvents.AsNoTracking().Where(e => e.Type == type && (userId == null || e.UserId == userId)).ToListAsync(TestContext.Current.CancellationToken);
    }

    public static HttpClient Client(Uri baseAddress, string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>From a random documentation address each time, so the per-address refresh limit never trips.</summary>
    public static async Task<HttpResponseMessage> RefreshAsync(Uri baseAddress, string refreshToken)
    {
        using var client = Client(baseAddress);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{RandomNumberGenerator.GetInt32(1, 255)}");
        return await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, TestContext.Current.CancellationToken);
    }

    /// <summary>Asserts an RFC 7807 answer with <paramref name="status"/>; returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        return body;
    }

    public static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }
}

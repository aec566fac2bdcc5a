using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace WakeDock.ServiceDefaults.Security;

/// <summary>
/// <c>X-Api-Key: wdk_…</c> (or <c>Authorization: ApiKey wdk_…</c>), looked up by its SHA-256 in
/// Redis (<see cref="AuthRedisKeys.ApiKey"/>, written by Identity and deleted on revocation).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IConnectionMultiplexer redis,
    ApiKeyUsageRecorder usage) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const int MaxKeyLength = 256;

    /// <summary>Whether the request carries an API key (the policy scheme's choice).</summary>
    public static bool HasApiKey(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.ContainsKey(WakeDockAuthenticationDefaults.ApiKeyHeader)
            || request.Headers.Authorization.ToString().StartsWith(WakeDockAuthenticationDefaults.ApiKeyScheme + " ", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The lowercase hex SHA-256 of a whole key: its Redis and database lookup value.</summary>
    public static string Hash(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!key.StartsWith(WakeDockAuthenticationDefaults.ApiKeyPrefix, StringComparison.Ordinal) || key.Length > MaxKeyLength)
        {
            return AuthenticateResult.Fail("The API key is malformed");
        }

        HashEntry[] fields;
        try
        {
            fields = await redis.GetDatabase().HashGetAllAsync(AuthRedisKeys.ApiKey(Hash(key)));
        }
        catch (RedisException)
        {
            // Fail closed: without the store a revoked key could not be told from a live one.
            return AuthenticateResult.Fail("The API key store is unavailable");
        }

        var entry = fields.ToDictionary(f => f.Name.ToString(), f => f.Value.ToString(), StringComparer.Ordinal);
        if (!entry.TryGetValue("id", out var id) || !entry.TryGetValue("userId", out var userId) || !entry.TryGetValue("role", out var role) || !Roles.IsValid(role))
        {
            return AuthenticateResult.Fail("The API key is invalid or revoked");
        }

        var now = TimeProvider.GetUtcNow();
        if (entry.TryGetValue("expiresAt", out var expiresAt) && !string.IsNullOrEmpty(expiresAt)
            && (!DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expiry) || expiry <= now))
        {
            return AuthenticateResult.Fail("The API key has expired");
        }

        usage.Record(id, now);
        var claims = new List<Claim>
        {
            new(WakeDockClaims.Subject, userId),
            new(WakeDockClaims.Name, entry.GetValueOrDefault("userName") ?? userId),
            new(WakeDockClaims.Role, role),
            new(WakeDockClaims.ApiKeyId, id),
            new(WakeDockClaims.AuthenticationMethod, WakeDockAuthenticationDefaults.ApiKeyMethod),
        };
        var identity = new ClaimsIdentity(claims, Scheme.Name, WakeDockClaims.Name, WakeDockClaims.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var detail = result.Failure?.Message ?? "An API key is required.";
        await AuthProblems.WriteUnauthorizedAsync(Context, WakeDockAuthenticationDefaults.ApiKeyScheme, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.WriteForbiddenAsync(Context);

    private static string? ReadKey(HttpRequest request)
    {
        var header = request.Headers[WakeDockAuthenticationDefaults.ApiKeyHeader].ToString();
        if (!string.IsNullOrWhiteSpace(header))
        {
            return header.Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        var prefix = WakeDockAuthenticationDefaults.ApiKeyScheme + " ";
        return authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? authorization[prefix.Length..].Trim() : null;
    }
}

/// <summary>
/// Writes an API key's last-used time to <see cref="AuthRedisKeys.ApiKeyLastUsed"/> at most once
/// per interval per key, without waiting for Redis (a lost write only delays the time shown).
/// </summary>
public sealed class ApiKeyUsageRecorder(IConnectionMultiplexer redis, IOptions<WakeDockAuthenticationOptions> options)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> lastWritten = new(StringComparer.Ordinal);

    public void Record(string apiKeyId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(apiKeyId);
        var previous = lastWritten.GetValueOrDefault(apiKeyId, DateTimeOffset.MinValue);
        if (now - previous < options.Value.ApiKeyLastUsedInterval || !lastWritten.TryUpdate(apiKeyId, now, previous) && !lastWritten.TryAdd(apiKeyId, now))
        {
            return;
        }

        try
        {
            redis.GetDatabase().HashSet(AuthRedisKeys.ApiKeyLastUsed, apiKeyId, now.ToString("O", CultureInfo.InvariantCulture), flags: CommandFlags.FireAndForget);
        }
        catch (RedisException)
        {
            lastWritten.TryRemove(apiKeyId, out _);
        }
    }
}

using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WakeDock.Identity.Model;
using WakeDock.Identity.Tokens;
using WakeDock.Identity.Users;
using WakeDock.ServiceDefaults;

namespace WakeDock.Identity.Tests.Users;

/// <summary>Users and tokens for the users-area tests, made through the services rather than the (rate-limited) login.</summary>
internal static class UserTestKit
{
    private static int redisDatabase;

    public static string NewPassword() => "Pw-" + RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);

    public static string NewUserName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];

    /// <summary>Creates a user through <see cref="UserAccounts"/> in <paramref name="services"/>' database.</summary>
    public static async Task<(User User, string Password)> CreateUserAsync(IServiceProvider services, string role, string? prefix = null)
    {
        await using var scope = services.CreateAsyncScope();
        var password = NewPassword();
        var result = await scope.ServiceProvider.GetRequiredService<UserAccounts>()
            .CreateAsync(new NewUser(NewUserName(prefix ?? role), null, null, password, role), TestContext.Current.CancellationToken);
        Assert.True(result.Succeeded, $"{result.Status}: {result.Detail} {string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? [])}");
        return (result.User!, password);
    }

    /// <summary>An access token for a new session of <paramref name="user"/>.</summary>
    public static async Task<TokenPair> SignInAsync(IServiceProvider services, User user)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ITokenService>()
            .SignInAsync(user, new ClientInfo("127.0.0.1", "users-tests"), TestContext.Current.CancellationToken);
    }

    /// <summary>A new user with <paramref name="role"/> and a client (default: through the Gateway) signed in as them.</summary>
    public static async Task<(User User, HttpClient Client)> ClientAsAsync(this IdentityFixture fixture, string role, Uri? baseAddress = null, IServiceProvider? services = null)
    {
        services ??= fixture.IdentityServices;
        var (user, _) = await CreateUserAsync(services, role);
        var tokens = await SignInAsync(services, user);
        return (user, fixture.CreateClient(baseAddress, tokens.AccessToken));
    }

    public static HttpClient WithApiKey(this IdentityFixture fixture, string apiKey, Uri? baseAddress = null)
    {
        var client = fixture.CreateClient(baseAddress);
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return client;
    }

    public static void UseBearer(this HttpClient client, string token)
        => client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    /// <summary>An empty database on the shared PostgreSQL server, for tests that need to control every user.</summary>
    public static async Task<string> CreateDatabaseAsync(this IdentityFixture fixture)
    {
        var name = $"users_{Guid.NewGuid():N}";
        var server = new NpgsqlConnectionStringBuilder(fixture.PostgresConnectionString) { Database = "postgres" };
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(fixture.PostgresConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Settings for an Identity with its own database and its own Redis database (so its API-key
    /// reconciliation and sessions never touch the shared Identity's).
    /// </summary>
    public static async Task<Dictionary<string, string?>> IsolatedSettingsAsync(this IdentityFixture fixture)
    {
        var index = 1 + (Interlocked.Increment(ref redisDatabase) % 15);
        return new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.Database}"] = await fixture.CreateDatabaseAsync(),
            [$"ConnectionStrings:{ResourceNames.Redis}"] = $"{fixture.RedisConnectionString},defaultDatabase={index}",
        };
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<T>(TestContext.Current.CancellationToken);
        return body ?? throw new InvalidOperationException("empty body");
    }

    /// <summary>Asserts an RFC 7807 answer with <paramref name="status"/> and answers its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Waits up to 10 s for <paramref name="condition"/> (for effects that land in the background).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the condition did not come true within 10 s");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public static async Task AssertStatusAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Fail($"expected {status}, got {(int)response.StatusCode}: {text}");
        }
    }
}

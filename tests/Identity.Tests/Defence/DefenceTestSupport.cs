using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.Messaging;

namespace WakeDock.Identity.Tests.Defence;

/// <summary>A user created straight in the database, with its password in clear for the test.</summary>
public sealed record TestUser(Guid Id, string UserName, string Password, string? Email);

/// <summary>Users, client addresses, tokens and problem bodies for the defence tests.</summary>
public static class DefenceTestSupport
{
    private static int addressCounter = Random.Shared.Next(0, 1 << 16);

    /// <summary>A client address no other test uses (100.64.0.0/10), so limits and blocks stay apart.</summary>
    public static string NextIp()
    {
        var n = Interlocked.Increment(ref addressCounter) & 0x3FFFFF;
        return $"100.{64 + (n >> 16)}.{(n >> 8) & 0xFF}.{n & 0xFF}";
    }

    public static string NewPassword() => "Pw-" + Guid.NewGuid().ToString("N");

    public static async Task<TestUser> CreateUserAsync(
        IServiceProvider services, bool enabled = true, bool withEmail = true, string role = "viewer")
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..12];
        var password = NewPassword();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        var now = DateTimeOffset.UtcNow;
        var user = new User
        {
            UserName = name,
            Email = withEmail ? $"{name}@example.test" : null,
            PasswordHash = "",
            Role = role,
            IsEnabled = enabled,
            CreatedAt = now,
            UpdatedAt = now,
            PasswordChangedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return new TestUser(user.Id, name, password, user.Email);
    }

    public static async Task<User> ReadUserAsync(IServiceProvider services, Guid id)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    public static async Task UpdateUserAsync(IServiceProvider services, Guid id, Action<User> change)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var user = await db.Users.FindAsync(id) ?? throw new InvalidOperationException("no such user");
        change(user);
        await db.SaveChangesAsync();
    }

    public static async Task<List<T>> QueryAsync<T>(IServiceProvider services, Func<IdentityDbContext, IQueryable<T>> query)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        return await query(db).ToListAsync();
    }

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string userName, string password)
        => client.PostAsJsonAsync("/api/v1/auth/login", new { userName, password }, TestContext.Current.CancellationToken);

    /// <summary>An admin access token (signs in as the bootstrap admin from a fresh address).</summary>
    public static async Task<string> AdminTokenAsync(IdentityFixture fixture)
    {
        using var client = fixture.CreateClient(fixture.Identity, clientIp: NextIp());
        return await TokenAsync(client, IdentityFixture.AdminUserName, fixture.AdminPassword);
    }

    public static async Task<string> TokenAsync(HttpClient client, string userName, string password)
    {
        using var response = await LoginAsync(client, userName, password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("accessToken").GetString()!;
    }

    /// <summary>The problem body without the per-request members (traceId, instance).</summary>
    public static async Task<string> StableProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, JsonElement>>(TestContext.Current.CancellationToken);
        Assert.NotNull(body);
        body.Remove("traceId");
        body.Remove("instance");
        return JsonSerializer.Serialize(body.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary());
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the time is up.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}

/// <summary>
/// Listens on the real RabbitMQ (a temporary queue of its own bus) for what Identity publishes,
/// as Monitoring and notifications would.
/// </summary>
public sealed class BusProbe(IdentityFixture fixture) : IAsyncLifetime
{
    private readonly ConcurrentQueue<object> received = new();
    private IBusControl? bus;

    public async ValueTask InitializeAsync()
    {
        var broker = RabbitMqAddress.Parse(fixture.RabbitMqConnectionString);
        bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(broker.Host, broker.Port, broker.VirtualHost, host =>
            {
                host.Username(broker.UserName);
                host.Password(broker.Password);
            });
            rabbit.ReceiveEndpoint(new TemporaryEndpointDefinition(), endpoint =>
            {
                endpoint.Handler<Contracts.Identity.PasswordResetRequested>(context => Collect(context.Message));
                endpoint.Handler<Contracts.Identity.SecurityEventRecorded>(context => Collect(context.Message));
            });
        });
        await bus.StartAsync(TestContext.Current.CancellationToken);
    }

    private Task Collect(object message)
    {
        received.Enqueue(message);
        return Task.CompletedTask;
    }

    public async Task<T?> WaitForAsync<T>(Func<T, bool> predicate, TimeSpan? timeout = null)
        where T : class
    {
        T? found = null;
        await DefenceTestSupport.EventuallyAsync(
            () => Task.FromResult((found = received.OfType<T>().FirstOrDefault(predicate)) is not null),
            timeout ?? TimeSpan.FromSeconds(15));
        return found;
    }

    public IEnumerable<T> Received<T>() => received.OfType<T>();

    public async ValueTask DisposeAsync()
    {
        if (bus is not null)
        {
            await bus.StopAsync();
        }
    }
}

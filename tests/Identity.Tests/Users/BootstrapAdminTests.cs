extern alias IdentityService;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.Security;
using WakeDock.Testing;

namespace WakeDock.Identity.Tests.Users;

public sealed class BootstrapAdminTests(IdentityFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_configured_admin_exists_with_a_hashed_password()
    {
        await using var scope = fixture.IdentityServices.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var admin = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == IdentityFixture.AdminUserName, Cancel);

        Assert.Equal(Roles.Admin, admin.Role);
        Assert.True(admin.IsEnabled);
        Assert.DoesNotContain(fixture.AdminPassword, admin.PasswordHash, StringComparison.Ordinal);
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(admin, admin.PasswordHash, fixture.AdminPassword));
    }

    [Fact]
    public async Task The_bootstrap_admin_can_sign_in_through_the_gateway()
    {
        using var client = fixture.CreateClient(clientIp: "198.51.100.71");
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { userName = IdentityFixture.AdminUserName, password = fixture.AdminPassword }, Cancel);
        await login.AssertStatusAsync(HttpStatusCode.OK);
        var token = (await login.ReadAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

        client.UseBearer(token);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Cancel);
        Assert.Equal(IdentityFixture.AdminUserName, me.GetProperty("userName").GetString());
        Assert.Equal(Roles.Admin, me.GetProperty("role").GetString());
        Assert.False(me.TryGetProperty("passwordHash", out _));
    }

    [Fact]
    public async Task Without_a_password_no_user_is_created_and_there_is_no_default()
    {
        var settings = await fixture.IsolatedSettingsAsync();
        settings["Identity:BootstrapAdmin:Password"] = null;
        var (_, services) = fixture.StartIdentity(settings);

        await using var scope = services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Users.AnyAsync(Cancel));
    }

    [Fact]
    public async Task A_weak_bootstrap_password_stops_the_start_with_a_clear_message()
    {
        const string weak = "password1234";
        var settings = await fixture.IsolatedSettingsAsync();
        settings["Identity:BootstrapAdmin:Password"] = weak;
        await using var host = new ServiceHost<IdentityService::Program>(fixture.IdentitySettings(settings));

        var exception = Assert.ThrowsAny<Exception>(() => host.Start());
        var messages = string.Join(" | ", Chain(exception).Select(e => e.Message));
        Assert.Contains("Identity:BootstrapAdmin:Password", messages, StringComparison.Ordinal);
        Assert.Contains("too common", messages, StringComparison.Ordinal);
        Assert.DoesNotContain(weak, messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replicas_starting_together_create_exactly_one_admin()
    {
        var settings = await fixture.IsolatedSettingsAsync();
        settings["Identity:BootstrapAdmin:UserName"] = "Root.Admin";
        var starts = Enumerable.Range(0, 2).Select(_ => Task.Run(() => fixture.StartIdentity(settings), Cancel)).ToArray();
        var started = await Task.WhenAll(starts);

        await using var scope = started[0].Services.CreateAsyncScope();
        var users = await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Users.AsNoTracking().ToListAsync(Cancel);
        var admin = Assert.Single(users);
        Assert.Equal("root.admin", admin.UserName);
        Assert.Equal(Roles.Admin, admin.Role);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }
}

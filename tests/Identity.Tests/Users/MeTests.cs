using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Users.Endpoints;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Users;

/// <summary><c>/api/v1/auth/me</c> through the Gateway.</summary>
public sealed class MeTests(IdentityFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_viewer_reads_and_updates_their_own_profile()
    {
        var (user, client) = await fixture.ClientAsAsync(Roles.Viewer);
        var me = await client.GetFromJsonAsync<UserView>("/api/v1/auth/me", Cancel);
        Assert.Equal(user.Id, me!.Id);
        Assert.Equal(Roles.Viewer, me.Role);

        var email = $"{user.UserName}@Example.org";
        var patched = await client.PatchAsJsonAsync("/api/v1/auth/me", new { displayName = "Vera Viewer", email }, Cancel);
        await patched.AssertStatusAsync(HttpStatusCode.OK);
        var updated = await patched.ReadAsync<UserView>();
        Assert.Equal("Vera Viewer", updated.DisplayName);
        Assert.Equal(email.ToLowerInvariant(), updated.Email);

        // Null leaves a field alone; the role cannot be changed from here.
        var unchanged = await (await client.PatchAsJsonAsync("/api/v1/auth/me", new { role = Roles.Admin }, Cancel)).ReadAsync<UserView>();
        Assert.Equal("Vera Viewer", unchanged.DisplayName);
        Assert.Equal(Roles.Viewer, unchanged.Role);

        var invalid = await client.PatchAsJsonAsync("/api/v1/auth/me", new { email = "nope@", displayName = new string('x', 129) }, Cancel);
        var errors = (await invalid.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("displayName", out _));
    }

    [Fact]
    public async Task Changing_the_password_checks_the_current_one_keeps_this_session_and_ends_the_others()
    {
        var (user, password) = await UserTestKit.CreateUserAsync(fixture.IdentityServices, Roles.Operator);
        using var current = fixture.CreateClient(bearerToken: (await UserTestKit.SignInAsync(fixture.IdentityServices, user)).AccessToken);
        using var other = fixture.CreateClient(bearerToken: (await UserTestKit.SignInAsync(fixture.IdentityServices, user)).AccessToken);
        var newPassword = UserTestKit.NewPassword();

        var wrong = await current.PostAsJsonAsync("/api/v1/auth/me/password", new { currentPassword = "not-my-password-at-all", newPassword }, Cancel);
        Assert.True((await wrong.AssertProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("currentPassword", out _));
        var weak = await current.PostAsJsonAsync("/api/v1/auth/me/password", new { currentPassword = password, newPassword = "123456789012" }, Cancel);
        var weakProblem = await weak.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(weakProblem.GetProperty("errors").TryGetProperty("newPassword", out _));
        Assert.DoesNotContain(password, weakProblem.ToString(), StringComparison.Ordinal);
        await (await other.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.OK);

        var changed = await current.PostAsJsonAsync("/api/v1/auth/me/password", new { currentPassword = password, newPassword }, Cancel);
        await changed.AssertStatusAsync(HttpStatusCode.NoContent);

        await (await current.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.OK);
        await (await other.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.Unauthorized);

        await using var scope = fixture.IdentityServices.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var stored = await db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id, Cancel);
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        Assert.NotEqual(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(stored, stored.PasswordHash, newPassword));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(stored, stored.PasswordHash, password));
        Assert.True(stored.PasswordChangedAt > user.PasswordChangedAt);
        await UserTestKit.EventuallyAsync(() => db.SecurityEvents.AnyAsync(e => e.Type == SecurityEventTypes.PasswordChanged && e.UserId == user.Id, Cancel));
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Users;
using WakeDock.Identity.Users.Endpoints;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Users;

/// <summary>User administration through the Gateway, as an admin (and as people who are not).</summary>
public sealed class UserAdminTests(IdentityFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_creates_reads_lists_updates_and_deletes_a_user()
    {
        var (_, admin) = await fixture.ClientAsAsync(Roles.Admin);
        var name = UserTestKit.NewUserName("Crud.User");
        var email = $"{name}@Example.COM";

        var created = await admin.PostAsJsonAsync("/api/v1/users",
            new { userName = name.ToUpperInvariant(), email, displayName = " Crud User ", password = UserTestKit.NewPassword(), role = Roles.Operator }, Cancel);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var user = await created.ReadAsync<UserView>();
        Assert.Equal(name.ToLowerInvariant(), user.UserName);
        Assert.Equal(email.ToLowerInvariant(), user.Email);
        Assert.Equal("Crud User", user.DisplayName);
        Assert.Equal(Roles.Operator, user.Role);
        Assert.True(user.Enabled);
        Assert.EndsWith($"/api/v1/users/{user.Id}", created.Headers.Location?.ToString(), StringComparison.Ordinal);

        Assert.Equal(user.Id, (await admin.GetFromJsonAsync<UserView>($"/api/v1/users/{user.Id}", Cancel))!.Id);
        var page = await admin.GetFromJsonAsync<Page<UserView>>($"/api/v1/users?search={name[..12]}&role=operator&enabled=true", Cancel);
        Assert.Contains(page!.Items, u => u.Id == user.Id);
        Assert.All(page.Items, u => Assert.Equal(Roles.Operator, u.Role));
        var none = await admin.GetFromJsonAsync<Page<UserView>>($"/api/v1/users?search={name[..12]}&role=viewer", Cancel);
        Assert.DoesNotContain(none!.Items, u => u.Id == user.Id);

        var patched = await admin.PatchAsJsonAsync($"/api/v1/users/{user.Id}", new { displayName = "Renamed", email = "" }, Cancel);
        await patched.AssertStatusAsync(HttpStatusCode.OK);
        var updated = await patched.ReadAsync<UserView>();
        Assert.Equal("Renamed", updated.DisplayName);
        Assert.Null(updated.Email);

        await (await admin.DeleteAsync($"/api/v1/users/{user.Id}", Cancel)).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await admin.GetAsync($"/api/v1/users/{user.Id}", Cancel)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.DeleteAsync($"/api/v1/users/{user.Id}", Cancel)).AssertProblemAsync(HttpStatusCode.NotFound);

        var trail = await admin.GetFromJsonAsync<List<AuditEntryView>>($"/api/v1/audit?target={user.Id}", Cancel);
        Assert.Equal(new[] { AuditActions.UserDelete, AuditActions.UserUpdate, AuditActions.UserCreate }, trail!.Select(e => e.Action));
    }

    [Fact]
    public async Task Invalid_input_answers_field_errors_without_echoing_the_password()
    {
        var (_, admin) = await fixture.ClientAsAsync(Roles.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/users",
            new { userName = "A!", email = "not-an-email", password = "password1234", role = "root" }, Cancel);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "userName", "email", "password", "role" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {problem}");
        }

        Assert.DoesNotContain("password1234", problem.ToString(), StringComparison.Ordinal);
        await (await admin.GetAsync("/api/v1/users?limit=201", Cancel)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PatchAsJsonAsync($"/api/v1/users/{Guid.NewGuid()}", new { displayName = "x" }, Cancel)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await admin.PutAsJsonAsync($"/api/v1/users/{Guid.NewGuid()}/role", new { role = Roles.Viewer }, Cancel)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_taken_user_name_or_email_is_a_conflict()
    {
        var (_, admin) = await fixture.ClientAsAsync(Roles.Admin);
        var (other, _) = await UserTestKit.CreateUserAsync(fixture.IdentityServices, Roles.Viewer);
        var email = $"{UserTestKit.NewUserName("mail")}@example.com";
        var first = await admin.PostAsJsonAsync("/api/v1/users", new { userName = UserTestKit.NewUserName("first"), email, password = UserTestKit.NewPassword(), role = Roles.Viewer }, Cancel);
        await first.AssertStatusAsync(HttpStatusCode.Created);

        await (await admin.PostAsJsonAsync("/api/v1/users", new { userName = other.UserName, password = UserTestKit.NewPassword(), role = Roles.Viewer }, Cancel))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsJsonAsync("/api/v1/users", new { userName = UserTestKit.NewUserName("second"), email = email.ToUpperInvariant(), password = UserTestKit.NewPassword(), role = Roles.Viewer }, Cancel))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PatchAsJsonAsync($"/api/v1/users/{other.Id}", new { email }, Cancel)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Viewers_and_operators_get_403_and_strangers_401_from_admin_endpoints()
    {
        var (_, viewer) = await fixture.ClientAsAsync(Roles.Viewer);
        var (_, operatorClient) = await fixture.ClientAsAsync(Roles.Operator);
        foreach (var client in new[] { viewer, operatorClient })
        {
            await (await client.GetAsync("/api/v1/users", Cancel)).AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await client.GetAsync("/api/v1/audit", Cancel)).AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await client.PostAsJsonAsync("/api/v1/users", new { userName = "sneaky", password = UserTestKit.NewPassword(), role = Roles.Admin }, Cancel))
                .AssertStatusAsync(HttpStatusCode.Forbidden);
        }

        using var stranger = fixture.CreateClient();
        await (await stranger.GetAsync("/api/v1/users", Cancel)).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await stranger.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_role_change_is_audited_records_a_security_event_and_ends_the_users_sessions()
    {
        var (adminUser, admin) = await fixture.ClientAsAsync(Roles.Admin);
        var (target, targetClient) = await fixture.ClientAsAsync(Roles.Viewer);
        await (await targetClient.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.OK);

        var response = await admin.PutAsJsonAsync($"/api/v1/users/{target.Id}/role", new { role = Roles.Operator }, Cancel);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(Roles.Operator, (await response.ReadAsync<UserView>()).Role);
        await (await admin.PutAsJsonAsync($"/api/v1/users/{target.Id}/role", new { role = "superuser" }, Cancel)).AssertProblemAsync(HttpStatusCode.BadRequest);

        var entry = Assert.Single((await admin.GetFromJsonAsync<List<AuditEntryView>>(
            $"/api/v1/audit?action={AuditActions.UserRoleChange}&target={target.Id}&actor={adminUser.UserName}", Cancel))!);
        Assert.Equal(adminUser.Id, entry.ActorId);
        Assert.Equal("viewer", entry.Details!.Value.GetProperty("from").GetString());
        Assert.Equal("operator", entry.Details.Value.GetProperty("to").GetString());
        Assert.False(string.IsNullOrEmpty(entry.IpAddress));
        var late = await admin.GetFromJsonAsync<List<AuditEntryView>>(
            $"/api/v1/audit?target={target.Id}&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}", Cancel);
        Assert.Empty(late!);

        await using var scope = fixture.IdentityServices.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        await UserTestKit.EventuallyAsync(() => db.SecurityEvents.AnyAsync(e => e.Type == SecurityEventTypes.RoleChanged && e.UserId == target.Id, Cancel));

        // The old token carried role=viewer: its session is over.
        await (await targetClient.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Disable_ends_sessions_enable_restores_and_unlock_clears_the_lockout()
    {
        var (_, admin) = await fixture.ClientAsAsync(Roles.Admin);
        var (target, targetClient) = await fixture.ClientAsAsync(Roles.Operator);

        var disabled = await admin.PostAsync($"/api/v1/users/{target.Id}/disable", null, Cancel);
        await disabled.AssertStatusAsync(HttpStatusCode.OK);
        Assert.False((await disabled.ReadAsync<UserView>()).Enabled);
        await (await targetClient.GetAsync("/api/v1/auth/me", Cancel)).AssertStatusAsync(HttpStatusCode.Unauthorized);
        Assert.Single((await admin.GetFromJsonAsync<Page<UserView>>($"/api/v1/users?enabled=false&search={target.UserName}", Cancel))!.Items);

        var enabled = await admin.PostAsync($"/api/v1/users/{target.Id}/enable", null, Cancel);
        Assert.True((await enabled.ReadAsync<UserView>()).Enabled);

        await using (var scope = fixture.IdentityServices.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Users.Where(u => u.Id == target.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.FailedSignInCount, 7).SetProperty(u => u.LockedUntil, DateTimeOffset.UtcNow.AddHours(1)), Cancel);
        }

        var unlocked = await (await admin.PostAsync($"/api/v1/users/{target.Id}/unlock", null, Cancel)).ReadAsync<UserView>();
        Assert.Equal(0, unlocked.FailedSignInCount);
        Assert.Null(unlocked.LockedUntil);

        var actions = (await admin.GetFromJsonAsync<List<AuditEntryView>>($"/api/v1/audit?target={target.Id}", Cancel))!.Select(e => e.Action);
        Assert.Equal(new[] { AuditActions.UserUnlock, AuditActions.UserEnable, AuditActions.UserDisable }, actions);
    }
}

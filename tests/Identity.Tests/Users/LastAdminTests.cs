using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Users;

/// <summary>
/// WakeDock never loses its last enabled admin, nor lets an admin remove themselves. On an
/// Identity with its own database, so that no other test's admins count.
/// </summary>
public sealed class LastAdminTests(IdentityFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_last_enabled_admin_cannot_be_demoted_disabled_or_deleted()
    {
        var (address, services) = fixture.StartIdentity(await fixture.IsolatedSettingsAsync());
        User first;
        await using (var scope = services.CreateAsyncScope())
        {
            first = await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Users.AsNoTracking().SingleAsync(Cancel);
        }

        using var a = fixture.CreateClient(address, (await UserTestKit.SignInAsync(services, first)).AccessToken);

        // Alone: no demoting, disabling or deleting oneself.
        await (await a.PutAsJsonAsync($"/api/v1/users/{first.Id}/role", new { role = Roles.Operator }, Cancel)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await a.PostAsync($"/api/v1/users/{first.Id}/disable", null, Cancel)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await a.DeleteAsync($"/api/v1/users/{first.Id}", Cancel)).AssertProblemAsync(HttpStatusCode.Conflict);

        // A second admin who is disabled does not count.
        var (second, _) = await UserTestKit.CreateUserAsync(services, Roles.Admin);
        await (await a.PostAsync($"/api/v1/users/{second.Id}/disable", null, Cancel)).AssertStatusAsync(HttpStatusCode.OK);
        await (await a.PutAsJsonAsync($"/api/v1/users/{first.Id}/role", new { role = Roles.Viewer }, Cancel)).AssertProblemAsync(HttpStatusCode.Conflict);

        // Once the second is enabled, the first may step down; then the second is the last one.
        await (await a.PostAsync($"/api/v1/users/{second.Id}/enable", null, Cancel)).AssertStatusAsync(HttpStatusCode.OK);
        await (await a.PutAsJsonAsync($"/api/v1/users/{first.Id}/role", new { role = Roles.Viewer }, Cancel)).AssertStatusAsync(HttpStatusCode.OK);

        var refreshedSecond = await FindAsync(services, second.Id);
        using var b = fixture.CreateClient(address, (await UserTestKit.SignInAsync(services, refreshedSecond)).AccessToken);
        await (await b.PutAsJsonAsync($"/api/v1/users/{second.Id}/role", new { role = Roles.Operator }, Cancel)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await b.DeleteAsync($"/api/v1/users/{second.Id}", Cancel)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await b.DeleteAsync($"/api/v1/users/{first.Id}", Cancel)).AssertStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_once_leave_one_admin()
    {
        var (address, services) = fixture.StartIdentity(await fixture.IsolatedSettingsAsync());
        var (x, _) = await UserTestKit.CreateUserAsync(services, Roles.Admin);
        var (y, _) = await UserTestKit.CreateUserAsync(services, Roles.Admin);
        await using (var scope = services.CreateAsyncScope())
        {
            // Only x and y remain admins.
            await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Users.Where(u => u.Id != x.Id && u.Id != y.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(u => u.Role, Roles.Viewer), Cancel);
        }

        using var clientX = fixture.CreateClient(address, (await UserTestKit.SignInAsync(services, x)).AccessToken);
        using var clientY = fixture.CreateClient(address, (await UserTestKit.SignInAsync(services, y)).AccessToken);
        var answers = await Task.WhenAll(
            clientX.PutAsJsonAsync($"/api/v1/users/{y.Id}/role", new { role = Roles.Viewer }, Cancel),
            clientY.PutAsJsonAsync($"/api/v1/users/{x.Id}/role", new { role = Roles.Viewer }, Cancel));

        await using var check = services.CreateAsyncScope();
        var admins = await check.ServiceProvider.GetRequiredService<IdentityDbContext>().Users.CountAsync(u => u.Role == Roles.Admin && u.IsEnabled, Cancel);
        Assert.Equal(1, admins);
        Assert.Contains(answers, response => response.StatusCode == HttpStatusCode.OK);
    }

    private static async Task<User> FindAsync(IServiceProvider services, Guid id)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Users.AsNoTracking().SingleAsync(u => u.Id == id, Cancel);
    }
}

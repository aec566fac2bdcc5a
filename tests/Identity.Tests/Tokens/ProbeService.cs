using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using WakeDock.ServiceDefaults;
using WakeDock.ServiceDefaults.Caching;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Tests.Tokens;

/// <summary>
/// A service other than Identity, wired like Containers or Monitoring: it validates tokens with
/// <c>AddWakeDockAuthentication()</c> against Identity's JWKS over service discovery, and API keys
/// and sessions in Redis.
/// </summary>
internal sealed class ProbeService : IAsyncDisposable
{
    private readonly WebApplication app;

    private ProbeService(WebApplication app, Uri address)
    {
        this.app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ProbeService> StartAsync(IdentityFixture fixture, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "probe",
            [$"ConnectionStrings:{ResourceNames.Redis}"] = fixture.RedisConnectionString,
            [$"services:{ResourceNames.Identity}:http:0"] = fixture.Identity.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddServiceDefaults();
        builder.AddRedisClient(ResourceNames.Redis);
        builder.AddWakeDockAuthentication();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (ClaimsPrincipal user) => new
        {
            sub = user.FindFirst(WakeDockClaims.Subject)?.Value,
            name = user.Identity?.Name,
            role = user.FindFirst(WakeDockClaims.Role)?.Value,
            amr = user.FindFirst(WakeDockClaims.AuthenticationMethod)?.Value,
            apiKeyId = user.FindFirst(WakeDockClaims.ApiKeyId)?.Value,
            isViewer = user.IsInRole(Roles.Viewer),
        }).RequireAuthorization(WakeDockPolicies.Viewer);
        app.MapGet("/operate", () => "ok").RequireAuthorization(WakeDockPolicies.Operator);
        app.MapGet("/admin", () => "ok").RequireAuthorization(WakeDockPolicies.Admin);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ProbeService(app, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

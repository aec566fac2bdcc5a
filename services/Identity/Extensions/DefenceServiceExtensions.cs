using WakeDock.Identity.Defence;
using WakeDock.Identity.SignIn;
using WakeDock.ServiceDefaults.RateLimiting;

namespace WakeDock.Identity.Extensions;

/// <summary>Sign-in and defence: login, rate limits, lockout, IP rules, security events, password reset.</summary>
public static class DefenceServiceExtensions
{
    public static IHostApplicationBuilder AddDefenceServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddDistributedRateLimiter();

        services.AddSingleton<BackgroundPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<BackgroundPublisher>());
        services.AddSingleton<SecurityEvents>();
        services.AddSingleton<ISecurityEvents>(sp => sp.GetRequiredService<SecurityEvents>());

        services.AddSingleton<IpRuleCache>();
        services.AddHostedService(sp => sp.GetRequiredService<IpRuleCache>());
        services.AddSingleton<AutoBlocker>();

        services.AddScoped<SignInService>();
        services.AddScoped<PasswordResetService>();
        services.AddSingleton<PasswordResetWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<PasswordResetWorker>());
        return builder;
    }

    /// <summary>
    /// Middleware of the defence area, after forwarded headers and before authentication: the IP
    /// block/allow list, then the refresh endpoint's per-address rate limit.
    /// </summary>
    public static WebApplication UseDefencePipeline(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<IpRuleMiddleware>();
        app.UseWhen(RefreshRateLimitMiddleware.Applies, branch => branch.UseMiddleware<RefreshRateLimitMiddleware>());
        return app;
    }
}

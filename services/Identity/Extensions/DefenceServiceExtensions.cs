namespace WakeDock.Identity.Extensions;

/// <summary>Sign-in and defence: login, rate limits, lockout, IP rules, security events, password reset.</summary>
public static class DefenceServiceExtensions
{
    public static IHostApplicationBuilder AddDefenceServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder;
    }

    /// <summary>Middleware of the defence area (the IP block/allow list) — before authentication.</summary>
    public static WebApplication UseDefencePipeline(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}

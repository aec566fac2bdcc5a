using Microsoft.AspNetCore.HttpOverrides;

namespace WakeDock.Gateway.Extensions;

public static class PipelineExtensions
{
    /// <summary>
    /// The client's real address from Caddy's forwarded headers (trusted from loopback only), so
    /// YARP forwards it to the services and their per-IP limits see the real client; then the
    /// caller's token or API key is validated at the edge (the services validate it again).
    /// </summary>
    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost });
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}

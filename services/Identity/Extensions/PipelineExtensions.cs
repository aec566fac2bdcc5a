using Microsoft.AspNetCore.HttpOverrides;

namespace WakeDock.Identity.Extensions;

public static class PipelineExtensions
{
    /// <summary>
    /// The request pipeline before the endpoints: the client's real address from the Gateway's
    /// forwarded headers (trusted from loopback only), the IP block/allow list, then authentication.
    /// </summary>
    public static WebApplication UseIdentityPipeline(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        app.UseDefencePipeline();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}

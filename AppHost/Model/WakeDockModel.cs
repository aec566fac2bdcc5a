namespace WakeDock.AppHost.Model;

/// <summary>WakeDock's resources, declared once for run mode and for the manifest.</summary>
public static class WakeDockModel
{
    public const string Gateway = "gateway";
    public const string Caddy = "caddy";

    public static AppModel Build()
    {
        var builder = new AppModelBuilder();

        var postgresPassword = builder.AddParameter("postgres-password");
        var redisPassword = builder.AddParameter("redis-password");
        var rabbitPassword = builder.AddParameter("rabbitmq-password");
        // The first administrator's password: generated once, shown once, never a default.
        var adminPassword = builder.AddParameter("admin-password", minLength: 20, showWhenGenerated: true);
        // Encrypts Identity's signing keys at rest.
        var identityKeySecret = builder.AddParameter("identity-key-secret", minLength: 32);

        var postgres = builder.AddPostgres("postgres", postgresPassword);
        var database = builder.AddDatabase(postgres, "wakedock");
        var redis = builder.AddRedis("redis", redisPassword);
        var rabbit = builder.AddRabbitMq("rabbitmq", rabbitPassword, userName: "wakedock");

        var identity = AppModelBuilder.WithReference(builder.AddProject("identity", "services/Identity/WakeDock.Identity.csproj"), database, redis, rabbit);
        AppModelBuilder.WithEnvironment(identity, "Identity__BootstrapAdmin__Password", ReferenceExpression.Of(adminPassword));
        AppModelBuilder.WithEnvironment(identity, "Identity__KeyEncryptionSecret", ReferenceExpression.Of(identityKeySecret));
        // Containers and Monitoring validate tokens against Identity's JWKS, so they reference it.
        var containers = AppModelBuilder.WithReference(builder.AddProject("containers", "services/Containers/WakeDock.Containers.csproj"), database, redis, rabbit, identity);
        var monitoring = AppModelBuilder.WithReference(builder.AddProject("monitoring", "services/Monitoring/WakeDock.Monitoring.csproj"), database, redis, rabbit, identity);
        var gateway = AppModelBuilder.WithReference(builder.AddProject(Gateway, "services/Gateway/WakeDock.Gateway.csproj"), redis, rabbit, identity, containers, monitoring);

        AppModelBuilder.WithUpstream(builder.AddCaddy(Caddy, "caddy/Caddyfile.dev"), gateway);

        return builder.Build();
    }
}

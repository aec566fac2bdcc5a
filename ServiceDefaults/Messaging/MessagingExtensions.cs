using MassTransit;

namespace WakeDock.ServiceDefaults.Messaging;

/// <summary>
/// MassTransit on RabbitMQ for every service: the broker from <c>ConnectionStrings:{name}</c>
/// (an <c>amqp://user:password@host:port/vhost</c> URI, as Aspire's RabbitMQ resource writes it),
/// retries with backoff, a bus health check, and W3C trace context carried in message headers.
/// </summary>
public static class MessagingExtensions
{
    public static IHostApplicationBuilder AddWakeDockMessaging(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<IBusRegistrationConfigurator>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = ClientSettings.Read(builder.Configuration, "RabbitMQ:Client", connectionName);
        var broker = RabbitMqAddress.Parse(settings.ConnectionString!);
        var identity = ServiceIdentity.For(builder);
        var serviceName = identity.Name;

        builder.Services.AddMassTransit(bus =>
        {
            // Queues are prefixed with the service so two services consuming one message type
            // each get their own copy instead of competing for it.
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
                endpoint.UseMessageRetry(retry => retry.Exponential(
                    5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200))));

            // Every instance answers roll calls on a queue of its own (all replicas must answer),
            // deleted when the instance stops.
            bus.AddConsumer<ServiceRollCallConsumer>().Endpoint(endpoint =>
            {
                endpoint.InstanceId = identity.InstanceId;
                endpoint.Temporary = true;
            });

            configure?.Invoke(bus);

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, broker.Port, broker.VirtualHost, host =>
                {
                    host.Username(broker.UserName);
                    host.Password(broker.Password);
                    host.ConnectionName(serviceName);
                });
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddHostedService<StartupPublisher>();
        builder.PublishAtStartup(_ => identity.ToStartedMessage());
        return builder;
    }

    /// <summary>Publishes a message once the service has started (retried until the broker takes it).</summary>
    public static IHostApplicationBuilder PublishAtStartup(this IHostApplicationBuilder builder, Func<IServiceProvider, object> create)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new StartupMessage(create));
        return builder;
    }
}

/// <summary>The parts of an <c>amqp://</c> connection string.</summary>
public sealed record RabbitMqAddress(string Host, ushort Port, string VirtualHost, string UserName, string Password)
{
    public static RabbitMqAddress Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri)
            || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            throw new InvalidOperationException(
                "The RabbitMQ connection string must be an amqp:// URI, e.g. amqp://user:password@127.0.0.1:5672/");
        }

        var userInfo = uri.UserInfo.Split(':', 2);
        var userName = Uri.UnescapeDataString(userInfo[0]);
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : string.Empty;
        var port = uri.IsDefaultPort || uri.Port < 0 ? (uri.Scheme == "amqps" ? 5671 : 5672) : uri.Port;
        var virtualHost = uri.AbsolutePath.Length > 1 ? Uri.UnescapeDataString(uri.AbsolutePath[1..]) : "/";

        return new RabbitMqAddress(
            uri.Host,
            (ushort)port,
            virtualHost,
            string.IsNullOrEmpty(userName) ? "guest" : userName,
            password);
    }
}

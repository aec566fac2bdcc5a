namespace WakeDock.AppHost.Model;

/// <summary>A named thing in the app model; <see cref="References"/> are injected into it and waited for.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;
    public List<Resource> References { get; } = [];
    public List<Endpoint> Endpoints { get; } = [];

    /// <summary>Short type shown in the resource table.</summary>
    public abstract string Kind { get; }

    public Endpoint GetEndpoint(string name) =>
        Endpoints.FirstOrDefault(e => e.Name == name) ?? throw new InvalidOperationException($"{Name} has no endpoint '{name}'");

    public override string ToString() => Name;
}

/// <summary>A port a resource listens on. <see cref="TargetPort"/> is the container port in the manifest.</summary>
public sealed record Endpoint(Resource Owner, string Name, string Scheme, string Transport, int? TargetPort, bool External = false)
{
    public EndpointValue Host => new(this, EndpointProperty.Host);
    public EndpointValue Port => new(this, EndpointProperty.Port);
    public EndpointValue Target => new(this, EndpointProperty.TargetPort);
    public EndpointValue Url => new(this, EndpointProperty.Url);
}

/// <summary>A resource clients connect to with a connection string (<c>ConnectionStrings__name</c>).</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }
    ReferenceExpression ConnectionStringExpression { get; }
}

/// <summary>A secret, generated on first use and persisted (Aspire's <c>parameter.v0</c> with <c>default.generate</c>).</summary>
public sealed class ParameterResource(string name, bool secret = true, int minLength = 22, bool showWhenGenerated = false) : Resource(name), IValueReference
{
    public bool Secret { get; } = secret;
    public int MinLength { get; } = minLength;

    /// <summary>
    /// Printed once, on the console only, when first generated — for a value a person must know
    /// (the first administrator's password). Never printed again, never logged.
    /// </summary>
    public bool ShowWhenGenerated { get; } = showWhenGenerated;
    public override string Kind => "parameter";
}

/// <summary>A resource run from a container image when published, and from a Debian binary in run mode.</summary>
public abstract class ContainerResource(string name, string image) : Resource(name)
{
    public string Image { get; } = image;
    public string? Entrypoint { get; init; }
    public List<string> Args { get; } = [];
    public Dictionary<string, ReferenceExpression> ContainerEnvironment { get; } = [];
    public List<(string Name, string Target)> Volumes { get; } = [];
    public List<(string Source, string Target)> BindMounts { get; } = [];
}

public sealed class PostgresServerResource : ContainerResource, IResourceWithConnectionString
{
    public const string UserName = "postgres";

    public PostgresServerResource(string name, ParameterResource password) : base(name, "docker.io/library/postgres:15")
    {
        Password = password;
        Endpoints.Add(new Endpoint(this, "tcp", "tcp", "tcp", 5432));
        ContainerEnvironment["POSTGRES_HOST_AUTH_METHOD"] = "scram-sha-256";
        ContainerEnvironment["POSTGRES_INITDB_ARGS"] = "--auth-host=scram-sha-256 --auth-local=scram-sha-256";
        ContainerEnvironment["POSTGRES_USER"] = UserName;
        ContainerEnvironment["POSTGRES_PASSWORD"] = ReferenceExpression.Of(password);
        Volumes.Add(("wakedock-postgres-data", "/var/lib/postgresql/data"));
    }

    public ParameterResource Password { get; }
    public List<PostgresDatabaseResource> Databases { get; } = [];
    public override string Kind => "postgres";

    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var tcp = GetEndpoint("tcp");
            return ReferenceExpression.Of("Host=", tcp.Host, ";Port=", tcp.Port, $";Username={UserName};Password=", Password);
        }
    }
}

/// <summary>A database on a server (<c>value.v0</c> in the manifest); ready when its server answers a query on it.</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource parent)
    : Resource(name), IResourceWithConnectionString
{
    public string DatabaseName { get; } = databaseName;
    public PostgresServerResource Parent { get; } = parent;
    public override string Kind => "database";

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Of(new ConnectionStringValue(Parent), $";Database={DatabaseName}");
}

public sealed class RedisResource : ContainerResource, IResourceWithConnectionString
{
    public RedisResource(string name, ParameterResource password) : base(name, "docker.io/library/redis:7")
    {
        Password = password;
        Endpoints.Add(new Endpoint(this, "tcp", "tcp", "tcp", 6379));
        // As Aspire does: the password reaches redis-server through the environment, not the image's defaults.
        Entrypoint = "/bin/sh";
        Args.AddRange(["-c", "redis-server --requirepass $REDIS_PASSWORD"]);
        ContainerEnvironment["REDIS_PASSWORD"] = ReferenceExpression.Of(password);
        Volumes.Add(("wakedock-redis-data", "/data"));
    }

    public ParameterResource Password { get; }
    public override string Kind => "redis";

    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var tcp = GetEndpoint("tcp");
            return ReferenceExpression.Of(tcp.Host, ":", tcp.Port, ",password=", Password);
        }
    }
}

public sealed class RabbitMqResource : ContainerResource, IResourceWithConnectionString
{
    public RabbitMqResource(string name, ParameterResource password, string userName) : base(name, "docker.io/library/rabbitmq:3.10")
    {
        Password = password;
        UserName = userName;
        Endpoints.Add(new Endpoint(this, "tcp", "tcp", "tcp", 5672));
        ContainerEnvironment["RABBITMQ_DEFAULT_USER"] = userName;
        ContainerEnvironment["RABBITMQ_DEFAULT_PASS"] = ReferenceExpression.Of(password);
        Volumes.Add(("wakedock-rabbitmq-data", "/var/lib/rabbitmq"));
    }

    public ParameterResource Password { get; }
    public string UserName { get; }
    public override string Kind => "rabbitmq";

    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var tcp = GetEndpoint("tcp");
            return ReferenceExpression.Of($"amqp://{UserName}:", Password, "@", tcp.Host, ":", tcp.Port);
        }
    }
}

/// <summary>Caddy in front of the Gateway. The Caddyfile reads its settings from the environment.</summary>
public sealed class CaddyResource : ContainerResource
{
    public CaddyResource(string name, string caddyfile) : base(name, "docker.io/library/caddy:2.6")
    {
        Caddyfile = caddyfile;
        var http = new Endpoint(this, "http", "http", "http", 80, External: true);
        Endpoints.Add(http);
        ContainerEnvironment["CADDY_HTTP_PORT"] = ReferenceExpression.Of(http.Target);
        ContainerEnvironment["CADDY_BIND"] = "0.0.0.0";
        ContainerEnvironment["CADDY_ADMIN"] = "localhost:2019";
        ContainerEnvironment["CADDY_STORAGE"] = "/data/caddy";
        BindMounts.Add((caddyfile, "/etc/caddy/Caddyfile"));
        Args.AddRange(["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]);
        Volumes.Add(("wakedock-caddy-data", "/data"));
    }

    /// <summary>Path relative to the repository root.</summary>
    public string Caddyfile { get; }

    /// <summary>The project all traffic goes to (set by <see cref="AppModelBuilder.WithUpstream"/>).</summary>
    public ProjectResource? Upstream { get; internal set; }

    public override string Kind => "caddy";
}

/// <summary>A .NET project of this repository, run from its built dll.</summary>
public sealed class ProjectResource : Resource
{
    public ProjectResource(string name, string projectPath) : base(name)
    {
        ProjectPath = projectPath;
        Endpoints.Add(new Endpoint(this, "http", "http", "http", TargetPort: null));
    }

    /// <summary>Path of the .csproj relative to the repository root.</summary>
    public string ProjectPath { get; }

    /// <summary>Extra environment variables (Aspire's <c>WithEnvironment</c>), after the standard ones.</summary>
    public List<KeyValuePair<string, ReferenceExpression>> Environment { get; } = [];

    public string AssemblyName => Path.GetFileNameWithoutExtension(ProjectPath);
    public override string Kind => "project";
}

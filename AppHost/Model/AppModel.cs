namespace WakeDock.AppHost.Model;

/// <summary>The declared resources, in declaration order (which is also the manifest's order).</summary>
public sealed class AppModel(IReadOnlyList<Resource> resources)
{
    public IReadOnlyList<Resource> Resources { get; } = resources;

    public Resource this[string name] =>
        Resources.FirstOrDefault(r => r.Name == name) ?? throw new KeyNotFoundException($"no resource named '{name}'");

    public T Get<T>(string name) where T : Resource => (T)this[name];

    public IEnumerable<ParameterResource> Parameters => Resources.OfType<ParameterResource>();

    /// <summary>Resources that run or become ready (everything but parameters).</summary>
    public IEnumerable<Resource> Runnable => Resources.Where(r => r is not ParameterResource);

    /// <summary>What must be ready before <paramref name="resource"/> starts: its references (a database through its server).</summary>
    public static IEnumerable<Resource> WaitsFor(Resource resource) => resource switch
    {
        PostgresDatabaseResource db => [db.Parent],
        _ => resource.References.Where(r => r is not ParameterResource),
    };

    /// <summary>
    /// Start order in waves: each wave only waits for earlier waves. Stopping walks the waves backwards.
    /// Throws on a reference cycle.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Resource>> StartWaves()
    {
        var level = new Dictionary<Resource, int>();
        var visiting = new HashSet<Resource>();
        int LevelOf(Resource r)
        {
            if (level.TryGetValue(r, out var known))
            {
                return known;
            }
            if (!visiting.Add(r))
            {
                throw new InvalidOperationException($"reference cycle through '{r.Name}'");
            }
            var value = WaitsFor(r).Select(d => LevelOf(d) + 1).DefaultIfEmpty(0).Max();
            visiting.Remove(r);
            level[r] = value;
            return value;
        }
        foreach (var r in Runnable)
        {
            LevelOf(r);
        }
        return [.. Runnable.GroupBy(r => level[r]).OrderBy(g => g.Key).Select(g => (IReadOnlyList<Resource>)[.. g])];
    }
}

/// <summary>Aspire-style declarations: <c>AddPostgres(...).AddDatabase(...)</c>, <c>WithReference(...)</c>.</summary>
public sealed class AppModelBuilder
{
    private readonly List<Resource> _resources = [];

    public ParameterResource AddParameter(string name, bool secret = true, int minLength = 22, bool showWhenGenerated = false)
        => Add(new ParameterResource(name, secret, minLength, showWhenGenerated));

    public PostgresServerResource AddPostgres(string name, ParameterResource password) => Add(new PostgresServerResource(name, password) { References = { password } });

    public PostgresDatabaseResource AddDatabase(PostgresServerResource server, string name, string? databaseName = null)
    {
        var db = Add(new PostgresDatabaseResource(name, databaseName ?? name, server));
        db.References.Add(server);
        server.Databases.Add(db);
        return db;
    }

    public RedisResource AddRedis(string name, ParameterResource password) => Add(new RedisResource(name, password) { References = { password } });

    public RabbitMqResource AddRabbitMq(string name, ParameterResource password, string userName) =>
        Add(new RabbitMqResource(name, password, userName) { References = { password } });

    public ProjectResource AddProject(string name, string projectPath) => Add(new ProjectResource(name, projectPath));

    public CaddyResource AddCaddy(string name, string caddyfile) => Add(new CaddyResource(name, caddyfile));

    /// <summary>Injects <paramref name="target"/> into <paramref name="resource"/> and makes it wait for it.</summary>
    public static T WithReference<T>(T resource, params Resource[] targets) where T : Resource
    {
        foreach (var target in targets)
        {
            if (target is not (IResourceWithConnectionString or ProjectResource))
            {
                throw new ArgumentException($"'{target.Name}' cannot be referenced", nameof(targets));
            }
            resource.References.Add(target);
        }
        return resource;
    }

    /// <summary>Adds an environment variable to a project (Aspire's <c>WithEnvironment</c>).</summary>
    public static ProjectResource WithEnvironment(ProjectResource project, string name, ReferenceExpression value)
    {
        project.Environment.Add(new(name, value));
        return project;
    }

    /// <summary>Caddy forwards everything to <paramref name="upstream"/>.</summary>
    public static CaddyResource WithUpstream(CaddyResource caddy, ProjectResource upstream)
    {
        caddy.Upstream = upstream;
        caddy.References.Add(upstream);
        caddy.ContainerEnvironment["GATEWAY_URL"] = ReferenceExpression.Of(upstream.GetEndpoint("http").Url);
        return caddy;
    }

    public AppModel Build() => new([.. _resources]);

    private T Add<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => r.Name == resource.Name))
        {
            throw new InvalidOperationException($"duplicate resource name '{resource.Name}'");
        }
        _resources.Add(resource);
        return resource;
    }
}

namespace WakeDock.AppHost.Model;

/// <summary>The environment Aspire gives a project, for run mode or for the manifest.</summary>
public static class ProjectEnvironment
{
    /// <summary>Ordered name → expression. <paramref name="otlpEndpoint"/> is passed through in run mode only when set.</summary>
    public static IReadOnlyList<KeyValuePair<string, ReferenceExpression>> For(ProjectResource project, bool publish, string? otlpEndpoint = null)
    {
        var env = new List<KeyValuePair<string, ReferenceExpression>>();
        void Add(string name, ReferenceExpression value) => env.Add(new(name, value));

        var http = project.GetEndpoint("http");
        if (!publish)
        {
            Add("ASPNETCORE_URLS", ReferenceExpression.Of(http.Url));
            Add("ASPNETCORE_ENVIRONMENT", "Development");
            Add("DOTNET_ENVIRONMENT", "Development");
            Add("OTEL_SERVICE_NAME", project.Name);
            if (!string.IsNullOrEmpty(otlpEndpoint))
            {
                Add("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint);
            }
        }
        Add("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES", "true");
        Add("OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES", "true");
        Add("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY", "in_memory");
        if (publish)
        {
            Add("ASPNETCORE_FORWARDEDHEADERS_ENABLED", "true");
            Add("HTTP_PORTS", ReferenceExpression.Of(http.Target));
        }
        else
        {
            Add("LOGGING__CONSOLE__FORMATTERNAME", "simple");
        }

        foreach (var reference in project.References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString cs:
                    Add($"ConnectionStrings__{cs.Name}", ReferenceExpression.Of(new ConnectionStringValue(cs)));
                    break;
                case ProjectResource other:
                    Add($"services__{other.Name}__http__0", ReferenceExpression.Of(other.GetEndpoint("http").Url));
                    break;
            }
        }
        env.AddRange(project.Environment);
        return env;
    }
}

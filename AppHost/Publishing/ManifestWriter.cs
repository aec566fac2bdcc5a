using System.Text.Encodings.Web;
using System.Text.Json;
using WakeDock.AppHost.Model;

namespace WakeDock.AppHost.Publishing;

/// <summary>
/// Writes the Aspire 8 manifest (<c>aspire-8.0.json</c> schema) from the app model. Keys come out in
/// declaration order, so the same model always gives the same bytes.
/// </summary>
public static class ManifestWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Placeholders as Aspire writes them: <c>{name.bindings.tcp.port}</c>, <c>{name.value}</c>, …</summary>
    private sealed class ManifestResolver : IValueResolver
    {
        public string Resolve(IValueReference reference) => reference switch
        {
            ParameterResource p => $"{{{p.Name}.value}}",
            ConnectionStringValue c => $"{{{c.Resource.Name}.connectionString}}",
            EndpointValue e => "{" + $"{e.Endpoint.Owner.Name}.bindings.{e.Endpoint.Name}.{PropertyName(e.Property)}" + "}",
            _ => throw new NotSupportedException(reference.GetType().Name),
        };
    }

    private static string PropertyName(EndpointProperty property) => property switch
    {
        EndpointProperty.Host => "host",
        EndpointProperty.Port => "port",
        EndpointProperty.TargetPort => "targetPort",
        _ => "url",
    };

    private static readonly ManifestResolver Resolver = new();

    /// <summary>The manifest text; paths are written relative to <paramref name="manifestDirectory"/>.</summary>
    public static string Write(AppModel model, string repoRoot, string manifestDirectory)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "https://json.schemastore.org/aspire-8.0.json");
            json.WriteStartObject("resources");
            foreach (var resource in model.Resources)
            {
                json.WriteStartObject(resource.Name);
                WriteResource(json, resource, path => Relative(manifestDirectory, Path.Combine(repoRoot, path)));
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n") + "\n";
    }

    public static void WriteFile(AppModel model, string repoRoot, string outputPath)
    {
        var full = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, Write(model, repoRoot, Path.GetDirectoryName(full)!));
    }

    private static void WriteResource(Utf8JsonWriter json, Resource resource, Func<string, string> relative)
    {
        switch (resource)
        {
            case ParameterResource p:
                json.WriteString("type", "parameter.v0");
                json.WriteString("value", $"{{{p.Name}.inputs.value}}");
                json.WriteStartObject("inputs");
                json.WriteStartObject("value");
                json.WriteString("type", "string");
                json.WriteBoolean("secret", p.Secret);
                json.WriteStartObject("default");
                json.WriteStartObject("generate");
                json.WriteNumber("minLength", p.MinLength);
                json.WriteBoolean("special", false);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
                break;

            case PostgresDatabaseResource db:
                json.WriteString("type", "value.v0");
                json.WriteString("connectionString", db.ConnectionStringExpression.Render(Resolver));
                break;

            case ContainerResource c:
                json.WriteString("type", "container.v0");
                if (c is IResourceWithConnectionString cs)
                {
                    json.WriteString("connectionString", cs.ConnectionStringExpression.Render(Resolver));
                }
                json.WriteString("image", c.Image);
                if (c.Entrypoint is not null)
                {
                    json.WriteString("entrypoint", c.Entrypoint);
                }
                WriteStrings(json, "args", c.Args);
                if (c.BindMounts.Count > 0)
                {
                    json.WriteStartArray("bindMounts");
                    foreach (var (source, target) in c.BindMounts)
                    {
                        json.WriteStartObject();
                        json.WriteString("source", relative(source));
                        json.WriteString("target", target);
                        json.WriteBoolean("readOnly", true);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
                if (c.Volumes.Count > 0)
                {
                    json.WriteStartArray("volumes");
                    foreach (var (name, target) in c.Volumes)
                    {
                        json.WriteStartObject();
                        json.WriteString("name", name);
                        json.WriteString("target", target);
                        json.WriteBoolean("readOnly", false);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
                WriteEnv(json, c.ContainerEnvironment);
                WriteBindings(json, c);
                break;

            case ProjectResource p:
                json.WriteString("type", "project.v0");
                json.WriteString("path", relative(p.ProjectPath));
                WriteEnv(json, ProjectEnvironment.For(p, publish: true));
                WriteBindings(json, p);
                break;

            default:
                throw new NotSupportedException($"no manifest form for {resource.GetType().Name}");
        }
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, List<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }

    private static void WriteEnv(Utf8JsonWriter json, IEnumerable<KeyValuePair<string, ReferenceExpression>> env)
    {
        json.WriteStartObject("env");
        foreach (var (name, value) in env)
        {
            json.WriteString(name, value.Render(Resolver));
        }
        json.WriteEndObject();
    }

    private static void WriteBindings(Utf8JsonWriter json, Resource resource)
    {
        json.WriteStartObject("bindings");
        foreach (var endpoint in resource.Endpoints)
        {
            json.WriteStartObject(endpoint.Name);
            json.WriteString("scheme", endpoint.Scheme);
            json.WriteString("protocol", "tcp");
            json.WriteString("transport", endpoint.Transport);
            if (endpoint.External)
            {
                json.WriteBoolean("external", true);
            }
            if (endpoint.TargetPort is { } port)
            {
                json.WriteNumber("targetPort", port);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static string Relative(string from, string to) => Path.GetRelativePath(from, to).Replace('\\', '/');
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Docker.DotNet;

namespace WakeDock.Containers.Docker.EngineSystem;

/// <summary>
/// Plain HTTP to the engine for what Docker.DotNet lacks: <c>/system/df</c>, and stop/restart with
/// <c>t=0</c> (Docker.DotNet drops a zero timeout, so the engine waits its default 10 s). Runs inside
/// <see cref="Engine.IDockerEngine.RunAsync{T}"/> like any other call, so an unreachable engine is
/// still a 503; the engine's error answers become <see cref="DockerApiException"/>s as Docker.DotNet's do.
/// One client per endpoint, kept for the process's life.
/// </summary>
public static class EngineHttp
{
    private static readonly ConcurrentDictionary<Uri, HttpClient> Clients = new();

    public static async Task<string> GetStringAsync(IDockerClient docker, Version apiVersion, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        ArgumentNullException.ThrowIfNull(apiVersion);
        var client = Clients.GetOrAdd(docker.Configuration.EndpointBaseUri, Create);
        using var response = await client.GetAsync(new Uri($"{VersionPrefix(apiVersion)}/{path}", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode ? body : throw new DockerApiException(response.StatusCode, body);
    }

    /// <summary>A POST without body; true for 2xx, false for 304 (nothing to do).</summary>
    public static async Task<bool> PostAsync(IDockerClient docker, Version apiVersion, string pathAndQuery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(docker);
        ArgumentNullException.ThrowIfNull(apiVersion);
        var client = Clients.GetOrAdd(docker.Configuration.EndpointBaseUri, Create);
        using var response = await client.PostAsync(new Uri($"{VersionPrefix(apiVersion)}/{pathAndQuery}", UriKind.Relative), null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return false;
        }

        return response.IsSuccessStatusCode
            ? true
            : throw new DockerApiException(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    private static string VersionPrefix(Version apiVersion) =>
        string.Create(CultureInfo.InvariantCulture, $"v{apiVersion.Major}.{apiVersion.Minor}");

    private static HttpClient Create(Uri endpoint)
    {
        var timeout = TimeSpan.FromMinutes(2);
        if (endpoint.Scheme == "unix")
        {
            var socketPath = endpoint.LocalPath;
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            return new HttpClient(handler) { BaseAddress = new Uri("http://docker/"), Timeout = timeout };
        }

        if (endpoint.Scheme is "tcp" or "http" or "https")
        {
            var scheme = endpoint.Scheme == "https" ? "https" : "http";
            return new HttpClient { BaseAddress = new UriBuilder(scheme, endpoint.Host, endpoint.Port).Uri, Timeout = timeout };
        }

        throw new NotSupportedException($"Disk usage is not available over a {endpoint.Scheme} engine endpoint.");
    }
}

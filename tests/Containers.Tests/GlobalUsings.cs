global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using Xunit;

// The native test servers and the Docker engine are Linux-only here, like the AppHost.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: AssemblyFixture(typeof(WakeDock.Containers.Tests.ContainersFixture))]

global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using Xunit;

// The native test servers are driven with POSIX signals: Linux only, like the AppHost.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: AssemblyFixture(typeof(WakeDock.Identity.Tests.IdentityFixture))]

global using System.Diagnostics;
global using WakeDock.AppHost.Backing;
global using WakeDock.AppHost.Hosting;
global using WakeDock.AppHost.Model;
global using WakeDock.Testing;
global using Xunit;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

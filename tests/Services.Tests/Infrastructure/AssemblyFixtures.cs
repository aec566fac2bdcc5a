using WakeDock.Services.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(RunningSuite))]

// The native test servers are driven with POSIX signals: Linux only, like the AppHost.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

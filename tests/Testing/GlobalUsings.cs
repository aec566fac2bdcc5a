global using System.Diagnostics;
global using WakeDock.AppHost.Backing;
global using WakeDock.AppHost.Hosting;
global using Xunit;

// The fixtures drive Debian's native servers with POSIX signals: Linux only, like the AppHost.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

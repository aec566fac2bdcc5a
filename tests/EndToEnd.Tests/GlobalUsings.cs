global using System.Diagnostics;
global using System.Net;
global using System.Net.Http.Json;
global using Xunit;

// Processes are signalled with POSIX signals and inspected through /proc: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

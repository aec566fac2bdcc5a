// Reads /proc and signals processes: Linux only, like the AppHost.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

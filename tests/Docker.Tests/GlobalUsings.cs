global using Docker.DotNet;
global using Docker.DotNet.Models;
global using WakeDock.Testing;
global using Xunit;

// Every test shares one engine connection and the busybox test image, built once per run.
[assembly: AssemblyFixture(typeof(DockerTestImageFixture))]

// WakeDock.Testing is Linux-only (POSIX signals, Debian's servers), and so are these tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

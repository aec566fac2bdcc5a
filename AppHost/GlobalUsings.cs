global using System.Diagnostics;
global using System.Globalization;
global using System.Net;
global using System.Net.Sockets;
global using System.Text;

// The AppHost drives Debian's native servers with POSIX signals: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

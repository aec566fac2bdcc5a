global using WakeDock.Monitoring.Apis;
global using WakeDock.Monitoring.Extensions;

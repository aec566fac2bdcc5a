global using WakeDock.Gateway.Apis;
global using WakeDock.Gateway.Extensions;

global using WakeDock.Containers.Apis;
global using WakeDock.Containers.Extensions;
global using WakeDock.ServiceDefaults.Http;

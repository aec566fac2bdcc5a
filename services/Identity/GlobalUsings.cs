global using WakeDock.Identity.Apis;
global using WakeDock.Identity.Extensions;
global using WakeDock.ServiceDefaults.Http;

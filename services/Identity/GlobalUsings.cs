global using WakeDock.Identity.Apis;
global using WakeDock.Identity.Extensions;

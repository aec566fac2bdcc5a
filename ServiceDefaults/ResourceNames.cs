namespace WakeDock.ServiceDefaults;

/// <summary>
/// The AppHost's resource names, which are also the configuration keys a service reads:
/// <c>ConnectionStrings__{name}</c> and <c>services__{name}__http__0</c>.
/// </summary>
public static class ResourceNames
{
    public const string Database = "wakedock";
    public const string Redis = "redis";
    public const string Bus = "rabbitmq";
    public const string Identity = "identity";
    public const string Containers = "containers";
    public const string Monitoring = "monitoring";
    public const string Gateway = "gateway";
}

namespace WakeDock.ServiceDefaults;

/// <summary>
/// Settings of a client integration, read the way Aspire's integrations read them: the
/// connection string from <c>ConnectionStrings:{name}</c>, or from
/// <c>Aspire:{Component}:ConnectionString</c>; switches from the same section.
/// </summary>
public sealed class ClientSettings
{
    public string? ConnectionString { get; set; }

    public bool DisableHealthChecks { get; set; }

    public static ClientSettings Read(IConfiguration configuration, string component, string connectionName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        var settings = new ClientSettings();
        configuration.GetSection($"Aspire:{component}").Bind(settings);
        var named = configuration.GetConnectionString(connectionName);
        if (!string.IsNullOrWhiteSpace(named))
        {
            settings.ConnectionString = named;
        }

        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"The connection string '{connectionName}' is missing. Set 'ConnectionStrings:{connectionName}' " +
                $"(environment variable ConnectionStrings__{connectionName}) or 'Aspire:{component}:ConnectionString'. " +
                "The AppHost sets it for every project that references the resource.");
        }

        return settings;
    }
}

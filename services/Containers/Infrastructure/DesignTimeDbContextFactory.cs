using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace WakeDock.Containers.Infrastructure;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without a running database or the app's
/// configuration (no connection is opened while adding a migration).
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ContainersDbContext>
{
    public ContainersDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ContainersDbContext>();
        ContainersDatabase.Configure(options, "Host=localhost;Database=design_time_only");
        return new ContainersDbContext(options.Options);
    }
}

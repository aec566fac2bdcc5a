using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using WakeDock.Containers.Services;
using WakeDock.Contracts.Services;

namespace WakeDock.Containers.Infrastructure;

/// <summary>
/// Containers' tables, in the <c>containers</c> schema of the shared WakeDock database: managed
/// services (structured parts as <c>jsonb</c>, simple lists as <c>text[]</c>), their domains (one
/// row each, so PostgreSQL enforces that a domain belongs to one service) and the audit trail.
/// </summary>
public sealed class ContainersDbContext(DbContextOptions<ContainersDbContext> options) : DbContext(options)
{
    public const string Schema = "containers";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public DbSet<ManagedService> Services => Set<ManagedService>();

    public DbSet<ServiceDomain> ServiceDomains => Set<ServiceDomain>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<ManagedService>(service =>
        {
            service.ToTable("services");
            service.HasIndex(s => s.Name).IsUnique();
            service.HasIndex(s => s.WakePolicy);
            service.Property(s => s.Name).HasMaxLength(63);
            service.Property(s => s.Image).HasMaxLength(512);
            service.Property(s => s.RestartPolicy).HasMaxLength(32);
            service.Property(s => s.WakePolicy).HasMaxLength(16);
            service.Property(s => s.LoadingStrategy).HasMaxLength(16);
            service.Property(s => s.Theme).HasMaxLength(16);
            service.Property(s => s.SleepMode).HasMaxLength(16);
            service.Property(s => s.DesiredState).HasMaxLength(16);
            service.Property(s => s.State).HasMaxLength(16).HasDefaultValue(ServiceStates.Sleeping);
            service.Property(s => s.CreatedBy).HasMaxLength(64);
            service.Property(s => s.UpdatedBy).HasMaxLength(64);
            JsonColumn(service.Property(s => s.Environment));
            JsonColumn(service.Property(s => s.Ports));
            JsonColumn(service.Property(s => s.Volumes));
            JsonColumn(service.Property(s => s.Labels));
            JsonColumn(service.Property(s => s.HealthCheck));
            service.HasMany(s => s.Domains).WithOne().HasForeignKey(d => d.ServiceId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ServiceDomain>(domain =>
        {
            domain.ToTable("service_domains");
            domain.HasKey(d => d.Name);
            domain.Property(d => d.Name).HasMaxLength(253);
            domain.HasIndex(d => d.ServiceId);
        });

        modelBuilder.Entity<AuditEntry>(entry =>
        {
            entry.HasIndex(e => e.OccurredAt);
            entry.HasIndex(e => e.ActorId);
            entry.Property(e => e.ActorName).HasMaxLength(64);
            entry.Property(e => e.Action).HasMaxLength(64);
            entry.Property(e => e.TargetType).HasMaxLength(32);
            entry.Property(e => e.TargetId).HasMaxLength(128);
            entry.Property(e => e.IpAddress).HasMaxLength(64);
            entry.Property(e => e.Details).HasColumnType("jsonb");
        });
    }

    /// <summary>
    /// A <c>jsonb</c> column through System.Text.Json (Npgsql's own POCO mapping needs dynamic JSON
    /// enabled on the shared data source); the comparer lets EF see changes inside the value.
    /// </summary>
    private static void JsonColumn<T>(PropertyBuilder<T> property)
    {
        property.HasColumnType("jsonb").HasConversion(
            value => JsonSerializer.Serialize(value, Json),
            json => JsonSerializer.Deserialize<T>(json, Json)!,
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json),
                value => JsonSerializer.Serialize(value, Json).GetHashCode(StringComparison.Ordinal),
                value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Json), Json)!));
    }
}

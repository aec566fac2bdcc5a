using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Model;

namespace WakeDock.Identity.Infrastructure;

/// <summary>Identity's tables, in the <c>identity</c> schema of the shared WakeDock database.</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    public const string Schema = "identity";

    public DbSet<User> Users => Set<User>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<PasswordResetToken> PasswordResetTokens => Set<PasswordResetToken>();

    public DbSet<SecurityEvent> SecurityEvents => Set<SecurityEvent>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<IpRule> IpRules => Set<IpRule>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<User>(user =>
        {
            user.HasIndex(u => u.UserName).IsUnique();
            user.HasIndex(u => u.Email).IsUnique();
            user.Property(u => u.UserName).HasMaxLength(64);
            user.Property(u => u.Email).HasMaxLength(254);
            user.Property(u => u.DisplayName).HasMaxLength(128);
            user.Property(u => u.Role).HasMaxLength(16);
        });

        modelBuilder.Entity<RefreshToken>(token =>
        {
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.HasIndex(t => t.FamilyId);
            token.HasIndex(t => t.SessionId);
            token.HasIndex(t => t.UserId);
            token.Property(t => t.SessionId).HasMaxLength(64);
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SigningKey>(key =>
        {
            key.HasKey(k => k.KeyId);
            key.Property(k => k.KeyId).HasMaxLength(64);
            key.Property(k => k.Algorithm).HasMaxLength(16);
        });

        modelBuilder.Entity<ApiKey>(key =>
        {
            key.HasIndex(k => k.KeyHash).IsUnique();
            key.HasIndex(k => k.UserId);
            key.Property(k => k.Name).HasMaxLength(100);
            key.Property(k => k.Prefix).HasMaxLength(32);
            key.Property(k => k.KeyHash).HasMaxLength(64);
            key.Property(k => k.Role).HasMaxLength(16);
            key.HasOne<User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<PasswordResetToken>(token =>
        {
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SecurityEvent>(securityEvent =>
        {
            securityEvent.HasIndex(e => e.OccurredAt);
            securityEvent.HasIndex(e => new { e.Type, e.OccurredAt });
            securityEvent.HasIndex(e => e.IpAddress);
            securityEvent.HasIndex(e => e.UserId);
            securityEvent.Property(e => e.Type).HasMaxLength(64);
            securityEvent.Property(e => e.UserName).HasMaxLength(256);
            securityEvent.Property(e => e.IpAddress).HasMaxLength(64);
            securityEvent.Property(e => e.UserAgent).HasMaxLength(512);
            securityEvent.Property(e => e.Details).HasColumnType("jsonb");
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

        modelBuilder.Entity<IpRule>(rule =>
        {
            rule.HasIndex(r => r.Range);
            rule.Property(r => r.Range).HasMaxLength(64);
            rule.Property(r => r.Kind).HasMaxLength(8);
            rule.Property(r => r.Reason).HasMaxLength(256);
            rule.Property(r => r.CreatedBy).HasMaxLength(64);
        });
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using WakeDock.Containers.Infrastructure;

namespace WakeDock.Containers.Services;

public enum StoreStatus
{
    Ok,
    NotFound,
    Invalid,
    Conflict,
    Forbidden,
}

/// <summary>The outcome of a change: the service, or why not (field errors, a conflict, settings the caller may not use).</summary>
public sealed record StoreResult(
    StoreStatus Status,
    ManagedService? Service = null,
    Dictionary<string, string[]>? Errors = null,
    string? Detail = null,
    IReadOnlyList<ElevatedSetting>? Elevated = null)
{
    public static StoreResult Invalid(FieldErrors errors, StoreStatus status = StoreStatus.Invalid)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return new(status, Errors: errors.ToDictionary());
    }
}

/// <summary>
/// Managed services in PostgreSQL: validation (<see cref="ServiceValidator"/>), host-access rules
/// (<see cref="ServiceSafety"/>), the checks that need every service (names, domains, host ports,
/// dependencies), and an audit entry in the same transaction as each change.
/// </summary>
public sealed class ServiceStore(ContainersDbContext db, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ManagedService?> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        var query = db.Services.Include(s => s.Domains);
        var name = idOrName.ToLowerInvariant();
        return Guid.TryParse(idOrName, out var id)
            ? await query.FirstOrDefaultAsync(s => s.Id == id, cancellationToken)
            : await query.FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
    }

    public async Task<StoreResult> CreateAsync(ServiceDefinition definition, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var candidate = ServiceValidator.Validate(definition, null, errors);
        if (candidate is null)
        {
            return StoreResult.Invalid(errors);
        }

        var refused = await CheckAsync(candidate, null, actor, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        candidate.CreatedAt = candidate.UpdatedAt = now;
        candidate.CreatedBy = candidate.UpdatedBy = actor.Name;
        foreach (var domain in candidate.Domains)
        {
            domain.ServiceId = candidate.Id;
        }

        db.Services.Add(candidate);
        Audit(actor, AuditActions.ServiceCreate, candidate, null);
        return await SaveAsync(candidate, cancellationToken);
    }

    public async Task<StoreResult> ReplaceAsync(string idOrName, ServiceDefinition definition, Actor actor, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(idOrName, cancellationToken);
        return existing is null ? new StoreResult(StoreStatus.NotFound) : await ReplaceAsync(existing, definition, actor, cancellationToken);
    }

    /// <summary>
    /// JSON merge patch (RFC 7396) over the service as GET shows it (secrets masked, so they are
    /// kept unless the patch sets them), then the same checks as a replace.
    /// </summary>
    public async Task<StoreResult> PatchAsync(string idOrName, JsonElement patch, Actor actor, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(idOrName, cancellationToken);
        if (existing is null)
        {
            return new StoreResult(StoreStatus.NotFound);
        }

        if (patch.ValueKind != JsonValueKind.Object)
        {
            return new StoreResult(StoreStatus.Invalid, Errors: FieldErrors.One("$", "A merge patch is a JSON object."));
        }

        var current = JsonSerializer.SerializeToNode(ServiceView.From(existing), Json)!;
        var merged = MergePatch.Apply(current, JsonNode.Parse(patch.GetRawText()));
        ServiceDefinition? definition;
        try
        {
            definition = merged.Deserialize<ServiceDefinition>(Json);
        }
        catch (JsonException exception)
        {
            return new StoreResult(StoreStatus.Invalid, Errors: FieldErrors.One(exception.Path ?? "$", "The value has the wrong type."));
        }

        return await ReplaceAsync(existing, definition!, actor, cancellationToken);
    }

    /// <summary>Refuses (409, naming them) while other services depend on this one.</summary>
    public async Task<StoreResult> DeleteAsync(string idOrName, Actor actor, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(idOrName, cancellationToken);
        if (existing is null)
        {
            return new StoreResult(StoreStatus.NotFound);
        }

        var dependents = await DependentsAsync(existing, cancellationToken);
        if (dependents.Count > 0)
        {
            return new StoreResult(StoreStatus.Conflict,
                Errors: FieldErrors.One("dependents", $"Depended on by: {string.Join(", ", dependents)}."),
                Detail: $"Service '{existing.Name}' cannot be removed: {string.Join(", ", dependents.Select(d => $"'{d}'"))} depend(s) on it.");
        }

        db.Services.Remove(existing);
        Audit(actor, AuditActions.ServiceDelete, existing, null);
        return await SaveAsync(existing, cancellationToken);
    }

    private async Task<StoreResult> ReplaceAsync(ManagedService existing, ServiceDefinition definition, Actor actor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var candidate = ServiceValidator.Validate(definition, existing, errors);
        if (candidate is null)
        {
            return StoreResult.Invalid(errors);
        }

        var refused = await CheckAsync(candidate, existing, actor, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        Copy(candidate, existing);
        existing.UpdatedAt = time.GetUtcNow();
        existing.UpdatedBy = actor.Name;
        Audit(actor, AuditActions.ServiceUpdate, existing, null);
        return await SaveAsync(existing, cancellationToken);
    }

    /// <summary>The checks that need the caller's role or the other services; null when all pass.</summary>
    private async Task<StoreResult?> CheckAsync(ManagedService candidate, ManagedService? existing, Actor actor, CancellationToken cancellationToken)
    {
        var elevated = ServiceSafety.Find(candidate);
        if (elevated.Count > 0 && !actor.IsAdmin)
        {
            return new StoreResult(StoreStatus.Forbidden, Elevated: elevated);
        }

        var excludeId = existing?.Id;
        var others = await db.Services.AsNoTracking()
            .Where(s => s.Id != excludeId)
            .Select(s => new ServiceGraph.Node(s.Name, s.DependsOn, s.Ports))
            .ToListAsync(cancellationToken);

        var errors = new FieldErrors();
        ServiceGraph.CheckDependencies(candidate, others, errors);
        if (errors.Any)
        {
            return StoreResult.Invalid(errors);
        }

        if (others.Any(o => o.Name == candidate.Name))
        {
            errors.Add("name", $"A service named '{candidate.Name}' already exists.");
        }
        else if (existing is not null && existing.Name != candidate.Name && await DependentsAsync(existing, cancellationToken) is { Count: > 0 } dependents)
        {
            errors.Add("name", $"'{existing.Name}' cannot be renamed while {string.Join(", ", dependents)} depend(s) on it.");
        }

        var names = candidate.Domains.Select(d => d.Name).ToList();
        var taken = await db.ServiceDomains.AsNoTracking()
            .Where(d => names.Contains(d.Name) && d.ServiceId != excludeId)
            .Join(db.Services, d => d.ServiceId, s => s.Id, (d, s) => new { d.Name, Service = s.Name })
            .ToListAsync(cancellationToken);
        foreach (var domain in taken)
        {
            errors.Add($"domains[{names.IndexOf(domain.Name)}]", $"'{domain.Name}' belongs to service '{domain.Service}'.");
        }

        ServiceGraph.CheckPorts(candidate, others, errors);
        if (errors.Any)
        {
            return StoreResult.Invalid(errors, StoreStatus.Conflict);
        }

        if (elevated.Count > 0)
        {
            Audit(actor, AuditActions.ServiceElevated, candidate, new { name = candidate.Name, settings = elevated.Select(e => new { e.Field, e.Description }) });
        }

        return null;
    }

    private async Task<List<string>> DependentsAsync(ManagedService service, CancellationToken cancellationToken)
        => await db.Services.AsNoTracking()
            .Where(s => s.Id != service.Id && s.DependsOn.Contains(service.Name))
            .OrderBy(s => s.Name)
            .Select(s => s.Name)
            .ToListAsync(cancellationToken);

    private static void Copy(ManagedService from, ManagedService to)
    {
        to.Name = from.Name;
        to.Image = from.Image;
        to.Command = from.Command;
        to.Environment = from.Environment;
        to.Ports = from.Ports;
        to.Volumes = from.Volumes;
        to.Networks = from.Networks;
        to.Labels = from.Labels;
        to.NanoCpus = from.NanoCpus;
        to.MemoryBytes = from.MemoryBytes;
        to.RestartPolicy = from.RestartPolicy;
        to.HealthCheck = from.HealthCheck;
        to.WakePolicy = from.WakePolicy;
        to.IdleTimeoutSeconds = from.IdleTimeoutSeconds;
        to.LoadingStrategy = from.LoadingStrategy;
        to.BlockingTimeoutSeconds = from.BlockingTimeoutSeconds;
        to.Theme = from.Theme;
        to.DependsOn = from.DependsOn;
        to.SleepMode = from.SleepMode;
        to.DesiredState = from.DesiredState;
        to.Privileged = from.Privileged;
        to.HostPid = from.HostPid;
        to.HostNetwork = from.HostNetwork;
        to.CapAdd = from.CapAdd;
        to.Devices = from.Devices;

        // Domains are keyed by name: keep the rows that stay (a delete and an insert of one key would clash in the change tracker).
        to.Domains.RemoveAll(domain => from.Domains.All(d => d.Name != domain.Name));
        foreach (var domain in from.Domains)
        {
            var kept = to.Domains.FirstOrDefault(d => d.Name == domain.Name);
            if (kept is null)
            {
                to.Domains.Add(new ServiceDomain { Name = domain.Name, ServiceId = to.Id, Position = domain.Position });
            }
            else
            {
                kept.Position = domain.Position;
            }
        }
    }

    private void Audit(Actor actor, string action, ManagedService service, object? details)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            OccurredAt = time.GetUtcNow(),
            ActorId = actor.Id,
            ActorName = actor.Name,
            Action = action,
            TargetType = "service",
            TargetId = service.Id.ToString(),
            IpAddress = actor.IpAddress,
            // The name, and for elevated settings which ones; never environment values.
            Details = JsonSerializer.Serialize(details ?? new { name = service.Name, image = service.Image }, Json),
        });
    }

    private async Task<StoreResult> SaveAsync(ManagedService service, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new StoreResult(StoreStatus.Ok, service);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            // A concurrent change took the name or a domain between the check and the save.
            db.ChangeTracker.Clear();
            var field = unique.ConstraintName?.Contains("domain", StringComparison.Ordinal) == true ? "domains" : "name";
            return new StoreResult(StoreStatus.Conflict, Errors: FieldErrors.One(field, $"The {field} was taken by another service at the same time."));
        }
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WakeDock.Containers.Infrastructure;
using WakeDock.Containers.Services;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Containers.Apis;

/// <summary>
/// <c>/api/v1/services</c>: managed services (viewers read, operators change; settings that reach
/// the host need an administrator) and their audit trail (<c>/api/v1/services/audit</c>, admin).
/// </summary>
public static class ServicesApi
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapManagedServiceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.MapGroup("/api/v1/services").WithTags("Services").RequireAuthorization(WakeDockPolicies.Viewer);

        services.MapGet("/", ListAsync).WithName("ListServices")
            .WithSummary("Managed services, filtered by wake policy, domain and search text, paged").ProducesValidationProblem();
        // Mapped before /{idOrName}; "audit" is a reserved service name.
        services.MapGet("/audit", ListAuditAsync).RequireAuthorization(WakeDockPolicies.Admin).WithName("ListServiceAuditEntries")
            .WithSummary("Changes to managed services and uses of host-level settings, newest first");
        services.MapGet("/{idOrName}", GetAsync).WithName("GetService")
            .WithSummary("One managed service by id or name (secret environment values masked)").ProducesProblem(StatusCodes.Status404NotFound);
        services.MapPost("/", CreateAsync).RequireAuthorization(WakeDockPolicies.Operator).WithName("CreateService")
            .WithSummary("Create a managed service").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        services.MapPut("/{idOrName}", ReplaceAsync).RequireAuthorization(WakeDockPolicies.Operator).WithName("ReplaceService")
            .WithSummary("Replace a managed service's definition (a masked secret keeps its stored value)").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        services.MapPatch("/{idOrName}", PatchAsync).RequireAuthorization(WakeDockPolicies.Operator).WithName("PatchService")
            .WithSummary("Change some of a managed service's settings (JSON merge patch)")
            .Accepts<JsonElement>("application/merge-patch+json", "application/json").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        services.MapDelete("/{idOrName}", DeleteAsync).RequireAuthorization(WakeDockPolicies.Operator).WithName("DeleteService")
            .WithSummary("Remove a managed service (refused while others depend on it)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    public static async Task<IResult> ListAsync(
        ContainersDbContext db,
        [FromQuery] string? wakePolicy,
        [FromQuery] string? domain,
        [FromQuery] string? search,
        [FromQuery] int? limit,
        [FromQuery] int? offset,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var policy = wakePolicy is null ? null : ServiceValidator.OneOf(wakePolicy, WakePolicies.All, "", "wakePolicy", errors);
        var (host, domainError) = domain is null ? (null, null) : DomainNames.Normalize(domain);
        errors.Add("domain", domainError);
        errors.Add("search", search is { Length: > 100 } ? "The search text must be at most 100 characters." : null);
        errors.Add("limit", limit is < 1 or > MaxPageSize ? $"The limit must be between 1 and {MaxPageSize}." : null);
        errors.Add("offset", offset is < 0 ? "The offset must not be negative." : null);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary(), title: "The request is not valid.");
        }

        var query = db.Services.AsNoTracking().Include(s => s.Domains).AsQueryable();
        if (policy is not null)
        {
            query = query.Where(s => s.WakePolicy == policy);
        }

        if (host is not null)
        {
            query = query.Where(s => s.Domains.Any(d => d.Name == host));
        }

        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + search.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(s => EF.Functions.ILike(s.Name, pattern, "\\") || EF.Functions.ILike(s.Image, pattern, "\\")
                || s.Domains.Any(d => EF.Functions.ILike(d.Name, pattern, "\\")));
        }

        var take = limit ?? 50;
        var skip = offset ?? 0;
        var total = await query.CountAsync(cancellationToken);
        var page = await query.OrderBy(s => s.Name).Skip(skip).Take(take).AsSplitQuery().ToListAsync(cancellationToken);
        return TypedResults.Ok(new Page<ServiceView>([.. page.Select(s => ServiceView.From(s))], total, take, skip));
    }

    public static async Task<IResult> GetAsync(string idOrName, ServiceStore store, CancellationToken cancellationToken)
        => await store.FindAsync(idOrName, cancellationToken) is { } service ? TypedResults.Ok(ServiceView.From(service)) : NotFound(idOrName);

    public static async Task<IResult> CreateAsync(ServiceDefinition definition, HttpContext context, ServiceStore store, CancellationToken cancellationToken)
    {
        var result = await store.CreateAsync(definition, Actor.From(context), cancellationToken);
        return result.Status == StoreStatus.Ok
            ? TypedResults.Created($"/api/v1/services/{result.Service!.Id}", ServiceView.From(result.Service))
            : Problem(result, null);
    }

    public static async Task<IResult> ReplaceAsync(string idOrName, ServiceDefinition definition, HttpContext context, ServiceStore store, CancellationToken cancellationToken)
        => Answer(await store.ReplaceAsync(idOrName, definition, Actor.From(context), cancellationToken), idOrName);

    public static async Task<IResult> PatchAsync(string idOrName, JsonElement patch, HttpContext context, ServiceStore store, CancellationToken cancellationToken)
        => Answer(await store.PatchAsync(idOrName, patch, Actor.From(context), cancellationToken), idOrName);

    public static async Task<IResult> DeleteAsync(string idOrName, HttpContext context, ServiceStore store, CancellationToken cancellationToken)
    {
        var result = await store.DeleteAsync(idOrName, Actor.From(context), cancellationToken);
        return result.Status == StoreStatus.Ok ? TypedResults.NoContent() : Problem(result, idOrName);
    }

    /// <param name="action">e.g. <c>service.elevated-settings</c>.</param>
    /// <param name="target">A service id.</param>
    public static async Task<IResult> ListAuditAsync(
        ContainersDbContext db,
        [FromQuery] string? action,
        [FromQuery] string? target,
        [FromQuery] int? limit,
        CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return TypedResults.ValidationProblem(FieldErrors.One("limit", $"The limit must be between 1 and {MaxPageSize}."), title: "The request is not valid.");
        }

        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(action))
        {
            var name = action.Trim();
            query = query.Where(e => e.Action == name);
        }

        if (!string.IsNullOrWhiteSpace(target))
        {
            var id = target.Trim();
            query = query.Where(e => e.TargetId == id);
        }

        var entries = await query.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(limit ?? 100).ToListAsync(cancellationToken);
        return TypedResults.Ok(entries.Select(AuditEntryView.From).ToList());
    }

    private static IResult Answer(StoreResult result, string idOrName)
        => result.Status == StoreStatus.Ok ? TypedResults.Ok(ServiceView.From(result.Service!)) : Problem(result, idOrName);

    /// <summary>Field errors as RFC 7807 validation problems: 400 invalid, 409 conflicting with another service, 403 host-level settings.</summary>
    private static IResult Problem(StoreResult result, string? idOrName) => result.Status switch
    {
        StoreStatus.NotFound => NotFound(idOrName ?? ""),
        StoreStatus.Invalid => TypedResults.ValidationProblem(result.Errors!, title: "The service definition is not valid."),
        StoreStatus.Conflict => TypedResults.Problem(new HttpValidationProblemDetails(result.Errors!)
        {
            Status = StatusCodes.Status409Conflict,
            Title = "The service conflicts with another service.",
            Detail = result.Detail ?? string.Join(" ", result.Errors!.Values.SelectMany(messages => messages)),
        }),
        StoreStatus.Forbidden => TypedResults.Problem(new HttpValidationProblemDetails(
            result.Elevated!.ToDictionary(e => e.Field, e => new[] { $"Only an administrator may use {e.Description}." }, StringComparer.Ordinal))
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Host-level settings need an administrator.",
            Detail = $"Only an administrator may use: {string.Join(", ", result.Elevated!.Select(e => $"{e.Field} ({e.Description})"))}.",
        }),
        _ => throw new InvalidOperationException("Not a failure"),
    };

    private static ProblemHttpResult NotFound(string idOrName) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Service not found", detail: $"No managed service has the id or name '{idOrName}'.");
}

/// <summary>An audit entry as the API shows it, details as JSON.</summary>
public sealed record AuditEntryView(
    Guid Id,
    DateTimeOffset OccurredAt,
    Guid? ActorId,
    string ActorName,
    string Action,
    string TargetType,
    string? TargetId,
    string? IpAddress,
    JsonElement? Details)
{
    public static AuditEntryView From(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        JsonElement? details = null;
        if (entry.Details is not null)
        {
            using var document = JsonDocument.Parse(entry.Details);
            details = document.RootElement.Clone();
        }

        return new(entry.Id, entry.OccurredAt, entry.ActorId, entry.ActorName, entry.Action, entry.TargetType, entry.TargetId, entry.IpAddress, details);
    }
}

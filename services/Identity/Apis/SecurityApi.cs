using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Defence;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Users;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Apis;

/// <summary>Admin API for security events and IP block/allow rules, under <c>/api/v1/security</c>.</summary>
public static class SecurityApi
{
    public const int MaxEvents = 500;

    public static IEndpointRouteBuilder MapSecurityApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var security = endpoints.MapGroup("/api/v1/security")
            .WithTags("Security")
            .RequireAuthorization(WakeDockPolicies.Admin);

        security.MapGet("/events", ListEventsAsync)
            .WithName("ListSecurityEvents")
            .WithSummary("Security events, newest first, filtered by type, user, address and time.");
        security.MapGet("/ip-rules", ListRulesAsync)
            .WithName("ListIpRules")
            .WithSummary("IP block and allow rules (active ones unless includeExpired=true).");
        security.MapGet("/ip-rules/{id:guid}", GetRuleAsync)
            .WithName("GetIpRule")
            .WithSummary("One IP rule.");
        security.MapPost("/ip-rules", CreateRuleAsync)
            .WithName("CreateIpRule")
            .WithSummary("Adds a block or allow rule for an address or CIDR range; allow wins over block.");
        security.MapDelete("/ip-rules/{id:guid}", DeleteRuleAsync)
            .WithName("DeleteIpRule")
            .WithSummary("Removes an IP rule (also an automatic block).");
        return endpoints;
    }

    private static async Task<Results<Ok<List<SecurityEventDto>>, ValidationProblem>> ListEventsAsync(
        [AsParameters] SecurityEventQuery query, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var limit = query.Limit ?? 100;
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxEvents)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxEvents}"];
        }

        if (query.From > query.To)
        {
            errors["from"] = ["from must not be after to"];
        }

        string? ip = null;
        if (!string.IsNullOrWhiteSpace(query.Ip))
        {
            if (IPAddress.TryParse(query.Ip.Trim(), out var address))
            {
                ip = IpRange.Normalize(address).ToString();
            }
            else
            {
                errors["ip"] = ["ip must be an IP address"];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var events = db.SecurityEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Type))
        {
            events = events.Where(e => e.Type == query.Type);
        }

        if (query.UserId is { } userId)
        {
            events = events.Where(e => e.UserId == userId);
        }

        if (!string.IsNullOrWhiteSpace(query.UserName))
        {
            var name = query.UserName.Trim();
            var lower = name.ToLowerInvariant();
            events = events.Where(e => e.UserName == name || e.UserName == lower);
        }

        if (ip is not null)
        {
            events = events.Where(e => e.IpAddress == ip);
        }

        if (query.From is { } from)
        {
            events = events.Where(e => e.OccurredAt >= from);
        }

        if (query.To is { } to)
        {
            events = events.Where(e => e.OccurredAt <= to);
        }

        var rows = await events.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(limit).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(SecurityEventDto.From).ToList());
    }

    private static async Task<Ok<List<IpRuleDto>>> ListRulesAsync(
        bool? includeExpired, IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rules = db.IpRules.AsNoTracking();
        if (includeExpired != true)
        {
            rules = rules.Where(r => r.ExpiresAt == null || r.ExpiresAt > now);
        }

        var rows = await rules.OrderByDescending(r => r.CreatedAt).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(r => IpRuleDto.From(r, now)).ToList());
    }

    private static async Task<Results<Ok<IpRuleDto>, NotFound>> GetRuleAsync(
        Guid id, IdentityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var rule = await db.IpRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        return rule is null ? TypedResults.NotFound() : TypedResults.Ok(IpRuleDto.From(rule, time.GetUtcNow()));
    }

    private static async Task<Results<Created<IpRuleDto>, ValidationProblem, Conflict<Microsoft.AspNetCore.Mvc.ProblemDetails>>> CreateRuleAsync(
        CreateIpRuleRequest request,
        HttpContext context,
        IdentityDbContext db,
        IpRuleCache cache,
        IAuditTrail audit,
        ISecurityEvents events,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (!IpRange.TryParse(request.Range, out var range, out var rangeError))
        {
            errors["range"] = [rangeError];
        }

        var kind = request.Kind?.Trim().ToLowerInvariant();
        if (!IpRuleKinds.IsValid(kind))
        {
            errors["kind"] = ["kind must be 'block' or 'allow'"];
        }

        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        if (reason is { Length: > 256 })
        {
            errors["reason"] = ["reason must be at most 256 characters"];
        }

        if (request.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            errors["expiresAt"] = ["expiresAt must be in the future"];
        }

        // An admin must not lock themselves out by accident: blocking their own address needs an allow rule first.
        if (errors.Count == 0 && kind == IpRuleKinds.Block && context.Connection.RemoteIpAddress is { } own
            && range.Contains(own) && (await cache.EvaluateAsync(own, cancellationToken)).Verdict != IpVerdict.Allowed)
        {
            errors["range"] = [$"this rule would block your own address ({IpRange.Normalize(own)}); add an allow rule for it first"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var canonical = range.ToString();
        var duplicate = await db.IpRules.AnyAsync(
            r => r.Range == canonical && r.Kind == kind && (r.ExpiresAt == null || r.ExpiresAt > now), cancellationToken);
        if (duplicate)
        {
            return TypedResults.Conflict(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = $"an active {kind} rule for {canonical} already exists",
            });
        }

        var caller = Caller.From(context.User);
        var rule = new IpRule
        {
            Range = canonical,
            Kind = kind!,
            Reason = reason,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
            CreatedBy = caller.Name.Length > 64 ? caller.Name[..64] : caller.Name,
        };
        db.IpRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAsync();

        var client = ClientInfo.From(context);
        var details = new { range = rule.Range, kind = rule.Kind, reason = rule.Reason, expiresAt = rule.ExpiresAt };
        await audit.RecordAsync(context.User, "ip-rule.create", "ip-rule", rule.Id.ToString(), client.IpAddress, details, CancellationToken.None);
        if (rule.Kind == IpRuleKinds.Block)
        {
            await events.RecordAsync(
                SecurityEventTypes.IpBlocked, client, caller.UserId, caller.Name,
                new { ruleId = rule.Id, range = rule.Range, createdBy = rule.CreatedBy, expiresAt = rule.ExpiresAt, reason = rule.Reason },
                CancellationToken.None);
        }

        return TypedResults.Created($"/api/v1/security/ip-rules/{rule.Id}", IpRuleDto.From(rule, now));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteRuleAsync(
        Guid id, HttpContext context, IdentityDbContext db, IpRuleCache cache, IAuditTrail audit, CancellationToken cancellationToken)
    {
        var rule = await db.IpRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (rule is null)
        {
            return TypedResults.NotFound();
        }

        db.IpRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        await cache.InvalidateAsync();
        await audit.RecordAsync(
            context.User, "ip-rule.delete", "ip-rule", rule.Id.ToString(), ClientInfo.From(context).IpAddress,
            new { range = rule.Range, kind = rule.Kind, createdBy = rule.CreatedBy }, CancellationToken.None);
        return TypedResults.NoContent();
    }
}

public sealed record SecurityEventQuery(
    string? Type, Guid? UserId, string? UserName, string? Ip, DateTimeOffset? From, DateTimeOffset? To, int? Limit);

public sealed record SecurityEventDto(
    Guid Id, string Type, DateTimeOffset OccurredAt, Guid? UserId, string? UserName, string? IpAddress, string? UserAgent, JsonElement? Details)
{
    public static SecurityEventDto From(SecurityEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        JsonElement? details = e.Details is null ? null : JsonSerializer.Deserialize<JsonElement>(e.Details);
        return new SecurityEventDto(e.Id, e.Type, e.OccurredAt, e.UserId, e.UserName, e.IpAddress, e.UserAgent, details);
    }
}

public sealed record CreateIpRuleRequest(string? Range, string? Kind, string? Reason, DateTimeOffset? ExpiresAt);

public sealed record IpRuleDto(
    Guid Id, string Range, string Kind, string? Reason, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string CreatedBy, bool Active)
{
    public static IpRuleDto From(IpRule rule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new IpRuleDto(rule.Id, rule.Range, rule.Kind, rule.Reason, rule.CreatedAt, rule.ExpiresAt, rule.CreatedBy,
            rule.ExpiresAt is null || rule.ExpiresAt > now);
    }
}

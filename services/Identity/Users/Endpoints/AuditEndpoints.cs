using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Infrastructure;

namespace WakeDock.Identity.Users.Endpoints;

/// <summary><c>/api/v1/audit</c>: the administrative audit trail, newest first (admin only).</summary>
public static class AuditEndpoints
{
    public const int MaxPageSize = 200;

    /// <param name="actor">The actor's user name or id.</param>
    /// <param name="target">The target's id (a user id, an API key id, …).</param>
    public static async Task<IResult> ListAsync(
        IdentityDbContext db,
        [FromQuery] string? actor,
        [FromQuery] string? action,
        [FromQuery] string? target,
        [FromQuery] DateTimeOffset? from,
        [FromQuery] DateTimeOffset? to,
        [FromQuery] int? limit,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        errors.Add("limit", limit is < 1 or > MaxPageSize ? $"The limit must be between 1 and {MaxPageSize}." : null);
        errors.Add("to", from > to ? "'to' must not be before 'from'." : null);
        if (errors.Any)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(actor))
        {
            var actorName = actor.Trim().ToLowerInvariant();
            query = Guid.TryParse(actor, out var actorId)
                ? query.Where(e => e.ActorId == actorId)
                : query.Where(e => e.ActorName == actorName);
        }

        if (!string.IsNullOrWhiteSpace(action))
        {
            var actionName = action.Trim();
            query = query.Where(e => e.Action == actionName);
        }

        if (!string.IsNullOrWhiteSpace(target))
        {
            var targetId = Guid.TryParse(target, out var targetGuid) ? targetGuid.ToString() : target.Trim();
            query = query.Where(e => e.TargetId == targetId);
        }

        if (from is { } since)
        {
            query = query.Where(e => e.OccurredAt >= since.ToUniversalTime());
        }

        if (to is { } until)
        {
            query = query.Where(e => e.OccurredAt <= until.ToUniversalTime());
        }

        var entries = await query.OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(limit ?? 100).ToListAsync(cancellationToken);
        return TypedResults.Ok(entries.Select(AuditEntryView.From).ToList());
    }
}

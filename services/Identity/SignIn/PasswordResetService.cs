using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Defence;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Users;
using WakeDock.ServiceDefaults.RateLimiting;

namespace WakeDock.Identity.SignIn;

public enum ResetConfirmStatus
{
    Succeeded,
    InvalidToken,
    InvalidPassword,
    RateLimited,
}

public sealed record ResetConfirmOutcome(
    ResetConfirmStatus Status,
    IReadOnlyList<string>? PasswordProblems = null,
    RateLimitDecision? Refusal = null);

/// <summary>Password reset: requests (rate limited, then handed to the worker) and confirmation.</summary>
public sealed class PasswordResetService(
    IdentityDbContext db,
    UserAccounts accounts,
    IDistributedRateLimiter limiter,
    PasswordResetWorker worker,
    SecurityEvents events,
    IdentitySettings settings,
    TimeProvider time)
{
    private static readonly TimeSpan RateLimitEventThrottle = TimeSpan.FromMinutes(1);

    /// <summary>Null when accepted (always with the same answer), or the refusal of a rate limit.</summary>
    public async Task<RateLimitDecision?> RequestAsync(string userNameOrEmail, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userNameOrEmail);
        ArgumentNullException.ThrowIfNull(client);
        var account = userNameOrEmail.Trim().ToLowerInvariant();
        if (account.Length > SignInService.MaxUserNameLength)
        {
            account = account[..SignInService.MaxUserNameLength];
        }

        var limits = settings.RateLimits;
        var refusal = await LimitAsync($"identity:reset:ip:{client.IpAddress}", limits.PasswordResetPerIp, "ip", null, client, cancellationToken)
            ?? await LimitAsync($"identity:reset:account:{account}", limits.PasswordResetPerAccount, "account", account, client, cancellationToken);
        if (refusal is null)
        {
            worker.Enqueue(account, client);
        }

        return refusal;
    }

    /// <summary>Checks the token, then the password policy, then spends the token (atomically) and sets the password.</summary>
    public async Task<ResetConfirmOutcome> ConfirmAsync(string token, string newPassword, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(client);
        var refusal = await LimitAsync(
            $"identity:reset-confirm:ip:{client.IpAddress}", settings.RateLimits.PasswordResetPerIp, "ip", null, client, cancellationToken);
        if (refusal is not null)
        {
            return new ResetConfirmOutcome(ResetConfirmStatus.RateLimited, Refusal: refusal);
        }

        if (token.Length is 0 or > PasswordResetTokens.MaxLength)
        {
            return new ResetConfirmOutcome(ResetConfirmStatus.InvalidToken);
        }

        var hash = PasswordResetTokens.Hash(token);
        var now = time.GetUtcNow();
        var row = await db.PasswordResetTokens.AsNoTracking()
            .FirstOrDefaultAsync(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now, cancellationToken);
        var user = row is null ? null : await accounts.FindByIdAsync(row.UserId, cancellationToken);
        if (row is null || user is null || !user.IsEnabled)
        {
            return new ResetConfirmOutcome(ResetConfirmStatus.InvalidToken);
        }

        // Policy first, so a rejected password does not burn the link.
        var problems = accounts.CheckPassword(newPassword, user.UserName);
        if (problems.Count > 0)
        {
            return new ResetConfirmOutcome(ResetConfirmStatus.InvalidPassword, problems);
        }

        // Single use even under concurrency: only one UPDATE can flip used_at from null.
        var spent = await db.PasswordResetTokens
            .Where(t => t.Id == row.Id && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now), CancellationToken.None);
        if (spent == 0)
        {
            return new ResetConfirmOutcome(ResetConfirmStatus.InvalidToken);
        }

        var result = await accounts.SetPasswordAsync(user.Id, newPassword, keepSessionId: null, "password-reset", CancellationToken.None);
        if (!result.Succeeded)
        {
            return new ResetConfirmOutcome(ResetConfirmStatus.InvalidToken);
        }

        // The owner proved control of the mailbox: the lockout ends and other pending links die.
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(
            set => set.SetProperty(u => u.FailedSignInCount, 0).SetProperty(u => u.LockedUntil, (DateTimeOffset?)null),
            CancellationToken.None);
        await db.PasswordResetTokens
            .Where(t => t.UserId == user.Id && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.ExpiresAt, now), CancellationToken.None);
        await events.RecordAsync(
            SecurityEventTypes.PasswordResetCompleted, client, user.Id, user.UserName, new { tokenId = row.Id }, CancellationToken.None);
        return new ResetConfirmOutcome(ResetConfirmStatus.Succeeded);
    }

    private async Task<RateLimitDecision?> LimitAsync(
        string key, RateLimitRule rule, string scope, string? account, ClientInfo client, CancellationToken cancellationToken)
    {
        var decision = await limiter.TryAcquireAsync(key, new RateLimitQuota(rule.Permits, rule.Window), cancellationToken);
        if (decision.Allowed)
        {
            return null;
        }

        await events.RecordThrottledAsync(
            SecurityEventTypes.RateLimited,
            key,
            RateLimitEventThrottle,
            client,
            userName: account,
            details: new { endpoint = key.Split(':')[1], scope, retryAfterSeconds = decision.RetryAfterSeconds });
        return decision;
    }
}

using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Defence;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Tokens;
using WakeDock.Identity.Users;
using WakeDock.ServiceDefaults.RateLimiting;

namespace WakeDock.Identity.SignIn;

/// <summary>What a sign-in attempt came to; every failure kind maps to one and the same 401.</summary>
public sealed record SignInOutcome(TokenPair? Tokens, RateLimitDecision? Refusal)
{
    public bool Succeeded => Tokens is not null;
}

/// <summary>
/// Password sign-in. The account policy against guessing and enumeration:
/// <list type="bullet">
/// <item>Rate limits per client address and per attempted account name come first, and apply to
/// names that do not exist exactly as to those that do.</item>
/// <item>Unknown account, wrong password, disabled account and locked account all answer the same
/// 401 after the same amount of hashing work (unknown and locked accounts verify against a dummy
/// hash), so neither the message nor the timing tells whether an account exists.</item>
/// <item>While an account is locked its password is not checked at all: answering "locked" only to
/// the right password would turn the lockout into a password oracle. Attempts during a lock do not
/// extend it; the first failure after it ends locks again for twice as long (capped). The real
/// owner gets back in when the lock ends, or at once through a password reset, which clears it.</item>
/// <item>Failures are recorded as security events (with the reason, visible only to admins) and
/// counted per address for the automatic IP block.</item>
/// </list>
/// </summary>
public sealed class SignInService(
    IdentityDbContext db,
    UserAccounts accounts,
    ITokenService tokens,
    IDistributedRateLimiter limiter,
    SecurityEvents events,
    AutoBlocker autoBlocker,
    IdentitySettings settings,
    TimeProvider time)
{
    public const int MaxUserNameLength = 256;
    public const int MaxPasswordLength = 1024;

    private static readonly TimeSpan RateLimitEventThrottle = TimeSpan.FromMinutes(1);

    public async Task<SignInOutcome> SignInAsync(string userName, string password, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(client);
        var account = userName.Trim().ToLowerInvariant();
        var attemptedName = account.Length > MaxUserNameLength ? account[..MaxUserNameLength] : account;

        var refusal = await CheckRateLimitsAsync(client, attemptedName, cancellationToken);
        if (refusal is not null)
        {
            return new SignInOutcome(null, refusal);
        }

        var user = account.Length <= MaxUserNameLength && password.Length <= MaxPasswordLength
            ? await accounts.FindByNameOrEmailAsync(account, cancellationToken)
            : null;
        var now = time.GetUtcNow();
        string failure;
        if (user is null)
        {
            accounts.SimulatePasswordVerification(password);
            failure = "unknown-account";
        }
        else if (user.LockedUntil > now)
        {
            accounts.SimulatePasswordVerification(password);
            failure = "locked";
        }
        else if (!(await accounts.VerifyPasswordAsync(user, password, cancellationToken)).Succeeded)
        {
            failure = "wrong-password";
            if (user.IsEnabled)
            {
                await RegisterFailureAsync(user, client, now, cancellationToken);
            }
        }
        else if (!user.IsEnabled)
        {
            failure = "disabled";
        }
        else
        {
            return new SignInOutcome(await SucceedAsync(user, client, now, cancellationToken), null);
        }

        await events.RecordAsync(
            SecurityEventTypes.SignInFailed, client, user?.Id, attemptedName, new { reason = failure }, CancellationToken.None);
        await autoBlocker.OnFailedSignInAsync(client);
        return new SignInOutcome(null, null);
    }

    private async Task<RateLimitDecision?> CheckRateLimitsAsync(ClientInfo client, string account, CancellationToken cancellationToken)
    {
        var limits = settings.RateLimits;
        var checks = new[]
        {
            (Key: $"identity:login:ip:{client.IpAddress}", Rule: limits.LoginPerIp, Scope: "ip"),
            (Key: $"identity:login:account:{account}", Rule: limits.LoginPerAccount, Scope: "account"),
        };
        foreach (var (key, rule, scope) in checks)
        {
            var decision = await limiter.TryAcquireAsync(key, new RateLimitQuota(rule.Permits, rule.Window), cancellationToken);
            if (!decision.Allowed)
            {
                await events.RecordThrottledAsync(
                    SecurityEventTypes.RateLimited,
                    key,
                    RateLimitEventThrottle,
                    client,
                    userName: scope == "account" ? account : null,
                    details: new { endpoint = "login", scope, retryAfterSeconds = decision.RetryAfterSeconds });
                return decision;
            }
        }

        return null;
    }

    /// <summary>Counts the failure atomically and, from the threshold on, locks with a doubling delay.</summary>
    private async Task RegisterFailureAsync(User user, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.FailedSignInCount, u => u.FailedSignInCount + 1), CancellationToken.None);
        var count = await db.Users.Where(u => u.Id == user.Id).Select(u => u.FailedSignInCount).FirstAsync(cancellationToken);
        var lockout = settings.Lockout;
        if (count < lockout.Threshold)
        {
            return;
        }

        var lockedUntil = now + LockoutDelay(lockout, count);
        await db.Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.LockedUntil, lockedUntil), CancellationToken.None);
        await events.RecordAsync(
            SecurityEventTypes.AccountLockedOut,
            client,
            user.Id,
            user.UserName,
            new { failedSignIns = count, lockedUntil },
            CancellationToken.None);
    }

    /// <summary>BaseDelay × 2^(failures − Threshold), capped at MaxDelay.</summary>
    public static TimeSpan LockoutDelay(LockoutSettings lockout, int failures)
    {
        ArgumentNullException.ThrowIfNull(lockout);
        var exponent = Math.Max(0, failures - lockout.Threshold);
        var ticks = lockout.BaseDelay.Ticks * Math.Pow(2, Math.Min(exponent, 40));
        return ticks >= lockout.MaxDelay.Ticks ? lockout.MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    private async Task<TokenPair> SucceedAsync(User user, ClientInfo client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(
            set => set
                .SetProperty(u => u.FailedSignInCount, 0)
                .SetProperty(u => u.LockedUntil, (DateTimeOffset?)null)
                .SetProperty(u => u.LastSignInAt, now),
            cancellationToken);
        user.FailedSignInCount = 0;
        user.LockedUntil = null;
        user.LastSignInAt = now;

        var pair = await tokens.SignInAsync(user, client, cancellationToken);
        await events.RecordAsync(
            SecurityEventTypes.SignInSucceeded, client, user.Id, user.UserName, new { sessionId = pair.SessionId }, CancellationToken.None);
        return pair;
    }
}

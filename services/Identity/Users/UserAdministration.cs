using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.ServiceDefaults.Security;

namespace WakeDock.Identity.Users;

/// <summary>
/// Admin-only changes to an account, guarding that WakeDock always keeps one enabled admin
/// and that an admin cannot delete or disable themselves. Changes that could remove an admin
/// run under a PostgreSQL advisory lock, so two admins demoting each other at the same moment
/// cannot both succeed.
/// </summary>
public sealed class UserAdministration(IdentityDbContext db, UserAccounts accounts, ApiKeys apiKeys, TimeProvider time)
{
    // Any fixed number works; it only has to be the same for every replica.
    private const long AdminGuardLockId = 0x5741_4B45_4144_4D4E; // "WAKEADMN"

    /// <summary>
    /// Changes the role, answering the previous one. Sessions are revoked so tokens carrying the
    /// old role stop working; API keys are re-scoped to at most the new role.
    /// </summary>
    public async Task<(AccountResult Result, string? PreviousRole)> ChangeRoleAsync(Guid userId, string role, CancellationToken cancellationToken)
    {
        string? previous = null;
        var result = await GuardedAsync(userId, removesAdmin: role != Roles.Admin, "demote", user =>
        {
            previous = user.Role;
            if (user.Role == role)
            {
                return false;
            }

            user.Role = role;
            return true;
        }, async user =>
        {
            await accounts.RevokeSessionsAsync(user.Id, null, "role-changed", cancellationToken);
            await apiKeys.ReprojectUserAsync(user.Id, cancellationToken);
        }, cancellationToken);
        return (result, previous);
    }

    /// <summary>Disables the account: every session is revoked and its API keys stop working.</summary>
    public Task<AccountResult> DisableAsync(Guid userId, Guid? actorId, CancellationToken cancellationToken)
        => userId == actorId
            ? Task.FromResult(AccountResult.Conflict("You cannot disable your own account."))
            : GuardedAsync(userId, removesAdmin: true, "disable", user =>
            {
                var changed = user.IsEnabled;
                user.IsEnabled = false;
                return changed;
            }, async user =>
            {
                await accounts.RevokeSessionsAsync(user.Id, null, "user-disabled", cancellationToken);
                await apiKeys.RemoveProjectionsAsync(user.Id, cancellationToken);
            }, cancellationToken);

    /// <summary>Enables the account again; its unrevoked API keys work again.</summary>
    public Task<AccountResult> EnableAsync(Guid userId, CancellationToken cancellationToken)
        => GuardedAsync(userId, removesAdmin: false, "enable", user =>
        {
            var changed = !user.IsEnabled;
            user.IsEnabled = true;
            return changed;
        }, user => apiKeys.ReprojectUserAsync(user.Id, cancellationToken), cancellationToken);

    /// <summary>Clears the failed sign-in count and any lockout.</summary>
    public Task<AccountResult> UnlockAsync(Guid userId, CancellationToken cancellationToken)
        => GuardedAsync(userId, removesAdmin: false, "unlock", user =>
        {
            var changed = user.FailedSignInCount != 0 || user.LockedUntil is not null;
            user.FailedSignInCount = 0;
            user.LockedUntil = null;
            return changed;
        }, _ => Task.CompletedTask, cancellationToken);

    /// <summary>Deletes the account (its keys and refresh tokens go with it); its sessions and keys stop working first.</summary>
    public async Task<AccountResult> DeleteAsync(Guid userId, Guid? actorId, CancellationToken cancellationToken)
    {
        if (userId == actorId)
        {
            return AccountResult.Conflict("You cannot delete your own account.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockAdminsAsync(cancellationToken);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return AccountResult.NotFound();
        }

        if (await IsLastEnabledAdminAsync(user, cancellationToken))
        {
            return AccountResult.Conflict("This is the last enabled admin; make another user admin first.");
        }

        await apiKeys.RemoveProjectionsAsync(user.Id, cancellationToken);
        await accounts.RevokeSessionsAsync(user.Id, null, "user-deleted", cancellationToken);
        db.Users.Remove(user);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.Entry(user).State = EntityState.Detached;
        return AccountResult.Ok(user);
    }

    /// <summary>
    /// Loads the user under the admin lock, applies <paramref name="change"/> (true when something
    /// changed), refuses when it would leave no enabled admin, saves, then runs <paramref name="after"/>.
    /// </summary>
    private async Task<AccountResult> GuardedAsync(
        Guid userId,
        bool removesAdmin,
        string verb,
        Func<User, bool> change,
        Func<User, Task> after,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (removesAdmin)
        {
            await LockAdminsAsync(cancellationToken);
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return AccountResult.NotFound();
        }

        if (removesAdmin && await IsLastEnabledAdminAsync(user, cancellationToken))
        {
            return AccountResult.Conflict($"Cannot {verb} the last enabled admin; make another user admin first.");
        }

        if (change(user))
        {
            user.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            await after(user);
        }

        db.Entry(user).State = EntityState.Detached;
        return AccountResult.Ok(user);
    }

    private Task<int> LockAdminsAsync(CancellationToken cancellationToken)
        => db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({AdminGuardLockId})", cancellationToken);

    private async Task<bool> IsLastEnabledAdminAsync(User user, CancellationToken cancellationToken)
        => user.Role == Roles.Admin && user.IsEnabled
            && !await db.Users.AnyAsync(u => u.Id != user.Id && u.Role == Roles.Admin && u.IsEnabled, cancellationToken);
}

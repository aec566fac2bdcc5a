using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Sessions;

namespace WakeDock.Identity.Users;

/// <summary>
/// The account operations other areas build on (sign-in, password reset, the users API): find
/// a user, check a password (upgrading its hash when needed), create a user, set a password.
/// Scoped (it uses the request's <see cref="IdentityDbContext"/>). It records no security events:
/// callers know which event fits (password-changed, password-reset-completed, …).
/// </summary>
public sealed class UserAccounts(
    IdentityDbContext db,
    IPasswordHasher<User> hasher,
    IPasswordPolicy policy,
    ISessionStore sessions,
    TimeProvider time)
{
    // A real hash of a random password: verifying against it costs what a real check costs, so
    // an unknown account answers as slowly as a known one (no user enumeration by timing).
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<User>().HashPassword(
        new User { UserName = "dummy", PasswordHash = "", Role = "viewer" },
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    /// <summary>A user by id (not tracked), or null.</summary>
    public Task<User?> FindByIdAsync(Guid userId, CancellationToken cancellationToken)
        => db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);

    /// <summary>A user by user name or email, case-insensitively (not tracked), or null.</summary>
    public Task<User?> FindByNameOrEmailAsync(string nameOrEmail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nameOrEmail);
        var key = nameOrEmail.Trim().ToLowerInvariant();
        if (key.Length is 0 or > UserInput.EmailMaxLength)
        {
            return Task.FromResult<User?>(null);
        }

        return db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == key || u.Email == key, cancellationToken);
    }

    /// <summary>
    /// Checks <paramref name="password"/> against the user's hash. When the hasher asks for a rehash
    /// (older format or iteration count) the new hash is stored at once, so callers cannot forget.
    /// Does not look at <see cref="User.IsEnabled"/> or lockout: that is the sign-in flow's decision.
    /// </summary>
    public async Task<PasswordVerification> VerifyPasswordAsync(User user, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return new PasswordVerification(false, false);
        }

        if (result != PasswordVerificationResult.SuccessRehashNeeded)
        {
            return new PasswordVerification(true, false);
        }

        var newHash = hasher.HashPassword(user, password);
        var oldHash = user.PasswordHash;
        // Only if unchanged meanwhile: never overwrite a password set by a concurrent reset.
        await db.Users.Where(u => u.Id == user.Id && u.PasswordHash == oldHash)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.PasswordHash, newHash), cancellationToken);
        user.PasswordHash = newHash;
        return new PasswordVerification(true, true);
    }

    /// <summary>Spends the time of a real password check, for sign-ins naming an unknown account.</summary>
    public void SimulatePasswordVerification(string password)
        => hasher.VerifyHashedPassword(new User { UserName = "dummy", PasswordHash = "", Role = "viewer" }, DummyHash.Value, password ?? string.Empty);

    /// <summary>The password policy's problems for a new password of <paramref name="userName"/> (empty when fine).</summary>
    public IReadOnlyList<string> CheckPassword(string? password, string? userName) => policy.Validate(password, userName);

    /// <summary>Validates, normalises and stores a new user. Invalid → field errors; taken name or email → conflict.</summary>
    public async Task<AccountResult> CreateAsync(NewUser request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var userName = request.UserName is null ? null : UserInput.NormalizeUserName(request.UserName);
        errors.Add("userName", UserInput.CheckUserName(userName));
        var email = UserInput.NormalizeEmail(request.Email);
        errors.Add("email", email is null ? null : UserInput.CheckEmail(email));
        var displayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim();
        errors.Add("displayName", displayName is null ? null : UserInput.CheckDisplayName(displayName));
        errors.Add("role", UserInput.CheckRole(request.Role));
        errors.AddRange("password", policy.Validate(request.Password, userName));
        if (errors.Any)
        {
            return AccountResult.Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var user = new User
        {
            UserName = userName!,
            Email = email,
            DisplayName = displayName,
            PasswordHash = "",
            Role = request.Role!,
            CreatedAt = now,
            UpdatedAt = now,
            PasswordChangedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, request.Password!);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (AccountResult.FromUniqueViolation(exception) is { } conflict)
        {
            db.Entry(user).State = EntityState.Detached;
            return conflict;
        }

        db.Entry(user).State = EntityState.Detached;
        return AccountResult.Ok(user);
    }

    /// <summary>
    /// Sets a new password (checked against the policy), stamps <see cref="User.PasswordChangedAt"/>,
    /// and revokes every session of the user except <paramref name="keepSessionId"/> (the caller's
    /// own, on a change from <c>me</c>; null on a reset revokes them all). Field errors are under <c>newPassword</c>.
    /// </summary>
    public async Task<AccountResult> SetPasswordAsync(
        Guid userId,
        string? newPassword,
        string? keepSessionId,
        string reason,
        CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return AccountResult.NotFound();
        }

        var problems = policy.Validate(newPassword, user.UserName);
        if (problems.Count > 0)
        {
            var errors = new FieldErrors();
            errors.AddRange("newPassword", problems);
            return AccountResult.Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        user.PasswordHash = hasher.HashPassword(user, newPassword!);
        user.PasswordChangedAt = now;
        user.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(user).State = EntityState.Detached;
        await RevokeSessionsAsync(userId, keepSessionId, reason, cancellationToken);
        return AccountResult.Ok(user);
    }

    /// <summary>Revokes the user's sessions (and so their refresh tokens), except <paramref name="keepSessionId"/>.</summary>
    public async Task<int> RevokeSessionsAsync(Guid userId, string? keepSessionId, string reason, CancellationToken cancellationToken)
    {
        if (keepSessionId is null)
        {
            return await sessions.RevokeAllForUserAsync(userId, reason, cancellationToken);
        }

        var revoked = 0;
        foreach (var session in await sessions.ListForUserAsync(userId, cancellationToken))
        {
            if (session.SessionId != keepSessionId && await sessions.RevokeAsync(session.SessionId, reason, cancellationToken))
            {
                revoked++;
            }
        }

        return revoked;
    }

    /// <summary>Changes display name and/or email (null = unchanged, blank = cleared). Email conflicts → 409.</summary>
    public async Task<AccountResult> UpdateProfileAsync(Guid userId, string? displayName, string? email, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var newDisplayName = UserInput.TrimOrEmpty(displayName);
        errors.Add("displayName", string.IsNullOrEmpty(newDisplayName) ? null : UserInput.CheckDisplayName(newDisplayName));
        var newEmail = email is null ? null : UserInput.NormalizeEmail(email) ?? string.Empty;
        errors.Add("email", string.IsNullOrEmpty(newEmail) ? null : UserInput.CheckEmail(newEmail));
        if (errors.Any)
        {
            return AccountResult.Invalid(errors.ToDictionary());
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return AccountResult.NotFound();
        }

        if (newDisplayName is not null)
        {
            user.DisplayName = newDisplayName.Length == 0 ? null : newDisplayName;
        }

        if (newEmail is not null)
        {
            user.Email = newEmail.Length == 0 ? null : newEmail;
        }

        if (db.Entry(user).State == EntityState.Modified)
        {
            user.UpdatedAt = time.GetUtcNow();
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (AccountResult.FromUniqueViolation(exception) is { } conflict)
        {
            db.ChangeTracker.Clear();
            return conflict;
        }

        db.Entry(user).State = EntityState.Detached;
        return AccountResult.Ok(user);
    }
}

using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using WakeDock.Contracts.Identity;
using WakeDock.Identity.Defence;
using WakeDock.Identity.Infrastructure;
using WakeDock.Identity.Model;
using WakeDock.Identity.Users;

namespace WakeDock.Identity.SignIn;

/// <summary>
/// Does the work of a reset request after the 202 has been sent. The answer's content and timing
/// are then the same whether or not the account exists — nothing about it is decided in the request.
/// </summary>
public sealed partial class PasswordResetWorker(
    IServiceScopeFactory scopes,
    BackgroundPublisher publisher,
    ISecurityEvents events,
    IdentitySettings settings,
    TimeProvider time,
    ILogger<PasswordResetWorker> logger) : BackgroundService
{
    private readonly Channel<(string Account, ClientInfo Client)> queue = Channel.CreateBounded<(string, ClientInfo)>(
        new BoundedChannelOptions(1_000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Enqueue(string account, ClientInfo client)
    {
        if (!queue.Writer.TryWrite((account, client)))
        {
            LogDropped(logger);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var (account, client) in queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await HandleAsync(account, client, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, exception);
            }
        }
    }

    private async Task HandleAsync(string account, ClientInfo client, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<UserAccounts>();
        var user = await accounts.FindByNameOrEmailAsync(account, cancellationToken);
        if (user is null || !user.IsEnabled || string.IsNullOrEmpty(user.Email))
        {
            var reason = user is null ? "unknown-account" : !user.IsEnabled ? "disabled" : "no-email";
            await events.RecordAsync(
                SecurityEventTypes.PasswordResetRequested, client, user?.Id, account, new { sent = false, reason }, CancellationToken.None);
            return;
        }

        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = time.GetUtcNow();
        // Only the newest link works: older unused ones end now.
        await db.PasswordResetTokens
            .Where(t => t.UserId == user.Id && t.UsedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.ExpiresAt, now), cancellationToken);

        var token = PasswordResetTokens.Create();
        var row = new PasswordResetToken
        {
            UserId = user.Id,
            TokenHash = PasswordResetTokens.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + settings.PasswordReset.TokenLifetime,
        };
        db.PasswordResetTokens.Add(row);
        await db.SaveChangesAsync(cancellationToken);

        var link = settings.PasswordReset.LinkTemplate.Replace("{token}", Uri.EscapeDataString(token), StringComparison.Ordinal);
        publisher.Enqueue(new PasswordResetRequested(user.Id, user.UserName, user.Email, link, row.ExpiresAt));
        await events.RecordAsync(
            SecurityEventTypes.PasswordResetRequested,
            client,
            user.Id,
            user.UserName,
            new { sent = true, tokenId = row.Id, expiresAt = row.ExpiresAt },
            CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Password reset queue is full; a request was dropped")]
    private static partial void LogDropped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "A password reset request failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

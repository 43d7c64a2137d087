using System.Security.Cryptography;
using EGov.Workflows.Identity.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace EGov.Workflows.Identity.Sessions;

/// <summary>
/// Server-side web sessions (backend-for-frontend): the cookie carries only a random session id; the authentication
/// ticket with the tokens is kept in <c>web_sessions</c>, protected with data protection. Signing out deletes the row,
/// so a copied cookie is worthless afterwards.
/// </summary>
public sealed class DbTicketStore(IdentityDatabase database, IDataProtectionProvider protection, TimeProvider? time = null) : ITicketStore
{
    private readonly IDataProtector _protector = protection.CreateProtector("EGov.Workflows.WebSessions");
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(10);

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var db = database.CreateContext();
        db.WebSessions.Add(new WebSessionRow
        {
            Id = id, AccountId = ticket.Principal.FindFirst("sub")?.Value, Ticket = Protect(ticket),
            ExpiresAt = Expiry(ticket), CreatedAt = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        });
        // Expired sessions go when new ones come: no separate cleaner needed.
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.WebSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync();
        await db.SaveChangesAsync();
        return id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var db = database.CreateContext();
        var bytes = Protect(ticket);
        var expires = Expiry(ticket);
        await db.WebSessions.Where(s => s.Id == key).ExecuteUpdateAsync(u => u.SetProperty(s => s.Ticket, bytes).SetProperty(s => s.ExpiresAt, expires));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var db = database.CreateContext();
        var row = await db.WebSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == key);
        if (row is null || row.ExpiresAt < _time.GetUtcNow().ToUnixTimeMilliseconds()) return null;
        try { return TicketSerializer.Default.Deserialize(_protector.Unprotect(row.Ticket)); }
        catch (CryptographicException) { return null; }
    }

    public async Task RemoveAsync(string key)
    {
        await using var db = database.CreateContext();
        await db.WebSessions.Where(s => s.Id == key).ExecuteDeleteAsync();
    }

    private byte[] Protect(AuthenticationTicket ticket) => _protector.Protect(TicketSerializer.Default.Serialize(ticket));

    private long Expiry(AuthenticationTicket ticket) =>
        (ticket.Properties.ExpiresUtc ?? _time.GetUtcNow() + DefaultLifetime).ToUnixTimeMilliseconds();
}

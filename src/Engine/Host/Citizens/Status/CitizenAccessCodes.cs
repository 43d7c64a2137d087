using System.Net;
using System.Security.Cryptography;
using System.Text;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>What checking an access code came to.</summary>
public enum AccessOutcome
{
    /// <summary>Aktenzeichen and code belong together and the case is within its retention.</summary>
    Opened,
    /// <summary>Unknown Aktenzeichen, wrong code, or a case past its retention: one answer for all (no oracle).</summary>
    NotFound,
    /// <summary>Too many failed attempts from this address within the window: nothing was checked.</summary>
    TooManyAttempts,
}

/// <summary>The result of <see cref="CitizenAccessCodes.VerifyAsync"/>: the case's instance id when opened.</summary>
public sealed record AccessResult(AccessOutcome Outcome, string? InstanceId = null);

/// <summary>
/// Access codes for the status page of those who follow a case without signing in (<c>/status/&lt;Aktenzeichen&gt;</c>).
/// <para>
/// <b>The seam for the apply side:</b> registered as <see cref="ICitizenAccessCodeIssuer"/>, called once when a citizen
/// case is recorded (<see cref="CitizenServices"/>' start, which returns the code as <c>accessCode</c> in its 201 answer next
/// to the Aktenzeichen); the confirmation page shows it once — it cannot be read again, only issued anew, which voids the old one.
/// </para>
/// <para>
/// A code is 24 characters from 31 without look-alikes (about 119 random bits), shown in groups of four. Only a SHA-256
/// over tenant, Aktenzeichen and code is stored — at that entropy a slow hash adds nothing. A wrong code, an unknown
/// Aktenzeichen and a case past its retention give the same <see cref="AccessOutcome.NotFound"/>; each failure counts
/// against the client address (stored as a hash), and after <see cref="MaxFailures"/> failures within
/// <see cref="Window"/> nothing is checked until the window has passed. A code ends with the case's retention: when the
/// instance is gone (deleted by retention) or ended longer ago than its version's <c>camunda:historyTimeToLive</c>, and at a
/// fixed <c>expiresAt</c> when one was given.
/// </para>
/// </summary>
public sealed class CitizenAccessCodes(CitizenStatusStore store, TenantEngines engines, TimeProvider? time = null) : ICitizenAccessCodeIssuer
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    private const int Length = 24;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>
    /// Issues the case's access code (replacing any earlier one) and returns it for the confirmation — the only time it is
    /// readable. <paramref name="expiresAt"/>: a fixed end on top of the case's retention (null: the retention only).
    /// </summary>
    public async Task<string> IssueAsync(string tenant, string instanceId, string aktenzeichen, DateTimeOffset? expiresAt = null, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentException.ThrowIfNullOrEmpty(aktenzeichen);
        aktenzeichen = aktenzeichen.Trim().ToUpperInvariant();
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, Length);
        var code = string.Join('-', Enumerable.Range(0, Length / 4).Select(i => new string(chars, i * 4, 4)));
        await store.PutCodeAsync(tenant, aktenzeichen, instanceId, Hash(tenant, aktenzeichen, code), expiresAt, cancel);
        return code;
    }

    /// <summary>The apply side's seam (<see cref="ICitizenAccessCodeIssuer"/>): the code for a case just started.</summary>
    async Task<string?> ICitizenAccessCodeIssuer.IssueAsync(string tenantId, string instanceId, string aktenzeichen, CancellationToken cancel) =>
        await IssueAsync(tenantId, instanceId, aktenzeichen, null, cancel);

    /// <summary>Checks an Aktenzeichen and code from <paramref name="address"/> (the client's IP address; only a hash of it is kept).</summary>
    public async Task<AccessResult> VerifyAsync(string tenant, string? aktenzeichen, string? code, IPAddress? address, CancellationToken cancel = default)
    {
        var who = AddressKey(address);
        var now = _time.GetUtcNow();
        if (await store.CountFailuresAsync(who, now - Window, cancel) >= MaxFailures) return new(AccessOutcome.TooManyAttempts);
        var az = (aktenzeichen ?? "").Trim().ToUpperInvariant();
        var given = Hash(tenant, az, code ?? "");
        var row = az.Length is > 0 and <= 64 ? await store.FindCodeAsync(tenant, az, cancel) : null;
        var matches = row is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(given), Encoding.ASCII.GetBytes(row.CodeHash));
        if (!matches || row is null)
        {
            await store.AddFailureAsync(who, cancel);
            return new(AccessOutcome.NotFound);
        }
        if (!WithinRetention(tenant, row, now))
        {
            await store.DeleteCodeAsync(tenant, az, cancel);
            await store.AddFailureAsync(who, cancel);
            return new(AccessOutcome.NotFound);
        }
        return new(AccessOutcome.Opened, row.InstanceId);
    }

    /// <summary>False once the case is past its retention (or the fixed end): the code then opens nothing.</summary>
    private bool WithinRetention(string tenant, AccessCodeRecord row, DateTimeOffset now)
    {
        if (row.ExpiresAt is { } fixedEnd && fixedEnd <= now) return false;
        var t = engines.Get(tenant);
        ProcessInstanceView view;
        try { view = t.Engine.GetInstance(row.InstanceId); }
        catch (WorkflowNotFoundException) { return false; } // deleted by retention
        if (view.State is not (InstanceState.Completed or InstanceState.Terminated)) return true;
        var definition = t.Catalog.Find(view.ProcessId, view.Version);
        var process = definition?.Definitions?.Processes.FirstOrDefault(p => p.Id == view.ProcessId);
        if (HistoryTimeToLive.Days(process?.CamundaAttribute("historyTimeToLive")) is not { } days) return true;
        var ended = view.History.Count == 0 ? now : view.History.Max(h => h.EndedAt.ToDateTimeOffset());
        return ended + TimeSpan.FromDays(days) > now;
    }

    /// <summary>The stored form of a code: upper case, without blanks and dashes, hashed with tenant and Aktenzeichen.</summary>
    internal static string Hash(string tenant, string aktenzeichen, string code)
    {
        var normalized = new string(code.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"egov-access-code\n{tenant}\n{aktenzeichen}\n{normalized}")));
    }

    /// <summary>The client address as counted for the guessing limit: a hash (an IPv6 address by its /64 network).</summary>
    internal static string AddressKey(IPAddress? address)
    {
        var text = "unknown";
        if (address is not null)
        {
            if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
            var bytes = address.GetAddressBytes();
            if (bytes.Length == 16) Array.Clear(bytes, 8, 8);
            text = Convert.ToHexString(bytes);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("egov-status-address\n" + text)))[..32];
    }
}

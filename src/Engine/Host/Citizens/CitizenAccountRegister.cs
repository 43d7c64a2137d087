using System.Collections.Concurrent;

namespace EGov.Workflows.Host.Citizens;

/// <summary>Records that a citizen's account owns (may follow) a case: the row of <c>citizen_cases</c> the citizen pages read.</summary>
public interface ICitizenCaseLinks
{
    /// <summary>Links the case to the owner; false when that owner had it already (nothing written then).</summary>
    Task<bool> LinkAsync(string tenant, string owner, string instanceId, string processId, string aktenzeichen, CancellationToken cancel);
}

/// <summary>
/// Where <c>buerger-konto</c> records its links: the server sets the citizen case index (<see cref="Identity.Citizens.CitizenCaseStore"/>,
/// the table "Meine Vorgänge" reads) once the identity database is open; <c>./egov test</c> and <c>validate</c> keep the one in memory.
/// </summary>
public sealed class CitizenAccountRegister
{
    private ICitizenCaseLinks _links = new InMemoryCitizenCaseLinks();

    public ICitizenCaseLinks Links
    {
        get => Volatile.Read(ref _links);
        set => Volatile.Write(ref _links, value ?? throw new ArgumentNullException(nameof(value)));
    }

    private Identity.Citizens.IConsentCodes _consents = new Identity.Citizens.InMemoryConsentCodes();

    /// <summary>
    /// Where <c>einwilligung-eltern</c> keeps the hashes of its one-time codes and the consent page checks them (migration 0037):
    /// the server sets the identity database's table; <c>./egov test</c> and <c>validate</c> keep them in memory.
    /// </summary>
    public Identity.Citizens.IConsentCodes Consents
    {
        get => Volatile.Read(ref _consents);
        set => Volatile.Write(ref _consents, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The public address of the citizen pages for links in notices (the server sets it; without: a relative path).</summary>
    public Func<Uri>? PublicAddress { get; set; }
}

/// <summary>The links in memory (scenarios, validate).</summary>
public sealed class InMemoryCitizenCaseLinks : ICitizenCaseLinks
{
    private readonly ConcurrentDictionary<(string Tenant, string Owner, string Instance), (string ProcessId, string Aktenzeichen)> _rows = new();

    public IReadOnlyCollection<(string Tenant, string Owner, string Instance)> Rows => _rows.Keys.ToList();

    public Task<bool> LinkAsync(string tenant, string owner, string instanceId, string processId, string aktenzeichen, CancellationToken cancel) =>
        Task.FromResult(_rows.TryAdd((tenant, owner, instanceId), (processId, aktenzeichen)));
}

/// <summary>The links in the server's citizen case index.</summary>
public sealed class StoredCitizenCaseLinks(Identity.Citizens.CitizenCaseStore cases) : ICitizenCaseLinks
{
    public async Task<bool> LinkAsync(string tenant, string owner, string instanceId, string processId, string aktenzeichen, CancellationToken cancel)
    {
        if (await cases.FindAsync(tenant, owner, instanceId, cancel).ConfigureAwait(false) is not null) return false; // a retried step: linked already
        await cases.AddAsync(tenant, owner, instanceId, processId, aktenzeichen, cancel).ConfigureAwait(false);
        return true;
    }
}

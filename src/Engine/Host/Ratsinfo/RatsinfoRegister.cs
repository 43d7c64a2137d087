using EGov.Workflows.Persistence.Ratsinfo;

namespace EGov.Workflows.Host.Ratsinfo;

/// <summary>
/// Where the Ratsinfo tables are for the <c>ratsinfo-vorlage</c> activity and the API: the server sets the store once it is
/// opened (SQLite or PostgreSQL, or memory); <c>./egov test</c> and <c>validate</c> keep the one in memory they start with.
/// </summary>
public sealed class RatsinfoRegister
{
    private IRatsinfoStore _store = new InMemoryRatsinfoStore();

    public IRatsinfoStore Store
    {
        get => Volatile.Read(ref _store);
        set => Volatile.Write(ref _store, value ?? throw new ArgumentNullException(nameof(value)));
    }
}

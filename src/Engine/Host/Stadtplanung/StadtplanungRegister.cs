using EGov.Workflows.Persistence.Stadtplanung;

namespace EGov.Workflows.Host.Stadtplanung;

/// <summary>
/// Where the eAkte Stadtplanung tables are for the <c>bauleitplan-akte</c> activity and the API: the server sets the store once it
/// is opened (SQLite or PostgreSQL, or memory); <c>./egov test</c> and <c>validate</c> keep the one in memory they start with.
/// </summary>
public sealed class StadtplanungRegister
{
    private IStadtplanungStore _store = new InMemoryStadtplanungStore();

    public IStadtplanungStore Store
    {
        get => Volatile.Read(ref _store);
        set => Volatile.Write(ref _store, value ?? throw new ArgumentNullException(nameof(value)));
    }
}

using EGov.Workflows.Persistence.Kita;

namespace EGov.Workflows.Host.Kita;

/// <summary>
/// Where the Kita tables are for the <c>kita-platz</c> activity and the API: the server sets the store once it is opened
/// (SQLite or PostgreSQL, or memory); <c>./egov test</c> and <c>validate</c> keep the one in memory they start with.
/// </summary>
public sealed class KitaRegister
{
    private IKitaStore _store = new InMemoryKitaStore();

    public IKitaStore Store
    {
        get => Volatile.Read(ref _store);
        set => Volatile.Write(ref _store, value ?? throw new ArgumentNullException(nameof(value)));
    }
}

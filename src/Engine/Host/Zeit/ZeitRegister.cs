using EGov.Workflows.Persistence.Zeit;

namespace EGov.Workflows.Host.Zeit;

/// <summary>
/// Where the time-management tables are for the <c>urlaubskonto</c> and <c>fortbildungsbudget</c> activities and the API: the
/// server sets the store once it is opened (SQLite or PostgreSQL, or memory); <c>./egov test</c> and <c>validate</c> keep the one
/// in memory they start with.
/// </summary>
public sealed class ZeitRegister
{
    private IZeitStore _store = new InMemoryZeitStore();

    public IZeitStore Store
    {
        get => Volatile.Read(ref _store);
        set => Volatile.Write(ref _store, value ?? throw new ArgumentNullException(nameof(value)));
    }
}

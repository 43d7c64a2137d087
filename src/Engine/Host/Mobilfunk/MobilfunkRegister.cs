using EGov.Workflows.Persistence.Mobilfunk;

namespace EGov.Workflows.Host.Mobilfunk;

/// <summary>
/// Where the Mobilfunk tables are for the <c>mobilfunk-vertrag</c> activity and the API: the server sets the store once it is
/// opened (SQLite or PostgreSQL, or memory); <c>./egov test</c> and <c>validate</c> keep the one in memory they start with.
/// </summary>
public sealed class MobilfunkRegister
{
    private IMobilfunkStore _store = new InMemoryMobilfunkStore();

    public IMobilfunkStore Store
    {
        get => Volatile.Read(ref _store);
        set => Volatile.Write(ref _store, value ?? throw new ArgumentNullException(nameof(value)));
    }
}

using EGov.Workflows.Persistence.Termine;

namespace EGov.Workflows.Host.Termine;

/// <summary>
/// Where the appointment tables are for the activity <c>termin-buchung</c> and the API: the server sets the store once it is
/// opened (SQLite or PostgreSQL, or memory); <c>./egov test</c> and <c>validate</c> keep the one in memory they start with.
/// </summary>
public sealed class TerminRegister
{
    private ITerminStore _store = new InMemoryTerminStore();

    public ITerminStore Store
    {
        get => Volatile.Read(ref _store);
        set => Volatile.Write(ref _store, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The public holidays that close the places, per tenant: the tenant's Fristen calendar (the server sets it; default Hessen).</summary>
    public Func<string, Time.FristCalculator> Fristen { get; set; } = _ => Time.FristCalculator.Hessen;
}

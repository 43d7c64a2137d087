using EGov.Workflows.Persistence.Adressbuch;
using EGov.Workflows.Persistence.Reservierungen;

namespace EGov.Workflows.Host.Reservierungen;

/// <summary>
/// Where the reservation and directory tables are for the activities (<c>ressource-buchung</c>, <c>adressbuch-auskunft</c>),
/// the API and the Postkorb: the server sets the stores once it is opened (SQLite or PostgreSQL, or memory); <c>./egov test</c>
/// and <c>validate</c> keep the ones in memory they start with.
/// </summary>
public sealed class ReservierungRegister
{
    private IReservierungStore _store = new InMemoryReservierungStore();
    private IAdressbuchStore _adressbuch = new InMemoryAdressbuchStore();

    public IReservierungStore Store
    {
        get => Volatile.Read(ref _store);
        set => Volatile.Write(ref _store, value ?? throw new ArgumentNullException(nameof(value)));
    }

    public IAdressbuchStore Adressbuch
    {
        get => Volatile.Read(ref _adressbuch);
        set
        {
            Volatile.Write(ref _adressbuch, value ?? throw new ArgumentNullException(nameof(value)));
            Verzeichnis.Vergessen();
        }
    }

    /// <summary>The directory as the Postkorb reads it (groups, leads, deputies of a signed-in person), with a short cache.</summary>
    public Adressbuch.Verzeichnis Verzeichnis => _verzeichnis ??= new Adressbuch.Verzeichnis(() => Adressbuch);
    private Adressbuch.Verzeichnis? _verzeichnis;
}

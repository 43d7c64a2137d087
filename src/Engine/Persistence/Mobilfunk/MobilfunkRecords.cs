using NodaTime;

namespace EGov.Workflows.Persistence.Mobilfunk;

/// <summary>
/// A tariff of the standard catalogue (Rahmenvertrag of the municipality): the monthly base fee, the minimum term in months and
/// the data volume. Only <see cref="Aktiv"/> tariffs can be ordered; a retired one stays for the contracts that use it.
/// </summary>
public sealed record Tarif(string Id, string Bezeichnung, decimal Grundgebuehr, int Mindestlaufzeit, int? DatenvolumenGb, bool Aktiv, Instant GeaendertAm);

/// <summary>A device of the standard catalogue with its one-off price; only <see cref="Aktiv"/> devices can be ordered.</summary>
public sealed record Geraet(string Id, string Bezeichnung, string Hersteller, decimal Preis, bool Aktiv, Instant GeaendertAm);

/// <summary>The states of a contract: ordered, running (handed over), terminated (runs until <see cref="Vertrag.GekuendigtZum"/>), ended, or cancelled before the handover.</summary>
public static class VertragStatus
{
    public const string Bestellt = "bestellt", Aktiv = "aktiv", Gekuendigt = "gekuendigt", Beendet = "beendet", Storniert = "storniert";
    public static IReadOnlyList<string> All { get; } = [Bestellt, Aktiv, Gekuendigt, Beendet, Storniert];
    /// <summary>The states in which a contract costs money (its base fee counts in the overview).</summary>
    public static IReadOnlyList<string> Laufend { get; } = [Bestellt, Aktiv, Gekuendigt];
}

/// <summary>The states of a device handed to a member of staff: ordered, handed out (receipt confirmed), returned, or cancelled.</summary>
public static class GeraetStatus
{
    public const string Bestellt = "bestellt", Ausgegeben = "ausgegeben", Zurueckgegeben = "zurueckgegeben", Storniert = "storniert";
}

/// <summary>
/// A mobile contract of a member of staff, charged to a cost centre (Kostenstelle). Fee, device price and minimum term are copied
/// from the catalogue when it is ordered (a later catalogue change does not change a running contract). Its id is the case's
/// business key. <see cref="MindestlaufzeitEnde"/> is set at the handover (beginning + minimum term). The device fields come from
/// its device assignment (<see cref="GeraetId"/> null: SIM only).
/// </summary>
public sealed record Vertrag(
    string Id, string Mitarbeiter, string Kostenstelle, string TarifId, string? GeraetId, string? Rufnummer,
    decimal Grundgebuehr, decimal Geraetepreis, int Mindestlaufzeit, LocalDate? Beginn, LocalDate? MindestlaufzeitEnde,
    string Status, LocalDate? GekuendigtZum, string? InstanceId, Instant AngelegtAm, Instant GeaendertAm)
{
    public string? TarifBezeichnung { get; init; }
    public string? GeraetBezeichnung { get; init; }
    public string? Seriennummer { get; init; }
    public string? GeraetStatus { get; init; }
    public string? QuittiertVon { get; init; }
    public Instant? QuittiertAm { get; init; }
    public Instant? ZurueckgegebenAm { get; init; }
    /// <summary>What the contract costs a year: twelve base fees (the device is paid once).</summary>
    public decimal KostenJahr => Grundgebuehr * 12m;
}

/// <summary>A cost centre's running contracts and what they cost: base fees a month, devices bought (once).</summary>
public sealed record Kostenstellensumme(string Kostenstelle, int Vertraege, decimal Monatlich, decimal Geraete)
{
    public decimal Jaehrlich => Monatlich * 12m;
}

/// <summary>An order from an approved request: the contract and, when a device was chosen, its device assignment.</summary>
public sealed record Bestellung(string Id, string Mitarbeiter, string Kostenstelle, string TarifId, string? GeraetId, string? InstanceId, Instant Am);

/// <summary>Why the Mobilfunk tables refused a write; <see cref="MobilfunkConstraintException.Code"/> is what a process sees as its BPMN error code.</summary>
public static class MobilfunkFehler
{
    /// <summary>The tariff is not in the catalogue or no longer offered.</summary>
    public const string TarifUnbekannt = "TARIF_UNBEKANNT";
    /// <summary>The device is not in the catalogue or no longer offered.</summary>
    public const string GeraetUnbekannt = "GERAET_UNBEKANNT";
    /// <summary>No contract under that id.</summary>
    public const string VertragUnbekannt = "VERTRAG_UNBEKANNT";
    /// <summary>The step does not fit the contract's state (e.g. handing over a cancelled order).</summary>
    public const string FalscherStatus = "FALSCHER_STATUS";
    /// <summary>A device with that serial number (IMEI) is handed out to someone else.</summary>
    public const string SeriennummerVergeben = "SERIENNUMMER_VERGEBEN";
    /// <summary>A device was ordered, but the handover names no serial number (IMEI).</summary>
    public const string SeriennummerFehlt = "SERIENNUMMER_FEHLT";
    /// <summary>A contract id already used for another order.</summary>
    public const string IdVergeben = "ID_VERGEBEN";
}

/// <summary>A write the tables refuse, with the reason's <see cref="Code"/> (<see cref="MobilfunkFehler"/>) and a German message.</summary>
public sealed class MobilfunkConstraintException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}

/// <summary>
/// Filters of the contract list (the overview): each null means any. <see cref="Suche"/>: a part of the contract number, the member
/// of staff, the cost centre, the phone number, the tariff's or the device's name (case-insensitive, umlauts included).
/// </summary>
public sealed record VertragFilter(string? Mitarbeiter = null, string? Kostenstelle = null, string? Status = null, LocalDate? MindestlaufzeitEndeBis = null,
    string? Suche = null);

/// <summary>
/// The Mobilfunk tables (migration 0036), per tenant: the standard catalogue of tariffs and devices, the contracts and the devices
/// handed to staff. Ordering writes contract and device assignment in one transaction; that one device (serial number) is never
/// handed out twice at once is the database's rule (a partial unique index). Lists are paged.
/// </summary>
public interface IMobilfunkStore
{
    Tarif? GetTarif(string tenantId, string id);
    Tarif PutTarif(string tenantId, Tarif tarif);
    (IReadOnlyList<Tarif> Items, int Total) ListTarife(string tenantId, bool nurAktive, int offset, int limit);

    Geraet? GetGeraet(string tenantId, string id);
    Geraet PutGeraet(string tenantId, Geraet geraet);
    (IReadOnlyList<Geraet> Items, int Total) ListGeraete(string tenantId, bool nurAktive, int offset, int limit);

    /// <summary>
    /// Orders a contract (status bestellt) with its device: refused with <see cref="MobilfunkFehler.TarifUnbekannt"/> or
    /// <see cref="MobilfunkFehler.GeraetUnbekannt"/> (also for retired ones). The same order again answers the one already there.
    /// </summary>
    Vertrag Bestellen(string tenantId, Bestellung bestellung);
    /// <summary>
    /// The handover: the contract runs from <paramref name="beginn"/> (minimum term end = beginning + minimum term), the device is
    /// handed out with its serial number and the receipt confirmed by <paramref name="quittiertVon"/>. Refused when the contract is not
    /// ordered (<see cref="MobilfunkFehler.FalscherStatus"/>) or the serial number is out with someone else. Again: unchanged.
    /// </summary>
    Vertrag Uebergeben(string tenantId, string id, string? rufnummer, string? seriennummer, string quittiertVon, LocalDate beginn, Instant now);
    /// <summary>Extends a running contract's minimum term by <paramref name="monate"/> months (renewal after the reminder).</summary>
    Vertrag Verlaengern(string tenantId, string id, int monate, Instant now);
    /// <summary>Terminates a running contract at <paramref name="zum"/>; a terminated one is answered unchanged.</summary>
    Vertrag Kuendigen(string tenantId, string id, LocalDate zum, Instant now);
    /// <summary>Takes the device back (staff leaving or contract ended); the contract, when terminated, is then ended.</summary>
    Vertrag Zuruecknehmen(string tenantId, string id, Instant now);
    /// <summary>Cancels an order before the handover; a cancelled one is answered unchanged.</summary>
    Vertrag Stornieren(string tenantId, string id, Instant now);

    Vertrag? GetVertrag(string tenantId, string id);
    /// <summary>Contracts with tariff, device and costs, ordered by cost centre, staff member, id.</summary>
    (IReadOnlyList<Vertrag> Items, int Total) ListVertraege(string tenantId, VertragFilter filter, int offset, int limit);
    /// <summary>The running contracts' costs per cost centre (optionally one), ordered by cost centre.</summary>
    (IReadOnlyList<Kostenstellensumme> Items, int Total) Kosten(string tenantId, string? kostenstelle, int offset, int limit);
    /// <summary>All running contracts' costs together (<see cref="Kostenstellensumme.Kostenstelle"/> is empty).</summary>
    Kostenstellensumme Gesamt(string tenantId);
}

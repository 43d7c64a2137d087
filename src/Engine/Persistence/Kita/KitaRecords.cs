using NodaTime;

namespace EGov.Workflows.Persistence.Kita;

/// <summary>The age groups a Kita place is for: under three (Krippe, § 24 Abs. 2 SGB VIII) and from three (§ 24 Abs. 3 SGB VIII).</summary>
public static class Altersgruppe
{
    public const string U3 = "U3", Ue3 = "UE3";

    /// <summary>The group a child needs at the start of care: U3 while it is not yet three on <paramref name="beginn"/>.</summary>
    public static string Bei(LocalDate geburtsdatum, LocalDate beginn) => geburtsdatum.PlusYears(3) > beginn ? U3 : Ue3;
}

/// <summary>The states of a registration on the waiting list.</summary>
public static class AnmeldungStatus
{
    public const string Wartend = "wartend", Angeboten = "angeboten", Angenommen = "angenommen", Abgelehnt = "abgelehnt",
        Verfallen = "verfallen", Zurueckgezogen = "zurueckgezogen";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { Wartend, Angeboten, Angenommen, Abgelehnt, Verfallen, Zurueckgezogen };

    /// <summary>The states that end a registration and free its place.</summary>
    public static readonly IReadOnlySet<string> Freigebend = new HashSet<string>(StringComparer.Ordinal) { Abgelehnt, Verfallen, Zurueckgezogen };
}

/// <summary>A Kita (Kindertageseinrichtung) with its places per age group and how many of them are free now.</summary>
public sealed record Einrichtung(string Id, string Name, string? Adresse, int PlaetzeU3, int PlaetzeUe3, bool Aktiv, Instant GeaendertAm)
{
    public int FreiU3 { get; init; }
    public int FreiUe3 { get; init; }
}

/// <summary>
/// A registration on the waiting list (id = the Kita case's business key): the child, the start of care wished, up to three
/// Kitas in the order of preference, the points the allocation table gave, its state, and the place offered or taken.
/// </summary>
public sealed record Anmeldung(string Id, string Kind, LocalDate Geburtsdatum, LocalDate Beginn, IReadOnlyList<string> Wuensche, int Punkte,
    string Status, string? EinrichtungId, LocalDate? AngebotFrist, string? InstanceId, Instant AngelegtAm, Instant GeaendertAm)
{
    public string Altersgruppe => Kita.Altersgruppe.Bei(Geburtsdatum, Beginn);
    /// <summary>The place on the waiting list among those waiting (1 = next), null when not waiting.</summary>
    public int? Rang { get; init; }
}

/// <summary>What a case puts on the waiting list.</summary>
public sealed record NeueAnmeldung(string Id, string Kind, LocalDate Geburtsdatum, LocalDate Beginn, IReadOnlyList<string> Wuensche, int Punkte, string? InstanceId);

/// <summary>The codes of the refusals of the Kita tables.</summary>
public static class KitaFehler
{
    public const string EinrichtungUnbekannt = "KITA_UNBEKANNT", AnmeldungUnbekannt = "ANMELDUNG_UNBEKANNT", Status = "STATUS_UNZULAESSIG",
        PlaetzeBelegt = "PLAETZE_BELEGT", Eingabe = "EINGABE_UNGUELTIG";
}

/// <summary>A step the Kita tables refuse (a Kita unknown, a registration in a state that does not allow it, fewer places than taken).</summary>
public sealed class KitaConstraintException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>
/// The Kita tables (migration 0033), per tenant: the Kitas with their places (one row per place, per age group), and the waiting
/// list. A place is offered to one registration at a time — the database's rule (a unique index on the place's registration),
/// not a check before the write. The allocation offers a free place only when no one ranked higher on the list (more points,
/// else registered earlier) waits for a place of the same age group in that Kita: so when an offer lapses, the place goes to
/// the next on the list.
/// </summary>
public interface IKitaStore
{
    Einrichtung? GetEinrichtung(string tenantId, string id);
    /// <summary>Adds or changes a Kita; its places follow the numbers given (fewer than are taken: <see cref="KitaFehler.PlaetzeBelegt"/>).</summary>
    Einrichtung PutEinrichtung(string tenantId, Einrichtung einrichtung);
    (IReadOnlyList<Einrichtung> Items, int Total) ListEinrichtungen(string tenantId, int offset, int limit);

    /// <summary>Puts a registration on the waiting list, or updates a waiting one (wishes, points); any other state is refused.</summary>
    Anmeldung Anmelden(string tenantId, NeueAnmeldung anmeldung, Instant now);
    Anmeldung? GetAnmeldung(string tenantId, string id);
    /// <summary>The waiting list, highest rank first (points, then registration time); filtered by Kita wished and state.</summary>
    (IReadOnlyList<Anmeldung> Items, int Total) Warteliste(string tenantId, string? einrichtungId, string? status, int offset, int limit);

    /// <summary>Offers a waiting registration a place by its wishes and rank, answerable until <paramref name="frist"/>; unchanged when none is free for it.</summary>
    Anmeldung Zuteilen(string tenantId, string id, LocalDate frist, Instant now);
    /// <summary>The family accepts the place offered: it is theirs.</summary>
    Anmeldung Annehmen(string tenantId, string id, Instant now);
    /// <summary>
    /// Ends an offer or a registration with <paramref name="status"/> (abgelehnt, verfallen, zurueckgezogen — the place is free
    /// again for the next on the list) or puts a declined offer back on the list (<c>wartend</c>).
    /// </summary>
    Anmeldung Freigeben(string tenantId, string id, string status, Instant now);
}

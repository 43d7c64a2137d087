using NodaTime;

namespace EGov.Workflows.Persistence.Reservierungen;

/// <summary>The kinds of bookable resources.</summary>
public static class RessourcenArten
{
    public const string Raum = "raum", Fahrzeug = "fahrzeug";
    public static IReadOnlyList<string> All { get; } = [Raum, Fahrzeug];
}

/// <summary>
/// A room or an official car that can be booked. <see cref="Genehmigungspflicht"/>: a booking needs the approval of
/// <see cref="GenehmigerGruppe"/> before it is confirmed; <see cref="VerwalterGruppe"/> hands out the key or the car and takes
/// it back (Hausverwaltung, Fahrbereitschaft).
/// </summary>
public sealed record Ressource(
    string Id, string Art, string Name, string? Standort, int? Kapazitaet, string? Kennzeichen,
    bool Genehmigungspflicht, string? GenehmigerGruppe, string VerwalterGruppe, bool Aktiv, Instant GeaendertAm);

/// <summary>The states of a booking. Only <see cref="Belegend"/> ones occupy their time.</summary>
public static class BuchungStatus
{
    public const string Angefragt = "angefragt", Bestaetigt = "bestaetigt", Ausgegeben = "ausgegeben",
        Zurueckgegeben = "zurueckgegeben", Storniert = "storniert", Abgelehnt = "abgelehnt";
    public static IReadOnlyList<string> All { get; } = [Angefragt, Bestaetigt, Ausgegeben, Zurueckgegeben, Storniert, Abgelehnt];
    /// <summary>The states in which a booking holds its time: requested (awaiting approval), confirmed, handed out.</summary>
    public static IReadOnlyList<string> Belegend { get; } = [Angefragt, Bestaetigt, Ausgegeben];
    public static bool Belegt(string status) => Belegend.Contains(status);
}

/// <summary>A booking of a resource for [<see cref="Von"/>, <see cref="Bis"/>) — half-open: the next one may start when it ends.</summary>
public sealed record Buchung(
    string Id, string RessourceId, Instant Von, Instant Bis, string Status, string GebuchtFuer, string GebuchtVon,
    string Zweck, int? Teilnehmer, string? InstanceId, Instant ErstelltAm, Instant GeaendertAm);

/// <summary>A write the tables refuse: the resource is booked at that time (<see cref="Belegt"/>), or an unknown resource, a name taken, a rule broken.</summary>
public sealed class ReservierungConstraintException(string message, bool belegt = false, Exception? inner = null, bool vergeben = false) : Exception(message, inner)
{
    /// <summary>The booking overlaps an active booking of the same resource (the database's conflict rule refused it).</summary>
    public bool Belegt { get; } = belegt;

    /// <summary>A unique value is taken: another resource has the name (or the id is in use).</summary>
    public bool Vergeben { get; } = vergeben;
}

/// <summary>
/// The reservation tables (migration 0030): resources and their bookings, per tenant. That two active bookings of one
/// resource never overlap is the database's rule (trigger on SQLite, exclusion constraint on PostgreSQL), so two racing
/// bookings of the same time end with exactly one booked. Lists are paged.
/// </summary>
public interface IReservierungStore
{
    Ressource? GetRessource(string tenantId, string id);
    /// <summary>Adds or changes a resource; a name another resource of the tenant holds is refused.</summary>
    void PutRessource(string tenantId, Ressource ressource);
    (IReadOnlyList<Ressource> Items, int Total) ListRessourcen(string tenantId, string? art, int offset, int limit);

    Buchung? GetBuchung(string tenantId, string id);
    /// <summary>Adds a booking; refused with <see cref="ReservierungConstraintException.Belegt"/> when it overlaps an active one.</summary>
    void AddBuchung(string tenantId, Buchung buchung);
    /// <summary>Changes a booking's status (and its change time); going back to an occupying status is refused when the time is taken meanwhile.</summary>
    void SetStatus(string tenantId, string id, string status, Instant geaendertAm);
    /// <summary>A resource's calendar: its bookings that overlap [von, bis), by start (all statuses when <paramref name="auchInaktive"/>).</summary>
    (IReadOnlyList<Buchung> Items, int Total) Kalender(string tenantId, string ressourceId, Instant von, Instant bis, bool auchInaktive, int offset, int limit);
    /// <summary>A person's bookings (booked for them or by them), newest start first.</summary>
    (IReadOnlyList<Buchung> Items, int Total) BuchungenVon(string tenantId, string person, int offset, int limit);
}

using NodaTime;

namespace EGov.Workflows.Persistence.Termine;

/// <summary>
/// A place citizens book appointments at (Bürgerbüro). <see cref="Schalter"/>: how many citizens are served at the same time
/// (the capacity); <see cref="RasterMinuten"/>: slots start on this grid from the opening; <see cref="VorlaufTage"/>: how many
/// days ahead one may book; <see cref="Gruppe"/>: the Postkorb group of its clerks.
/// </summary>
public sealed record Standort(string Id, string Name, string? Adresse, int Schalter, int RasterMinuten, int VorlaufTage, string Gruppe, bool Aktiv, Instant GeaendertAm);

/// <summary>Opening hours on one weekday (1 = Monday … 7 = Sunday): [<see cref="VonMinute"/>, <see cref="BisMinute"/>) minutes after midnight, local time.</summary>
public sealed record Oeffnungszeit(int Wochentag, int VonMinute, int BisMinute);

/// <summary>A service one books an appointment for; the appointment lasts <see cref="DauerMinuten"/>. <see cref="Leika"/>: its LeiKa key, where there is one.</summary>
public sealed record Dienstleistung(string Id, string Name, int DauerMinuten, string? Leika, bool Aktiv, Instant GeaendertAm);

/// <summary>The states of an appointment. Only <see cref="Belegend"/> ones hold their counter.</summary>
public static class TerminStatus
{
    public const string Gebucht = "gebucht", Erschienen = "erschienen", Erledigt = "erledigt", NichtErschienen = "nicht_erschienen", Storniert = "storniert";
    public static IReadOnlyList<string> All { get; } = [Gebucht, Erschienen, Erledigt, NichtErschienen, Storniert];
    /// <summary>Booked or the citizen is being served: the counter is held.</summary>
    public static IReadOnlyList<string> Belegend { get; } = [Gebucht, Erschienen];
    public static bool Belegt(string status) => Belegend.Contains(status);
}

/// <summary>
/// An appointment at counter <see cref="Schalter"/> of a place for [<see cref="Von"/>, <see cref="Bis"/>) (half-open).
/// <see cref="Buerger"/>: who booked it (the citizen's pseudonymous owner id, or a clerk's user id for a booking at the desk).
/// </summary>
public sealed record Termin(
    string Id, string StandortId, int Schalter, string DienstleistungId, Instant Von, Instant Bis, string Status,
    string Buerger, string Name, string? Email, string? InstanceId, string? Grund, Instant ErstelltAm, Instant GeaendertAm);

/// <summary>
/// A write the tables refuse: no counter free at that time (<see cref="Belegt"/>), the citizen holds as many open appointments as
/// allowed (<see cref="ZuViele"/>), or an unknown place or service, a name taken, a rule broken.
/// </summary>
public sealed class TerminConstraintException(string message, bool belegt = false, Exception? inner = null, bool zuViele = false) : Exception(message, inner)
{
    public bool Belegt { get; } = belegt;
    /// <summary>The booking was refused because the citizen already holds the most open appointments allowed.</summary>
    public bool ZuViele { get; } = zuViele;
}

/// <summary>
/// The appointment tables (migration 0031), per tenant. That two holding appointments of one counter never overlap is the
/// database's rule (trigger on SQLite, exclusion constraint on PostgreSQL); <see cref="Buchen"/> tries the place's counters
/// one after the other with single INSERTs, so of bookings racing for the last counter exactly one gets it. Lists are paged.
/// </summary>
public interface ITerminStore
{
    Standort? GetStandort(string tenantId, string id);
    void PutStandort(string tenantId, Standort standort);
    (IReadOnlyList<Standort> Items, int Total) ListStandorte(string tenantId, int offset, int limit);
    IReadOnlyList<Oeffnungszeit> Oeffnungszeiten(string tenantId, string standortId);
    /// <summary>Replaces the place's opening hours (all weekdays) in one transaction; overlapping hours of one day are refused.</summary>
    void SetOeffnungszeiten(string tenantId, string standortId, IReadOnlyList<Oeffnungszeit> zeiten);

    Dienstleistung? GetDienstleistung(string tenantId, string id);
    void PutDienstleistung(string tenantId, Dienstleistung dienstleistung);
    (IReadOnlyList<Dienstleistung> Items, int Total) ListDienstleistungen(string tenantId, int offset, int limit);

    Termin? GetTermin(string tenantId, string id);
    /// <summary>
    /// Books <paramref name="termin"/> at the first of counters 1…<paramref name="schalter"/> the database lets it have (its
    /// <see cref="Termin.Schalter"/> is ignored); returns it with the counter. Refused with <see cref="TerminConstraintException.Belegt"/>
    /// when every counter is taken at that time. With <paramref name="hoechstensOffen"/>, refused with
    /// <see cref="TerminConstraintException.ZuViele"/> when <see cref="Termin.Buerger"/> already holds that many open appointments
    /// (booked or being served, ending after <see cref="Termin.ErstelltAm"/>): the count and the insert are one transaction that
    /// bookings of the same citizen pass one after the other (SQLite: the write lock taken at its start; PostgreSQL: a
    /// transaction-scoped advisory lock on tenant and citizen), so bookings racing on several connections or nodes never exceed it.
    /// </summary>
    Termin Buchen(string tenantId, Termin termin, int schalter, int? hoechstensOffen = null);
    /// <summary>Moves an appointment to [von, bis) at the first free counter of 1…<paramref name="schalter"/>, keeping it when none is free (Belegt).</summary>
    Termin Umbuchen(string tenantId, string id, Instant von, Instant bis, int schalter, Instant geaendertAm);
    /// <summary>Changes the status (and reason); back to a holding status is refused when the counter is taken meanwhile.</summary>
    void SetStatus(string tenantId, string id, string status, string? grund, Instant geaendertAm);
    void SetInstance(string tenantId, string id, string instanceId);
    /// <summary>The place's appointments overlapping [von, bis), by start then counter (all statuses when <paramref name="auchInaktive"/>).</summary>
    (IReadOnlyList<Termin> Items, int Total) Tag(string tenantId, string standortId, Instant von, Instant bis, bool auchInaktive, int offset, int limit);
    /// <summary>A citizen's appointments, newest start first.</summary>
    (IReadOnlyList<Termin> Items, int Total) TermineVon(string tenantId, string buerger, int offset, int limit);
}

using NodaTime;

namespace EGov.Workflows.Persistence.Zeit;

/// <summary>
/// A staff member's leave account for one calendar year: the entitlement (<see cref="Anspruch"/>, e.g. 30 days under § 26 TVöD),
/// days carried over from the year before (<see cref="Uebertrag"/>) and the days booked by approved leave requests. Days come in
/// halves (a half day of leave is common); the tables keep half days as whole numbers.
/// </summary>
public sealed record Urlaubskonto(string Mitarbeiter, int Jahr, decimal Anspruch, decimal Uebertrag, decimal Gebucht, Instant GeaendertAm)
{
    /// <summary>The days left to take: entitlement plus carry-over minus booked.</summary>
    public decimal Rest => Anspruch + Uebertrag - Gebucht;
}

/// <summary>The states of a leave booking: booked by an approved request, or cancelled (its days are back in the account).</summary>
public static class UrlaubsbuchungStatus
{
    public const string Gebucht = "gebucht", Storniert = "storniert";
}

/// <summary>A booking of approved leave against the account of <see cref="Jahr"/>; its id is the case's business key (the request number).</summary>
public sealed record Urlaubsbuchung(string Id, string Mitarbeiter, int Jahr, LocalDate Von, LocalDate Bis, decimal Tage, string Status,
    string? InstanceId, Instant GebuchtAm, Instant? StorniertAm);

/// <summary>
/// The training budget of a cost centre (Kostenstelle) for one year, in euros: <see cref="Gebunden"/> is what approved training
/// requests have reserved. The table refuses a reservation beyond the budget.
/// </summary>
public sealed record Fortbildungsbudget(string Kostenstelle, int Jahr, string Bezeichnung, decimal Budget, decimal Gebunden, Instant GeaendertAm)
{
    /// <summary>What is still available.</summary>
    public decimal Verfuegbar => Budget - Gebunden;
}

/// <summary>The states of a budget reservation: reserved by an approved training request, or dissolved (the money is available again).</summary>
public static class ReservierungStatus
{
    public const string Reserviert = "reserviert", Aufgeloest = "aufgeloest";
}

/// <summary>A training request's reservation on a cost centre's budget; its id is the case's business key.</summary>
public sealed record Budgetreservierung(string Id, string Kostenstelle, int Jahr, decimal Betrag, string Status, string Mitarbeiter, string Titel,
    string? InstanceId, Instant ReserviertAm, Instant? AufgeloestAm);

/// <summary>Why the time-management tables refused a write; <see cref="Code"/> is what a process sees as its BPMN error code.</summary>
public static class ZeitFehler
{
    /// <summary>No leave account for the staff member and year.</summary>
    public const string KeinUrlaubskonto = "KEIN_URLAUBSKONTO";
    /// <summary>The booking would take more days than are left.</summary>
    public const string ResturlaubUeberschritten = "RESTURLAUB_UEBERSCHRITTEN";
    /// <summary>No training budget for the cost centre and year.</summary>
    public const string KeinBudget = "KEIN_BUDGET";
    /// <summary>The reservation would exceed the budget.</summary>
    public const string BudgetErschoepft = "BUDGET_ERSCHOEPFT";
    /// <summary>An entitlement or budget set below what is already booked or reserved.</summary>
    public const string UnterGebucht = "UNTER_GEBUCHT";
    /// <summary>A booking or reservation id already used for something else.</summary>
    public const string IdVergeben = "ID_VERGEBEN";
}

/// <summary>A write the tables refuse, with the reason's <see cref="Code"/> (<see cref="ZeitFehler"/>) and a German message.</summary>
public sealed class ZeitConstraintException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}

/// <summary>
/// The time-management tables (migration 0026): leave accounts with their bookings, training budgets with their reservations, per
/// tenant. Booking and reserving are single atomic steps whose limits are the tables' check constraints, so two requests booked at
/// the same moment cannot together overdraw an account or a budget. Lists are paged.
/// </summary>
public interface IZeitStore
{
    Urlaubskonto? GetUrlaubskonto(string tenantId, string mitarbeiter, int jahr);
    /// <summary>Sets entitlement and carry-over (booked days stay); refused (<see cref="ZeitFehler.UnterGebucht"/>) below what is booked.</summary>
    Urlaubskonto PutUrlaubskonto(string tenantId, string mitarbeiter, int jahr, decimal anspruch, decimal uebertrag, Instant now);
    /// <summary>Accounts by staff member and year, optionally of one staff member or one year.</summary>
    (IReadOnlyList<Urlaubskonto> Items, int Total) ListUrlaubskonten(string tenantId, string? mitarbeiter, int? jahr, int offset, int limit);

    /// <summary>
    /// Books approved leave against the account of the booking's year, atomically: refused with <see cref="ZeitFehler.KeinUrlaubskonto"/>
    /// or <see cref="ZeitFehler.ResturlaubUeberschritten"/>. The same booking (same id, staff member and days) again answers the one
    /// already there (a retried step books once).
    /// </summary>
    Urlaubsbuchung Buchen(string tenantId, Urlaubsbuchung buchung);
    /// <summary>Cancels a booking and gives its days back; an already cancelled one is answered unchanged; null when unknown.</summary>
    Urlaubsbuchung? Stornieren(string tenantId, string id, Instant now);
    Urlaubsbuchung? GetUrlaubsbuchung(string tenantId, string id);
    /// <summary>A staff member's bookings, newest leave first, optionally of one year.</summary>
    (IReadOnlyList<Urlaubsbuchung> Items, int Total) ListUrlaubsbuchungen(string tenantId, string mitarbeiter, int? jahr, int offset, int limit);

    Fortbildungsbudget? GetBudget(string tenantId, string kostenstelle, int jahr);
    /// <summary>Sets a budget (reservations stay); refused (<see cref="ZeitFehler.UnterGebucht"/>) below what is reserved.</summary>
    Fortbildungsbudget PutBudget(string tenantId, string kostenstelle, int jahr, string bezeichnung, decimal budget, Instant now);
    (IReadOnlyList<Fortbildungsbudget> Items, int Total) ListBudgets(string tenantId, int? jahr, int offset, int limit);

    /// <summary>
    /// Reserves money for an approved training atomically: refused with <see cref="ZeitFehler.KeinBudget"/> or
    /// <see cref="ZeitFehler.BudgetErschoepft"/>; the same reservation again answers the one already there.
    /// </summary>
    Budgetreservierung Reservieren(string tenantId, Budgetreservierung reservierung);
    /// <summary>Dissolves a reservation (the money is available again); an already dissolved one is answered unchanged; null when unknown.</summary>
    Budgetreservierung? Aufloesen(string tenantId, string id, Instant now);
    Budgetreservierung? GetReservierung(string tenantId, string id);
    /// <summary>The reservations on a budget, oldest first.</summary>
    (IReadOnlyList<Budgetreservierung> Items, int Total) ListReservierungen(string tenantId, string kostenstelle, int jahr, int offset, int limit);
}

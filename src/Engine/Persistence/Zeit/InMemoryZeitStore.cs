using System.Globalization;
using NodaTime;

namespace EGov.Workflows.Persistence.Zeit;

/// <summary>The time-management tables in memory (store <c>memory</c>, <c>./egov test</c>): the same rules as the SQL tables, under one lock.</summary>
public sealed class InMemoryZeitStore : IZeitStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string, int), Urlaubskonto> _konten = [];
    private readonly Dictionary<(string, string), Urlaubsbuchung> _buchungen = [];
    private readonly Dictionary<(string, string, int), Fortbildungsbudget> _budgets = [];
    private readonly Dictionary<(string, string), Budgetreservierung> _reservierungen = [];

    private static (IReadOnlyList<T>, int) Page<T>(IEnumerable<T> items, int offset, int limit)
    {
        var all = items.ToList();
        return (all.Skip(offset).Take(limit).ToList(), all.Count);
    }

    public Urlaubskonto? GetUrlaubskonto(string tenantId, string mitarbeiter, int jahr)
    {
        lock (_gate) return _konten.GetValueOrDefault((tenantId, mitarbeiter, jahr));
    }

    public Urlaubskonto PutUrlaubskonto(string tenantId, string mitarbeiter, int jahr, decimal anspruch, decimal uebertrag, Instant now)
    {
        lock (_gate)
        {
            var gebucht = _konten.GetValueOrDefault((tenantId, mitarbeiter, jahr))?.Gebucht ?? 0m;
            if (gebucht > anspruch + uebertrag)
                throw new ZeitConstraintException(ZeitFehler.UnterGebucht, $"Anspruch und Übertrag von {mitarbeiter} für {jahr} lägen unter den schon gebuchten Tagen.");
            return _konten[(tenantId, mitarbeiter, jahr)] = new Urlaubskonto(mitarbeiter, jahr, anspruch, uebertrag, gebucht, now);
        }
    }

    public (IReadOnlyList<Urlaubskonto> Items, int Total) ListUrlaubskonten(string tenantId, string? mitarbeiter, int? jahr, int offset, int limit)
    {
        lock (_gate)
            return Page(_konten.Where(k => k.Key.Item1 == tenantId && (mitarbeiter is null || k.Key.Item2 == mitarbeiter) && (jahr is null || k.Key.Item3 == jahr))
                .Select(k => k.Value).OrderBy(k => k.Mitarbeiter, StringComparer.Ordinal).ThenBy(k => k.Jahr), offset, limit);
    }

    public Urlaubsbuchung Buchen(string tenantId, Urlaubsbuchung buchung)
    {
        ArgumentNullException.ThrowIfNull(buchung);
        lock (_gate)
        {
            if (_buchungen.TryGetValue((tenantId, buchung.Id), out var existing))
                return existing.Mitarbeiter == buchung.Mitarbeiter && existing.Jahr == buchung.Jahr && existing.Tage == buchung.Tage ? existing
                    : throw new ZeitConstraintException(ZeitFehler.IdVergeben, $"Die Buchung „{buchung.Id}“ gibt es schon, für andere Tage oder eine andere Person.");
            var konto = _konten.GetValueOrDefault((tenantId, buchung.Mitarbeiter, buchung.Jahr))
                ?? throw new ZeitConstraintException(ZeitFehler.KeinUrlaubskonto, $"Für {buchung.Mitarbeiter} gibt es kein Urlaubskonto {buchung.Jahr}.");
            if (buchung.Tage > konto.Rest)
                throw new ZeitConstraintException(ZeitFehler.ResturlaubUeberschritten,
                    $"{buchung.Tage.ToString(CultureInfo.InvariantCulture)} Tage übersteigen den Resturlaub von {buchung.Mitarbeiter} für {buchung.Jahr}.");
            _konten[(tenantId, buchung.Mitarbeiter, buchung.Jahr)] = konto with { Gebucht = konto.Gebucht + buchung.Tage, GeaendertAm = buchung.GebuchtAm };
            var booked = buchung with { Status = UrlaubsbuchungStatus.Gebucht, StorniertAm = null };
            return _buchungen[(tenantId, buchung.Id)] = booked;
        }
    }

    public Urlaubsbuchung? Stornieren(string tenantId, string id, Instant now)
    {
        lock (_gate)
        {
            if (!_buchungen.TryGetValue((tenantId, id), out var b) || b.Status == UrlaubsbuchungStatus.Storniert) return b;
            var konto = _konten[(tenantId, b.Mitarbeiter, b.Jahr)];
            _konten[(tenantId, b.Mitarbeiter, b.Jahr)] = konto with { Gebucht = konto.Gebucht - b.Tage, GeaendertAm = now };
            return _buchungen[(tenantId, id)] = b with { Status = UrlaubsbuchungStatus.Storniert, StorniertAm = now };
        }
    }

    public Urlaubsbuchung? GetUrlaubsbuchung(string tenantId, string id)
    {
        lock (_gate) return _buchungen.GetValueOrDefault((tenantId, id));
    }

    public (IReadOnlyList<Urlaubsbuchung> Items, int Total) ListUrlaubsbuchungen(string tenantId, string mitarbeiter, int? jahr, int offset, int limit)
    {
        lock (_gate)
            return Page(_buchungen.Where(b => b.Key.Item1 == tenantId && b.Value.Mitarbeiter == mitarbeiter && (jahr is null || b.Value.Jahr == jahr))
                .Select(b => b.Value).OrderByDescending(b => b.Von).ThenBy(b => b.Id, StringComparer.Ordinal), offset, limit);
    }

    public Fortbildungsbudget? GetBudget(string tenantId, string kostenstelle, int jahr)
    {
        lock (_gate) return _budgets.GetValueOrDefault((tenantId, kostenstelle, jahr));
    }

    public Fortbildungsbudget PutBudget(string tenantId, string kostenstelle, int jahr, string bezeichnung, decimal budget, Instant now)
    {
        lock (_gate)
        {
            var gebunden = _budgets.GetValueOrDefault((tenantId, kostenstelle, jahr))?.Gebunden ?? 0m;
            if (gebunden > budget)
                throw new ZeitConstraintException(ZeitFehler.UnterGebucht, $"Das Budget der Kostenstelle {kostenstelle} für {jahr} läge unter dem schon reservierten Betrag.");
            return _budgets[(tenantId, kostenstelle, jahr)] = new Fortbildungsbudget(kostenstelle, jahr, bezeichnung, budget, gebunden, now);
        }
    }

    public (IReadOnlyList<Fortbildungsbudget> Items, int Total) ListBudgets(string tenantId, int? jahr, int offset, int limit)
    {
        lock (_gate)
            return Page(_budgets.Where(b => b.Key.Item1 == tenantId && (jahr is null || b.Key.Item3 == jahr)).Select(b => b.Value)
                .OrderByDescending(b => b.Jahr).ThenBy(b => b.Kostenstelle, StringComparer.Ordinal), offset, limit);
    }

    public Budgetreservierung Reservieren(string tenantId, Budgetreservierung reservierung)
    {
        ArgumentNullException.ThrowIfNull(reservierung);
        lock (_gate)
        {
            if (_reservierungen.TryGetValue((tenantId, reservierung.Id), out var existing))
                return existing.Kostenstelle == reservierung.Kostenstelle && existing.Jahr == reservierung.Jahr && existing.Betrag == reservierung.Betrag ? existing
                    : throw new ZeitConstraintException(ZeitFehler.IdVergeben, $"Die Reservierung „{reservierung.Id}“ gibt es schon, über einen anderen Betrag oder ein anderes Budget.");
            var budget = _budgets.GetValueOrDefault((tenantId, reservierung.Kostenstelle, reservierung.Jahr))
                ?? throw new ZeitConstraintException(ZeitFehler.KeinBudget, $"Für die Kostenstelle {reservierung.Kostenstelle} gibt es kein Fortbildungsbudget {reservierung.Jahr}.");
            if (reservierung.Betrag > budget.Verfuegbar)
                throw new ZeitConstraintException(ZeitFehler.BudgetErschoepft,
                    $"{reservierung.Betrag.ToString("0.00", CultureInfo.InvariantCulture)} € übersteigen das verfügbare Fortbildungsbudget der Kostenstelle {reservierung.Kostenstelle} für {reservierung.Jahr}.");
            _budgets[(tenantId, reservierung.Kostenstelle, reservierung.Jahr)] = budget with { Gebunden = budget.Gebunden + reservierung.Betrag, GeaendertAm = reservierung.ReserviertAm };
            return _reservierungen[(tenantId, reservierung.Id)] = reservierung with { Status = ReservierungStatus.Reserviert, AufgeloestAm = null };
        }
    }

    public Budgetreservierung? Aufloesen(string tenantId, string id, Instant now)
    {
        lock (_gate)
        {
            if (!_reservierungen.TryGetValue((tenantId, id), out var r) || r.Status == ReservierungStatus.Aufgeloest) return r;
            var budget = _budgets[(tenantId, r.Kostenstelle, r.Jahr)];
            _budgets[(tenantId, r.Kostenstelle, r.Jahr)] = budget with { Gebunden = budget.Gebunden - r.Betrag, GeaendertAm = now };
            return _reservierungen[(tenantId, id)] = r with { Status = ReservierungStatus.Aufgeloest, AufgeloestAm = now };
        }
    }

    public Budgetreservierung? GetReservierung(string tenantId, string id)
    {
        lock (_gate) return _reservierungen.GetValueOrDefault((tenantId, id));
    }

    public (IReadOnlyList<Budgetreservierung> Items, int Total) ListReservierungen(string tenantId, string kostenstelle, int jahr, int offset, int limit)
    {
        lock (_gate)
            return Page(_reservierungen.Where(r => r.Key.Item1 == tenantId && r.Value.Kostenstelle == kostenstelle && r.Value.Jahr == jahr).Select(r => r.Value)
                .OrderBy(r => r.ReserviertAm).ThenBy(r => r.Id, StringComparer.Ordinal), offset, limit);
    }
}

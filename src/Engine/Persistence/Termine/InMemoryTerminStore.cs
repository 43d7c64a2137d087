using NodaTime;

namespace EGov.Workflows.Persistence.Termine;

/// <summary>The appointment tables in memory (the memory store, <c>./egov test</c>): the same rules as the tables, under one lock.</summary>
public sealed class InMemoryTerminStore : ITerminStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), Standort> _standorte = [];
    private readonly Dictionary<(string, string), IReadOnlyList<Oeffnungszeit>> _zeiten = [];
    private readonly Dictionary<(string, string), Dienstleistung> _leistungen = [];
    private readonly Dictionary<(string, string), Termin> _termine = [];

    public Standort? GetStandort(string tenantId, string id)
    {
        lock (_gate) return _standorte.GetValueOrDefault((tenantId, id));
    }

    public void PutStandort(string tenantId, Standort standort)
    {
        ArgumentNullException.ThrowIfNull(standort);
        TerminRules.Check(standort);
        lock (_gate)
        {
            if (_standorte.Any(kv => kv.Key.Item1 == tenantId && kv.Key.Item2 != standort.Id && kv.Value.Name == standort.Name))
                throw new TerminConstraintException("the name is taken");
            _standorte[(tenantId, standort.Id)] = standort;
        }
    }

    public (IReadOnlyList<Standort> Items, int Total) ListStandorte(string tenantId, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _standorte.Where(kv => kv.Key.Item1 == tenantId).Select(kv => kv.Value).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    public IReadOnlyList<Oeffnungszeit> Oeffnungszeiten(string tenantId, string standortId)
    {
        lock (_gate) return _zeiten.GetValueOrDefault((tenantId, standortId)) ?? [];
    }

    public void SetOeffnungszeiten(string tenantId, string standortId, IReadOnlyList<Oeffnungszeit> zeiten)
    {
        var sorted = TerminRules.Check(zeiten);
        lock (_gate)
        {
            if (!_standorte.ContainsKey((tenantId, standortId))) throw new TerminConstraintException("an unknown place is named");
            _zeiten[(tenantId, standortId)] = sorted;
        }
    }

    public Dienstleistung? GetDienstleistung(string tenantId, string id)
    {
        lock (_gate) return _leistungen.GetValueOrDefault((tenantId, id));
    }

    public void PutDienstleistung(string tenantId, Dienstleistung dienstleistung)
    {
        ArgumentNullException.ThrowIfNull(dienstleistung);
        TerminRules.Check(dienstleistung);
        lock (_gate)
        {
            if (_leistungen.Any(kv => kv.Key.Item1 == tenantId && kv.Key.Item2 != dienstleistung.Id && kv.Value.Name == dienstleistung.Name))
                throw new TerminConstraintException("the name is taken");
            _leistungen[(tenantId, dienstleistung.Id)] = dienstleistung;
        }
    }

    public (IReadOnlyList<Dienstleistung> Items, int Total) ListDienstleistungen(string tenantId, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _leistungen.Where(kv => kv.Key.Item1 == tenantId).Select(kv => kv.Value).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    public Termin? GetTermin(string tenantId, string id)
    {
        lock (_gate) return _termine.GetValueOrDefault((tenantId, id));
    }

    public Termin Buchen(string tenantId, Termin termin, int schalter, int? hoechstensOffen = null)
    {
        ArgumentNullException.ThrowIfNull(termin);
        TerminRules.Check(termin);
        lock (_gate)
        {
            if (hoechstensOffen is { } max && _termine.Count(e => e.Key.Item1 == tenantId && e.Value.Buerger == termin.Buerger
                    && TerminStatus.Belegt(e.Value.Status) && e.Value.Bis > termin.ErstelltAm) >= max)
                throw TerminRules.ZuViele(max);
            if (!_standorte.ContainsKey((tenantId, termin.StandortId))) throw new TerminConstraintException("an unknown place is named");
            if (!_leistungen.ContainsKey((tenantId, termin.DienstleistungId))) throw new TerminConstraintException("an unknown service is named");
            if (_termine.ContainsKey((tenantId, termin.Id))) throw new TerminConstraintException("the appointment exists");
            for (var k = 1; k <= schalter; k++)
            {
                var at = termin with { Schalter = k };
                if (TerminStatus.Belegt(at.Status) && Overlaps(tenantId, at)) continue;
                _termine[(tenantId, at.Id)] = at;
                return at;
            }
            throw Belegt();
        }
    }

    public Termin Umbuchen(string tenantId, string id, Instant von, Instant bis, int schalter, Instant geaendertAm)
    {
        if (bis <= von) throw new TerminConstraintException("an appointment ends after it begins");
        lock (_gate)
        {
            if (!_termine.TryGetValue((tenantId, id), out var t)) throw new TerminConstraintException("an unknown appointment is named");
            for (var k = 1; k <= schalter; k++)
            {
                var moved = t with { Von = von, Bis = bis, Schalter = k, GeaendertAm = geaendertAm };
                if (TerminStatus.Belegt(moved.Status) && Overlaps(tenantId, moved)) continue;
                _termine[(tenantId, id)] = moved;
                return moved;
            }
            throw Belegt();
        }
    }

    public void SetStatus(string tenantId, string id, string status, string? grund, Instant geaendertAm)
    {
        if (!TerminStatus.All.Contains(status)) throw new TerminConstraintException($"unknown status '{status}'");
        lock (_gate)
        {
            if (!_termine.TryGetValue((tenantId, id), out var t)) return;
            var changed = t with { Status = status, Grund = grund ?? t.Grund, GeaendertAm = geaendertAm };
            if (TerminStatus.Belegt(status) && Overlaps(tenantId, changed)) throw Belegt();
            _termine[(tenantId, id)] = changed;
        }
    }

    public void SetInstance(string tenantId, string id, string instanceId)
    {
        lock (_gate)
        {
            if (_termine.TryGetValue((tenantId, id), out var t)) _termine[(tenantId, id)] = t with { InstanceId = instanceId };
        }
    }

    public (IReadOnlyList<Termin> Items, int Total) Tag(string tenantId, string standortId, Instant von, Instant bis, bool auchInaktive, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _termine.Where(kv => kv.Key.Item1 == tenantId).Select(kv => kv.Value)
                .Where(t => t.StandortId == standortId && t.Von < bis && von < t.Bis && (auchInaktive || TerminStatus.Belegt(t.Status)))
                .OrderBy(t => t.Von).ThenBy(t => t.Schalter).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    public (IReadOnlyList<Termin> Items, int Total) TermineVon(string tenantId, string buerger, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _termine.Where(kv => kv.Key.Item1 == tenantId).Select(kv => kv.Value).Where(t => t.Buerger == buerger)
                .OrderByDescending(t => t.Von).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    private bool Overlaps(string tenantId, Termin t) => _termine.Any(kv => kv.Key.Item1 == tenantId && kv.Value.Id != t.Id
        && kv.Value.StandortId == t.StandortId && kv.Value.Schalter == t.Schalter && TerminStatus.Belegt(kv.Value.Status) && kv.Value.Von < t.Bis && t.Von < kv.Value.Bis);

    private static TerminConstraintException Belegt() => new("every counter is taken at that time", belegt: true);
}

/// <summary>The rules both stores apply before writing (the tables' CHECKs, said once for the memory store and for clear messages).</summary>
internal static class TerminRules
{
    public static void Check(Standort s)
    {
        if (s.Schalter is < 1 or > 100) throw new TerminConstraintException("a place has 1–100 counters");
        if (s.RasterMinuten is < 5 or > 120) throw new TerminConstraintException("the slot grid is 5–120 minutes");
        if (s.VorlaufTage is < 1 or > 366) throw new TerminConstraintException("one books 1–366 days ahead");
    }

    public static void Check(Dienstleistung d)
    {
        if (d.DauerMinuten is < 5 or > 480) throw new TerminConstraintException("a service lasts 5–480 minutes");
    }

    public static void Check(Termin t)
    {
        if (t.Bis <= t.Von) throw new TerminConstraintException("an appointment ends after it begins");
        if (!TerminStatus.All.Contains(t.Status)) throw new TerminConstraintException($"unknown status '{t.Status}'");
    }

    /// <summary>Opening hours by weekday and start; refused when a period is out of range or two of one day overlap.</summary>
    public static IReadOnlyList<Oeffnungszeit> Check(IReadOnlyList<Oeffnungszeit> zeiten)
    {
        ArgumentNullException.ThrowIfNull(zeiten);
        if (zeiten.Count > 70) throw new TerminConstraintException("at most 70 opening periods");
        var sorted = zeiten.OrderBy(z => z.Wochentag).ThenBy(z => z.VonMinute).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            var z = sorted[i];
            if (z.Wochentag is < 1 or > 7 || z.VonMinute is < 0 or > 1439 || z.BisMinute is < 1 or > 1440 || z.BisMinute <= z.VonMinute)
                throw new TerminConstraintException("an opening period is a weekday 1–7 and minutes 0–1440 with the end after the start");
            if (i > 0 && sorted[i - 1].Wochentag == z.Wochentag && sorted[i - 1].BisMinute > z.VonMinute)
                throw new TerminConstraintException($"two opening periods of weekday {z.Wochentag} overlap");
        }
        return sorted;
    }

    internal static TerminConstraintException ZuViele(int max) =>
        new($"the citizen already holds {max} open appointments", zuViele: true);
}

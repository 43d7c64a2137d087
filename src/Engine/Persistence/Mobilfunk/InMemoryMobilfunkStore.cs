using NodaTime;

namespace EGov.Workflows.Persistence.Mobilfunk;

/// <summary>The Mobilfunk tables in memory (store <c>memory</c>, <c>./egov test</c>): the same rules as the SQL tables, under one lock.</summary>
public sealed class InMemoryMobilfunkStore : IMobilfunkStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), Tarif> _tarife = [];
    private readonly Dictionary<(string, string), Geraet> _geraete = [];
    private readonly Dictionary<(string, string), Vertrag> _vertraege = [];

    private static (IReadOnlyList<T>, int) Page<T>(IEnumerable<T> items, int offset, int limit)
    {
        var all = items.ToList();
        return (all.Skip(offset).Take(limit).ToList(), all.Count);
    }

    public Tarif? GetTarif(string tenantId, string id)
    {
        lock (_gate) return _tarife.GetValueOrDefault((tenantId, id));
    }

    public Tarif PutTarif(string tenantId, Tarif tarif)
    {
        ArgumentNullException.ThrowIfNull(tarif);
        lock (_gate) return _tarife[(tenantId, tarif.Id)] = tarif;
    }

    public (IReadOnlyList<Tarif> Items, int Total) ListTarife(string tenantId, bool nurAktive, int offset, int limit)
    {
        lock (_gate)
            return Page(_tarife.Where(t => t.Key.Item1 == tenantId && (!nurAktive || t.Value.Aktiv)).Select(t => t.Value)
                .OrderBy(t => t.Grundgebuehr).ThenBy(t => t.Id, StringComparer.Ordinal), offset, limit);
    }

    public Geraet? GetGeraet(string tenantId, string id)
    {
        lock (_gate) return _geraete.GetValueOrDefault((tenantId, id));
    }

    public Geraet PutGeraet(string tenantId, Geraet geraet)
    {
        ArgumentNullException.ThrowIfNull(geraet);
        lock (_gate) return _geraete[(tenantId, geraet.Id)] = geraet;
    }

    public (IReadOnlyList<Geraet> Items, int Total) ListGeraete(string tenantId, bool nurAktive, int offset, int limit)
    {
        lock (_gate)
            return Page(_geraete.Where(g => g.Key.Item1 == tenantId && (!nurAktive || g.Value.Aktiv)).Select(g => g.Value)
                .OrderBy(g => g.Preis).ThenBy(g => g.Id, StringComparer.Ordinal), offset, limit);
    }

    /// <summary>The contract with the catalogue's current names (as the SQL join reads them).</summary>
    private Vertrag WithNames(string tenantId, Vertrag v) => v with
    {
        TarifBezeichnung = _tarife.GetValueOrDefault((tenantId, v.TarifId))?.Bezeichnung,
        GeraetBezeichnung = v.GeraetId is { } g ? _geraete.GetValueOrDefault((tenantId, g))?.Bezeichnung : null,
    };

    public Vertrag? GetVertrag(string tenantId, string id)
    {
        lock (_gate) return _vertraege.TryGetValue((tenantId, id), out var v) ? WithNames(tenantId, v) : null;
    }

    public Vertrag Bestellen(string tenantId, Bestellung bestellung)
    {
        ArgumentNullException.ThrowIfNull(bestellung);
        lock (_gate)
        {
            if (_vertraege.TryGetValue((tenantId, bestellung.Id), out var existing)) return WithNames(tenantId, MobilfunkRules.Same(existing, bestellung));
            var tarif = _tarife.GetValueOrDefault((tenantId, bestellung.TarifId));
            var geraet = bestellung.GeraetId is { } gid ? _geraete.GetValueOrDefault((tenantId, gid)) : null;
            MobilfunkRules.CheckCatalogue(bestellung, tarif, geraet);
            var v = new Vertrag(bestellung.Id, bestellung.Mitarbeiter, bestellung.Kostenstelle, tarif!.Id, geraet?.Id, null, tarif.Grundgebuehr, geraet?.Preis ?? 0m,
                tarif.Mindestlaufzeit, null, null, VertragStatus.Bestellt, null, bestellung.InstanceId, bestellung.Am, bestellung.Am)
            { GeraetStatus = geraet is null ? null : GeraetStatus.Bestellt };
            _vertraege[(tenantId, v.Id)] = v;
            return WithNames(tenantId, v);
        }
    }

    private Vertrag Change(string tenantId, string id, Func<Vertrag, bool> unchanged, Func<Vertrag, Vertrag> write)
    {
        lock (_gate)
        {
            var v = _vertraege.GetValueOrDefault((tenantId, id))
                ?? throw new MobilfunkConstraintException(MobilfunkFehler.VertragUnbekannt, $"Den Vertrag „{id}“ gibt es nicht.");
            if (unchanged(v)) return WithNames(tenantId, v);
            return WithNames(tenantId, _vertraege[(tenantId, id)] = write(v));
        }
    }

    public Vertrag Uebergeben(string tenantId, string id, string? rufnummer, string? seriennummer, string quittiertVon, LocalDate beginn, Instant now) =>
        Change(tenantId, id, v => MobilfunkRules.CheckUebergabe(v, seriennummer), v =>
        {
            if (v.GeraetId is not null && _vertraege.Any(o => o.Key.Item1 == tenantId && o.Value.GeraetStatus == GeraetStatus.Ausgegeben && o.Value.Seriennummer == seriennummer))
                throw new MobilfunkConstraintException(MobilfunkFehler.SeriennummerVergeben, $"Das Gerät mit der Seriennummer {seriennummer} ist schon an jemand anderen ausgegeben.");
            var uebergeben = v with { Status = VertragStatus.Aktiv, Rufnummer = rufnummer, Beginn = beginn, MindestlaufzeitEnde = beginn.PlusMonths(v.Mindestlaufzeit), GeaendertAm = now };
            return v.GeraetId is null ? uebergeben
                : uebergeben with { GeraetStatus = GeraetStatus.Ausgegeben, Seriennummer = seriennummer, QuittiertVon = quittiertVon, QuittiertAm = now };
        });

    public Vertrag Verlaengern(string tenantId, string id, int monate, Instant now) =>
        Change(tenantId, id, v => MobilfunkRules.CheckLaufend(v, "verlängert"), v => v with { MindestlaufzeitEnde = v.MindestlaufzeitEnde!.Value.PlusMonths(monate), GeaendertAm = now });

    public Vertrag Kuendigen(string tenantId, string id, LocalDate zum, Instant now) =>
        Change(tenantId, id, MobilfunkRules.CheckKuendigung, v => v with { Status = VertragStatus.Gekuendigt, GekuendigtZum = zum, GeaendertAm = now });

    public Vertrag Zuruecknehmen(string tenantId, string id, Instant now) =>
        Change(tenantId, id, MobilfunkRules.CheckRuecknahme, v =>
        {
            var r = v.GeraetStatus == GeraetStatus.Ausgegeben ? v with { GeraetStatus = GeraetStatus.Zurueckgegeben, ZurueckgegebenAm = now } : v;
            return r.Status == VertragStatus.Gekuendigt ? r with { Status = VertragStatus.Beendet, GeaendertAm = now } : r;
        });

    public Vertrag Stornieren(string tenantId, string id, Instant now) =>
        Change(tenantId, id, MobilfunkRules.CheckStorno, v => v with
        {
            Status = VertragStatus.Storniert, GeaendertAm = now, GeraetStatus = v.GeraetId is null ? null : GeraetStatus.Storniert,
        });

    public (IReadOnlyList<Vertrag> Items, int Total) ListVertraege(string tenantId, VertragFilter filter, int offset, int limit)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_gate)
            return Page(_vertraege.Where(e => e.Key.Item1 == tenantId).Select(e => e.Value)
                .Where(v => (filter.Mitarbeiter is null || v.Mitarbeiter == filter.Mitarbeiter) && (filter.Kostenstelle is null || v.Kostenstelle == filter.Kostenstelle)
                    && (filter.Status is null || v.Status == filter.Status)
                    && (filter.MindestlaufzeitEndeBis is not { } bis || (v.Status == VertragStatus.Aktiv && v.MindestlaufzeitEnde is { } ende && ende <= bis)))
                .OrderBy(v => v.Kostenstelle, StringComparer.Ordinal).ThenBy(v => v.Mitarbeiter, StringComparer.Ordinal).ThenBy(v => v.Id, StringComparer.Ordinal)
                .Select(v => WithNames(tenantId, v))
                .Where(v => filter.Suche is not { Length: > 0 } q || new[] { v.Id, v.Mitarbeiter, v.Kostenstelle, v.Rufnummer, v.TarifBezeichnung, v.GeraetBezeichnung }
                    .Any(x => x is not null && x.ToLowerInvariant().Contains(q.ToLowerInvariant(), StringComparison.Ordinal))), offset, limit);
    }

    public (IReadOnlyList<Kostenstellensumme> Items, int Total) Kosten(string tenantId, string? kostenstelle, int offset, int limit)
    {
        lock (_gate)
            return Page(_vertraege.Where(e => e.Key.Item1 == tenantId).Select(e => e.Value)
                .Where(v => VertragStatus.Laufend.Contains(v.Status) && (kostenstelle is null || v.Kostenstelle == kostenstelle))
                .GroupBy(v => v.Kostenstelle).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new Kostenstellensumme(g.Key, g.Count(), g.Sum(v => v.Grundgebuehr), g.Sum(v => v.Geraetepreis))), offset, limit);
    }

    public Kostenstellensumme Gesamt(string tenantId)
    {
        lock (_gate)
        {
            var laufend = _vertraege.Where(e => e.Key.Item1 == tenantId && VertragStatus.Laufend.Contains(e.Value.Status)).Select(e => e.Value).ToList();
            return new Kostenstellensumme("", laufend.Count, laufend.Sum(v => v.Grundgebuehr), laufend.Sum(v => v.Geraetepreis));
        }
    }

}

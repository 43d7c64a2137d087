using NodaTime;

namespace EGov.Workflows.Persistence.Kita;

/// <summary>The Kita tables in memory (store <c>memory</c>, <c>./egov test</c>): the same rules as the SQL tables, under one lock.</summary>
public sealed class InMemoryKitaStore : IKitaStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), Einrichtung> _kitas = [];
    private readonly Dictionary<(string, string), Anmeldung> _anmeldungen = [];

    private int Belegt(string tenant, string kita, string gruppe) => _anmeldungen.Count(x => x.Key.Item1 == tenant
        && x.Value.EinrichtungId == kita && x.Value.Altersgruppe == gruppe && x.Value.Status is AnmeldungStatus.Angeboten or AnmeldungStatus.Angenommen);

    private int Frei(string tenant, string kita, string gruppe) =>
        _kitas.TryGetValue((tenant, kita), out var e) && e.Aktiv ? (gruppe == Altersgruppe.U3 ? e.PlaetzeU3 : e.PlaetzeUe3) - Belegt(tenant, kita, gruppe) : 0;

    private Einrichtung WithFree(string tenant, Einrichtung e) => e with
    {
        FreiU3 = e.PlaetzeU3 - Belegt(tenant, e.Id, Altersgruppe.U3),
        FreiUe3 = e.PlaetzeUe3 - Belegt(tenant, e.Id, Altersgruppe.Ue3),
    };

    public Einrichtung? GetEinrichtung(string tenantId, string id)
    {
        lock (_gate) return _kitas.TryGetValue((tenantId, id), out var e) ? WithFree(tenantId, e) : null;
    }

    public Einrichtung PutEinrichtung(string tenantId, Einrichtung einrichtung)
    {
        KitaRules.CheckEinrichtung(einrichtung);
        lock (_gate)
        {
            if (Belegt(tenantId, einrichtung.Id, Altersgruppe.U3) > einrichtung.PlaetzeU3 || Belegt(tenantId, einrichtung.Id, Altersgruppe.Ue3) > einrichtung.PlaetzeUe3)
                throw new KitaConstraintException(KitaFehler.PlaetzeBelegt, $"Kita '{einrichtung.Id}' has more places taken or offered than the numbers given");
            _kitas[(tenantId, einrichtung.Id)] = einrichtung;
            return WithFree(tenantId, einrichtung);
        }
    }

    public (IReadOnlyList<Einrichtung> Items, int Total) ListEinrichtungen(string tenantId, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _kitas.Where(k => k.Key.Item1 == tenantId).Select(k => WithFree(tenantId, k.Value)).OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    public Anmeldung Anmelden(string tenantId, NeueAnmeldung anmeldung, Instant now)
    {
        KitaRules.Check(anmeldung);
        lock (_gate)
        {
            foreach (var w in anmeldung.Wuensche)
                if (!_kitas.ContainsKey((tenantId, w))) throw new KitaConstraintException(KitaFehler.EinrichtungUnbekannt, $"no Kita '{w}'");
            var key = (tenantId, anmeldung.Id);
            if (_anmeldungen.TryGetValue(key, out var old) && old.Status != AnmeldungStatus.Wartend) throw KitaRules.Status(old, "register again");
            var a = new Anmeldung(anmeldung.Id, anmeldung.Kind, anmeldung.Geburtsdatum, anmeldung.Beginn, anmeldung.Wuensche.ToList(), anmeldung.Punkte,
                AnmeldungStatus.Wartend, null, null, anmeldung.InstanceId, old?.AngelegtAm ?? now, now);
            _anmeldungen[key] = a;
            return WithRank(tenantId, a);
        }
    }

    private List<Anmeldung> Wartend(string tenant) =>
        KitaRules.Ordered(_anmeldungen.Where(x => x.Key.Item1 == tenant && x.Value.Status == AnmeldungStatus.Wartend).Select(x => x.Value)).ToList();

    private Anmeldung WithRank(string tenant, Anmeldung a)
    {
        if (a.Status != AnmeldungStatus.Wartend) return a;
        var i = Wartend(tenant).FindIndex(x => x.Id == a.Id);
        return a with { Rang = i + 1 };
    }

    public Anmeldung? GetAnmeldung(string tenantId, string id)
    {
        lock (_gate) return _anmeldungen.TryGetValue((tenantId, id), out var a) ? WithRank(tenantId, a) : null;
    }

    public (IReadOnlyList<Anmeldung> Items, int Total) Warteliste(string tenantId, string? einrichtungId, string? status, int offset, int limit)
    {
        lock (_gate)
        {
            var all = KitaRules.Ordered(_anmeldungen.Where(x => x.Key.Item1 == tenantId).Select(x => x.Value)
                    .Where(a => (status is null || a.Status == status) && (einrichtungId is null || a.Wuensche.Contains(einrichtungId, StringComparer.Ordinal))))
                .Select(a => WithRank(tenantId, a)).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    private Anmeldung Get(string tenant, string id) => _anmeldungen.TryGetValue((tenant, id), out var a) ? a : throw KitaRules.Unbekannt(id);

    public Anmeldung Zuteilen(string tenantId, string id, LocalDate frist, Instant now)
    {
        lock (_gate)
        {
            var a = Get(tenantId, id);
            if (a.Status == AnmeldungStatus.Angeboten) return a; // a retried step: the offer stands
            if (a.Status != AnmeldungStatus.Wartend) throw KitaRules.Status(a, "be offered a place");
            if (KitaRules.Waehle(a, Wartend(tenantId), (k, g) => Frei(tenantId, k, g)) is not { } kita) return WithRank(tenantId, a);
            return _anmeldungen[(tenantId, id)] = a with { Status = AnmeldungStatus.Angeboten, EinrichtungId = kita, AngebotFrist = frist, GeaendertAm = now };
        }
    }

    public Anmeldung Annehmen(string tenantId, string id, Instant now)
    {
        lock (_gate)
        {
            var a = Get(tenantId, id);
            if (a.Status == AnmeldungStatus.Angenommen) return a;
            if (a.Status != AnmeldungStatus.Angeboten) throw KitaRules.Status(a, "accept a place");
            return _anmeldungen[(tenantId, id)] = a with { Status = AnmeldungStatus.Angenommen, GeaendertAm = now };
        }
    }

    public Anmeldung Freigeben(string tenantId, string id, string status, Instant now)
    {
        if (!AnmeldungStatus.Freigebend.Contains(status) && status != AnmeldungStatus.Wartend) throw KitaRules.Eingabe($"'{status}' does not free a place");
        lock (_gate)
        {
            var a = Get(tenantId, id);
            if (a.Status == status && a.EinrichtungId is null) return WithRank(tenantId, a);
            if (AnmeldungStatus.Freigebend.Contains(a.Status)) throw KitaRules.Status(a, $"become {status}");
            if (status == AnmeldungStatus.Wartend && a.Status != AnmeldungStatus.Angeboten) throw KitaRules.Status(a, "go back on the list");
            var b = a with { Status = status, EinrichtungId = null, AngebotFrist = null, GeaendertAm = now };
            _anmeldungen[(tenantId, id)] = b;
            return WithRank(tenantId, b);
        }
    }
}

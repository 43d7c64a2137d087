using NodaTime;

namespace EGov.Workflows.Persistence.Reservierungen;

/// <summary>The reservation tables in memory (the memory store, <c>./egov test</c>): the same rules as the tables, under one lock.</summary>
public sealed class InMemoryReservierungStore : IReservierungStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), Ressource> _ressourcen = [];
    private readonly Dictionary<(string, string), Buchung> _buchungen = [];

    public Ressource? GetRessource(string tenantId, string id)
    {
        lock (_gate) return _ressourcen.GetValueOrDefault((tenantId, id));
    }

    public void PutRessource(string tenantId, Ressource ressource)
    {
        ArgumentNullException.ThrowIfNull(ressource);
        if (!RessourcenArten.All.Contains(ressource.Art)) throw new ReservierungConstraintException($"unknown kind of resource '{ressource.Art}'");
        if (ressource.Genehmigungspflicht && ressource.GenehmigerGruppe is null) throw new ReservierungConstraintException("a resource that needs approval names the approving group");
        if (ressource.Kapazitaet is <= 0) throw new ReservierungConstraintException("the capacity is positive");
        lock (_gate)
        {
            if (_ressourcen.Any(kv => kv.Key.Item1 == tenantId && kv.Key.Item2 != ressource.Id && kv.Value.Name == ressource.Name))
                throw new ReservierungConstraintException("the name is taken", vergeben: true);
            _ressourcen[(tenantId, ressource.Id)] = ressource;
        }
    }

    public (IReadOnlyList<Ressource> Items, int Total) ListRessourcen(string tenantId, string? art, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _ressourcen.Where(kv => kv.Key.Item1 == tenantId && (art is null || kv.Value.Art == art)).Select(kv => kv.Value)
                .OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    public Buchung? GetBuchung(string tenantId, string id)
    {
        lock (_gate) return _buchungen.GetValueOrDefault((tenantId, id));
    }

    public void AddBuchung(string tenantId, Buchung buchung)
    {
        ArgumentNullException.ThrowIfNull(buchung);
        if (buchung.Bis <= buchung.Von) throw new ReservierungConstraintException("a booking ends after it begins");
        if (!BuchungStatus.All.Contains(buchung.Status)) throw new ReservierungConstraintException($"unknown status '{buchung.Status}'");
        lock (_gate)
        {
            if (!_ressourcen.ContainsKey((tenantId, buchung.RessourceId))) throw new ReservierungConstraintException("an unknown resource is named");
            if (_buchungen.ContainsKey((tenantId, buchung.Id))) throw new ReservierungConstraintException("the booking exists");
            if (BuchungStatus.Belegt(buchung.Status) && Overlaps(tenantId, buchung)) throw Belegt();
            _buchungen[(tenantId, buchung.Id)] = buchung;
        }
    }

    public void SetStatus(string tenantId, string id, string status, Instant geaendertAm)
    {
        if (!BuchungStatus.All.Contains(status)) throw new ReservierungConstraintException($"unknown status '{status}'");
        lock (_gate)
        {
            if (!_buchungen.TryGetValue((tenantId, id), out var b)) return;
            var changed = b with { Status = status, GeaendertAm = geaendertAm };
            if (BuchungStatus.Belegt(status) && Overlaps(tenantId, changed)) throw Belegt();
            _buchungen[(tenantId, id)] = changed;
        }
    }

    public (IReadOnlyList<Buchung> Items, int Total) Kalender(string tenantId, string ressourceId, Instant von, Instant bis, bool auchInaktive, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _buchungen.Where(kv => kv.Key.Item1 == tenantId).Select(kv => kv.Value)
                .Where(b => b.RessourceId == ressourceId && b.Von < bis && von < b.Bis && (auchInaktive || BuchungStatus.Belegt(b.Status)))
                .OrderBy(b => b.Von).ThenBy(b => b.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    public (IReadOnlyList<Buchung> Items, int Total) BuchungenVon(string tenantId, string person, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _buchungen.Where(kv => kv.Key.Item1 == tenantId).Select(kv => kv.Value)
                .Where(b => b.GebuchtFuer == person || b.GebuchtVon == person)
                .OrderByDescending(b => b.Von).ThenBy(b => b.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    private bool Overlaps(string tenantId, Buchung b) => _buchungen.Any(kv => kv.Key.Item1 == tenantId && kv.Value.Id != b.Id
        && kv.Value.RessourceId == b.RessourceId && BuchungStatus.Belegt(kv.Value.Status) && kv.Value.Von < b.Bis && b.Von < kv.Value.Bis);

    private static ReservierungConstraintException Belegt() => new("the resource is booked at that time", belegt: true);
}

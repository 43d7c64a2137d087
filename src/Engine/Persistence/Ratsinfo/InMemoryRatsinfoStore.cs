using NodaTime;

namespace EGov.Workflows.Persistence.Ratsinfo;

/// <summary>The Ratsinfo tables in memory (the memory store, <c>./egov test</c>): the same rules as the tables' constraints.</summary>
public sealed class InMemoryRatsinfoStore : IRatsinfoStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Koerperschaft> _koerperschaften = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), Gremium> _gremien = [];
    private readonly Dictionary<(string, string), Sitzung> _sitzungen = [];
    private readonly Dictionary<(string, string), Vorlage> _vorlagen = [];

    public Koerperschaft? GetKoerperschaft(string tenantId)
    {
        lock (_gate) return _koerperschaften.GetValueOrDefault(tenantId);
    }

    public void PutKoerperschaft(string tenantId, Koerperschaft koerperschaft)
    {
        ArgumentNullException.ThrowIfNull(koerperschaft);
        if (koerperschaft.Name.Length is 0 or > 200) throw new RatsinfoConstraintException("the Körperschaft's name must have 1–200 characters");
        if (koerperschaft.Ags is { Length: not 8 }) throw new RatsinfoConstraintException("the AGS has 8 digits");
        lock (_gate) _koerperschaften[tenantId] = koerperschaft;
    }

    public IReadOnlyList<string> PublishingTenants()
    {
        lock (_gate) return _koerperschaften.Keys.Order(StringComparer.Ordinal).ToList();
    }

    public Gremium? GetGremium(string tenantId, string id)
    {
        lock (_gate) return _gremien.GetValueOrDefault((tenantId, id));
    }

    public void PutGremium(string tenantId, Gremium gremium)
    {
        ArgumentNullException.ThrowIfNull(gremium);
        if (!GremiumArten.All.Contains(gremium.Art)) throw new RatsinfoConstraintException($"unknown kind of Gremium '{gremium.Art}'");
        lock (_gate)
        {
            if (_gremien.Any(e => e.Key.Item1 == tenantId && e.Key.Item2 != gremium.Id && e.Value.Name == gremium.Name))
                throw new RatsinfoConstraintException($"another Gremium is already named '{gremium.Name}'", vergeben: true);
            _gremien[(tenantId, gremium.Id)] = gremium;
        }
    }

    public (IReadOnlyList<Gremium> Items, int Total) ListGremien(string tenantId, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _gremien.Where(e => e.Key.Item1 == tenantId).Select(e => e.Value).OrderBy(g => g.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    public Sitzung? GetSitzung(string tenantId, string id)
    {
        lock (_gate) return _sitzungen.GetValueOrDefault((tenantId, id));
    }

    public void PutSitzung(string tenantId, Sitzung sitzung)
    {
        ArgumentNullException.ThrowIfNull(sitzung);
        if (sitzung.Einreichungsfrist >= sitzung.Beginn) throw new RatsinfoConstraintException("the Einreichungsfrist must lie before the session's start");
        if (sitzung.Ende is { } ende && ende <= sitzung.Beginn) throw new RatsinfoConstraintException("the session's end must lie after its start");
        lock (_gate)
        {
            if (!_gremien.ContainsKey((tenantId, sitzung.GremiumId))) throw new RatsinfoConstraintException($"there is no Gremium '{sitzung.GremiumId}'");
            _sitzungen[(tenantId, sitzung.Id)] = sitzung;
        }
    }

    public (IReadOnlyList<Sitzung> Items, int Total) ListSitzungen(string tenantId, string? gremiumId, Instant? ab, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _sitzungen.Where(e => e.Key.Item1 == tenantId).Select(e => e.Value)
                .Where(s => (gremiumId is null || s.GremiumId == gremiumId) && (ab is null || s.Beginn >= ab))
                .OrderBy(s => s.Beginn).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    public Vorlage? GetVorlage(string tenantId, string id)
    {
        lock (_gate) return _vorlagen.GetValueOrDefault((tenantId, id));
    }

    public void PutVorlage(string tenantId, Vorlage vorlage)
    {
        ArgumentNullException.ThrowIfNull(vorlage);
        if (!VorlageStatus.All.Contains(vorlage.Status)) throw new RatsinfoConstraintException($"unknown status '{vorlage.Status}'");
        if (vorlage.Status == VorlageStatus.Eingereicht && (vorlage.SitzungId is null || vorlage.EingereichtAm is null))
            throw new RatsinfoConstraintException("a submitted paper needs its session and the time of submission");
        if (vorlage.VeroeffentlichtAm is not null && !(vorlage.Oeffentlich && vorlage.Status == VorlageStatus.Eingereicht))
            throw new RatsinfoConstraintException("only a submitted public paper can be published");
        lock (_gate)
        {
            if (vorlage.GremiumId is { } g && !_gremien.ContainsKey((tenantId, g))) throw new RatsinfoConstraintException($"there is no Gremium '{g}'");
            if (vorlage.SitzungId is { } s && !_sitzungen.ContainsKey((tenantId, s))) throw new RatsinfoConstraintException($"there is no Sitzung '{s}'");
            _vorlagen[(tenantId, vorlage.Id)] = vorlage;
        }
    }

    public (IReadOnlyList<Vorlage> Items, int Total) ListVorlagen(string tenantId, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _vorlagen.Where(e => e.Key.Item1 == tenantId).Select(e => e.Value).OrderBy(v => v.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    public (IReadOnlyList<Vorlage> Items, int Total) ListVeroeffentlicht(string tenantId, string? sitzungId, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _vorlagen.Where(e => e.Key.Item1 == tenantId).Select(e => e.Value)
                .Where(v => v.VeroeffentlichtAm is not null && v.Oeffentlich && v.Status == VorlageStatus.Eingereicht && (sitzungId is null || v.SitzungId == sitzungId))
                .OrderBy(v => v.VeroeffentlichtAm).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }
}

namespace EGov.Workflows.Persistence.Stadtplanung;

/// <summary>The eAkte Stadtplanung tables in memory (store <c>memory</c>, <c>./egov test</c>): the same rules as the SQL tables, under one lock.</summary>
public sealed class InMemoryStadtplanungStore : IStadtplanungStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), Verfahren> _verfahren = [];
    private readonly Dictionary<(string, string), List<Dokument>> _dokumente = [];

    public Verfahren? GetVerfahren(string tenantId, string id)
    {
        lock (_gate) return _verfahren.GetValueOrDefault((tenantId, id));
    }

    public Verfahren PutVerfahren(string tenantId, Verfahren verfahren)
    {
        ArgumentNullException.ThrowIfNull(verfahren);
        lock (_gate)
        {
            if (_verfahren.Any(kv => kv.Key.Item1 == tenantId && kv.Key.Item2 != verfahren.Id && kv.Value.Aktenzeichen == verfahren.Aktenzeichen))
                throw new StadtplanungConstraintException($"the Aktenzeichen '{verfahren.Aktenzeichen}' belongs to another procedure");
            return _verfahren[(tenantId, verfahren.Id)] = verfahren;
        }
    }

    public Dokument? AddDokument(string tenantId, Dokument dokument)
    {
        ArgumentNullException.ThrowIfNull(dokument);
        lock (_gate)
        {
            if (!_verfahren.ContainsKey((tenantId, dokument.VerfahrenId))) throw new StadtplanungConstraintException($"no procedure '{dokument.VerfahrenId}'");
            if (!_dokumente.TryGetValue((tenantId, dokument.VerfahrenId), out var list)) _dokumente[(tenantId, dokument.VerfahrenId)] = list = [];
            if (dokument.DateiHash is { } h && list.Any(d => d.DateiHash == h)) return null;
            var filed = dokument with { Nr = list.Count + 1 };
            list.Add(filed);
            return filed;
        }
    }

    public IReadOnlyList<Dokument> Dokumente(string tenantId, string verfahrenId)
    {
        lock (_gate) return _dokumente.TryGetValue((tenantId, verfahrenId), out var list) ? [.. list] : [];
    }

    public (IReadOnlyList<Verfahren> Items, int Total) Suche(string tenantId, VerfahrenSuche suche, int offset, int limit)
    {
        ArgumentNullException.ThrowIfNull(suche);
        var text = suche.Text?.Trim().ToLowerInvariant();
        var gemarkung = suche.Gemarkung?.Trim();
        lock (_gate)
        {
            var all = _verfahren.Where(kv => kv.Key.Item1 == tenantId).Select(kv => kv.Value)
                .Where(v => !v.Vertraulich || v.Leser.Any(suche.Gruppen.Contains))
                .Where(v => string.IsNullOrEmpty(text) || v.Suchtext.Contains(text, StringComparison.Ordinal))
                .Where(v => string.IsNullOrEmpty(gemarkung) || v.Gemarkung == gemarkung)
                .Where(v => string.IsNullOrEmpty(suche.Status) || v.Status == suche.Status)
                .OrderByDescending(v => v.GeaendertAm).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }
}

namespace EGov.Workflows.Persistence.Adressbuch;

/// <summary>The directory's tables in memory (the memory store, <c>./egov test</c>): the same rules as the tables' constraints.</summary>
public sealed class InMemoryAdressbuchStore : IAdressbuchStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), OrgEinheit> _einheiten = [];
    private readonly Dictionary<(string, string), Person> _personen = [];
    private readonly Dictionary<(string, string), List<string>> _vertreter = [];

    public OrgEinheit? GetOrgEinheit(string tenantId, string id)
    {
        lock (_gate) return _einheiten.GetValueOrDefault((tenantId, id));
    }

    public void PutOrgEinheit(string tenantId, OrgEinheit einheit)
    {
        ArgumentNullException.ThrowIfNull(einheit);
        lock (_gate)
        {
            if (einheit.UebergeordnetId is { } p && (p == einheit.Id || !_einheiten.ContainsKey((tenantId, p))))
                throw new AdressbuchConstraintException("an unknown unit is named as parent", AdressbuchRule.UnknownReference);
            if (_einheiten.Any(kv => kv.Key.Item1 == tenantId && kv.Key.Item2 != einheit.Id && kv.Value.Gruppe == einheit.Gruppe))
                throw new AdressbuchConstraintException("the group is taken", AdressbuchRule.Taken);
            _einheiten[(tenantId, einheit.Id)] = einheit;
        }
    }

    public (IReadOnlyList<OrgEinheit> Items, int Total) ListOrgEinheiten(string tenantId, int offset, int limit)
    {
        var all = OrgEinheiten(tenantId);
        return (all.Skip(offset).Take(limit).ToList(), all.Count);
    }

    public IReadOnlyList<OrgEinheit> OrgEinheiten(string tenantId)
    {
        lock (_gate) return _einheiten.Where(kv => kv.Key.Item1 == tenantId).Select(kv => kv.Value).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
    }

    public Person? GetPerson(string tenantId, string id)
    {
        lock (_gate) return _personen.GetValueOrDefault((tenantId, id));
    }

    public void PutPerson(string tenantId, Person person)
    {
        ArgumentNullException.ThrowIfNull(person);
        lock (_gate)
        {
            if (!_einheiten.ContainsKey((tenantId, person.OrgEinheitId))) throw new AdressbuchConstraintException("an unknown unit is named", AdressbuchRule.UnknownReference);
            _personen[(tenantId, person.Id)] = person;
        }
    }

    public (IReadOnlyList<Person> Items, int Total) ListPersonen(string tenantId, string? text, string? orgEinheitId, int offset, int limit)
    {
        lock (_gate)
        {
            var all = _personen.Where(kv => kv.Key.Item1 == tenantId).Select(kv => kv.Value)
                .Where(p => orgEinheitId is null || p.OrgEinheitId == orgEinheitId)
                .Where(p => text is null || new[] { p.Nachname, p.Vorname, p.Telefon, p.Raum, p.Email, p.Id }
                    .Any(f => f is not null && f.Contains(text, StringComparison.OrdinalIgnoreCase)))
                .OrderBy(p => p.Nachname, StringComparer.Ordinal).ThenBy(p => p.Vorname, StringComparer.Ordinal).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
            return (all.Skip(offset).Take(limit).ToList(), all.Count);
        }
    }

    public IReadOnlyList<string> Vertreter(string tenantId, string personId)
    {
        lock (_gate) return _vertreter.TryGetValue((tenantId, personId), out var l) ? [.. l] : [];
    }

    public void SetVertreter(string tenantId, string personId, IReadOnlyList<string> vertreter)
    {
        ArgumentNullException.ThrowIfNull(vertreter);
        lock (_gate)
        {
            if (!_personen.ContainsKey((tenantId, personId))) throw new AdressbuchConstraintException("an unknown person is named", AdressbuchRule.UnknownReference);
            if (vertreter.Count > 9) throw new AdressbuchConstraintException("at most 9 deputies", AdressbuchRule.TooManyDeputies);
            if (vertreter.Contains(personId)) throw new AdressbuchConstraintException("nobody is their own deputy", AdressbuchRule.OwnDeputy);
            if (vertreter.Distinct(StringComparer.Ordinal).Count() != vertreter.Count) throw new AdressbuchConstraintException("a deputy is named twice", AdressbuchRule.Taken);
            if (vertreter.Any(v => !_personen.ContainsKey((tenantId, v)))) throw new AdressbuchConstraintException("an unknown person is named", AdressbuchRule.UnknownReference);
            _vertreter[(tenantId, personId)] = [.. vertreter];
        }
    }
}

using System.Collections.Concurrent;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Persistence.Adressbuch;

namespace EGov.Workflows.Host.Adressbuch;

/// <summary>What the directory says about one person: their unit's group, the groups they lead, their standing deputies.</summary>
public sealed record Zuordnung(Person Person, OrgEinheit Einheit, IReadOnlySet<string> Gruppen, IReadOnlySet<string> GeleiteteGruppen, string? Leitung);

/// <summary>
/// The staff directory as the source of the Postkorb's candidate groups, team leads and Vertretung. A signed-in person the
/// directory knows (active) belongs to their unit's group; whoever leads a unit leads its group and the groups of every unit
/// below it (role <c>teamlead</c> for those groups only); an absence recorded without a deputy gets the person's first
/// standing deputy. People the directory does not know keep what their identity says (roles, groups from the token).
/// Reads are cached for a few seconds per tenant; writes through this node forget the cache at once.
/// </summary>
public sealed class Verzeichnis(Func<IAdressbuchStore> store)
{
    private static readonly TimeSpan Haltbarkeit = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, (long Bis, IReadOnlyList<OrgEinheit> Einheiten)> _einheiten = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string, string), (long Bis, Person? Person)> _personen = new();

    /// <summary>Forgets every cached read (after a write, or when the store changes).</summary>
    public void Vergessen()
    {
        _einheiten.Clear();
        _personen.Clear();
    }

    private IReadOnlyList<OrgEinheit> Einheiten(string tenantId)
    {
        var now = Environment.TickCount64;
        if (_einheiten.TryGetValue(tenantId, out var e) && e.Bis > now) return e.Einheiten;
        var list = store().OrgEinheiten(tenantId);
        _einheiten[tenantId] = (now + (long)Haltbarkeit.TotalMilliseconds, list);
        return list;
    }

    private Person? Person(string tenantId, string id)
    {
        var now = Environment.TickCount64;
        if (_personen.TryGetValue((tenantId, id), out var p) && p.Bis > now) return p.Person;
        var person = store().GetPerson(tenantId, id);
        if (_personen.Count > 10_000) _personen.Clear(); // bounded: a cache, not a copy of the directory
        _personen[(tenantId, id)] = (now + (long)Haltbarkeit.TotalMilliseconds, person);
        return person;
    }

    /// <summary>The directory's entry for a person (active, with a known unit), or null.</summary>
    public Zuordnung? Zuordnung(string tenantId, string personId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(personId);
        if (Person(tenantId, personId) is not { Aktiv: true } person) return null;
        var einheiten = Einheiten(tenantId);
        var byId = einheiten.ToDictionary(e => e.Id, StringComparer.Ordinal);
        if (!byId.TryGetValue(person.OrgEinheitId, out var einheit)) return null;
        var geleitet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in einheiten.Where(e => e.LeitungId == personId))
            foreach (var g in UnitAndBelow(e, einheiten)) geleitet.Add(g.Gruppe);
        var gruppen = new HashSet<string>(geleitet, StringComparer.Ordinal) { einheit.Gruppe };
        return new Zuordnung(person, einheit, gruppen, geleitet, Vorgesetzt(einheit, personId, byId));
    }

    /// <summary>Who leads a person: their unit's lead, or (for the lead themself, or a unit without one) the next lead above.</summary>
    private static string? Vorgesetzt(OrgEinheit einheit, string personId, Dictionary<string, OrgEinheit> byId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var e = einheit; e is not null && seen.Add(e.Id); e = e.UebergeordnetId is { } p ? byId.GetValueOrDefault(p) : null)
            if (e.LeitungId is { } l && l != personId) return l;
        return null;
    }

    private static IEnumerable<OrgEinheit> UnitAndBelow(OrgEinheit root, IReadOnlyList<OrgEinheit> all)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<OrgEinheit>([root]);
        while (queue.TryDequeue(out var e))
        {
            if (!seen.Add(e.Id)) continue;
            yield return e;
            foreach (var child in all.Where(c => c.UebergeordnetId == e.Id)) queue.Enqueue(child);
        }
    }

    /// <summary>The lead of the unit whose Postkorb group this is (a unit without a lead: the next lead above), or null.</summary>
    public string? Gruppenleitung(string tenantId, string gruppe)
    {
        var einheiten = Einheiten(tenantId);
        var einheit = einheiten.FirstOrDefault(e => e.Gruppe == gruppe);
        return einheit is null ? null : Vorgesetzt(einheit, "", einheiten.ToDictionary(e => e.Id, StringComparer.Ordinal));
    }

    /// <summary>A person's standing deputies, first deputy first (empty when the directory names none).</summary>
    public IReadOnlyList<string> Vertreter(string tenantId, string personId) => store().Vertreter(tenantId, personId);

    /// <summary>
    /// The caller as the directory completes them: a person it knows gets their unit's group and the groups they lead, and
    /// — when they lead any — the role <c>teamlead</c>, with <see cref="Caller.LedGroups"/> saying which groups. Clients,
    /// citizens and people the directory does not know are returned unchanged.
    /// </summary>
    public Caller Ergaenzen(Caller caller, string tenantId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (caller.Kind != CallerKind.Person || Zuordnung(tenantId, caller.Id) is not { } z) return caller;
        var groups = new HashSet<string>(caller.Groups, StringComparer.Ordinal);
        groups.UnionWith(z.Gruppen);
        var roles = new HashSet<string>(caller.Roles, StringComparer.Ordinal);
        if (z.GeleiteteGruppen.Count > 0) roles.Add(Caller.TeamLead);
        return caller with { Groups = groups, Roles = roles, LedGroups = z.GeleiteteGruppen, InDirectory = true };
    }
}

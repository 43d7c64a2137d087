using NodaTime;

namespace EGov.Workflows.Persistence.Adressbuch;

/// <summary>
/// An organisational unit (Amt, Fachbereich, Sachgebiet). <see cref="Gruppe"/>: the Postkorb's candidate group its staff
/// belong to; <see cref="LeitungId"/>: the person who leads it (team lead of its group and of the groups of its sub-units).
/// </summary>
public sealed record OrgEinheit(string Id, string Name, string? Kurzname, string? UebergeordnetId, string Gruppe, string? LeitungId, Instant GeaendertAm);

/// <summary>A member of staff in the directory; <see cref="Id"/> is the user id they sign in with.</summary>
public sealed record Person(
    string Id, string Nachname, string? Vorname, string OrgEinheitId, string? Funktion, string? Telefon, string? Email, string? Raum,
    bool Aktiv, Instant GeaendertAm)
{
    public string Anzeigename => Vorname is { Length: > 0 } v ? $"{v} {Nachname}" : Nachname;
}

/// <summary>
/// A write the tables refuse (unknown unit or person, a group taken, a person as their own deputy): <see cref="Rule"/> says which
/// rule, for callers that answer in their own words (the Adressbuch API in German); the message (English) is for the log.
/// </summary>
public sealed class AdressbuchConstraintException(string message, AdressbuchRule rule, Exception? inner = null) : Exception(message, inner)
{
    public AdressbuchRule Rule { get; } = rule;
}

/// <summary>The rule of the directory a write broke.</summary>
public enum AdressbuchRule
{
    /// <summary>Another rule (a check of the tables): only the message says which.</summary>
    Other = 0,
    /// <summary>A unit or person named (parent unit, a person's unit, a deputy) is not in the directory, or the person written to is not.</summary>
    UnknownReference,
    /// <summary>A value that is unique is held already: a unit's Postkorb group by another unit, a deputy named twice.</summary>
    Taken,
    /// <summary>More than 9 standing deputies.</summary>
    TooManyDeputies,
    /// <summary>A person named as their own deputy.</summary>
    OwnDeputy,
}

/// <summary>
/// The staff directory's tables (migration 0030): org units, people, standing deputies, per tenant. Lists are paged; the
/// whole unit tree is read at once (<see cref="OrgEinheiten"/>) to work out the groups a person belongs to and leads.
/// </summary>
public interface IAdressbuchStore
{
    OrgEinheit? GetOrgEinheit(string tenantId, string id);
    /// <summary>Adds or changes a unit; an unknown parent or a group another unit holds is refused.</summary>
    void PutOrgEinheit(string tenantId, OrgEinheit einheit);
    (IReadOnlyList<OrgEinheit> Items, int Total) ListOrgEinheiten(string tenantId, int offset, int limit);
    /// <summary>Every unit of the tenant (the tree; an administration has hundreds, not millions).</summary>
    IReadOnlyList<OrgEinheit> OrgEinheiten(string tenantId);

    Person? GetPerson(string tenantId, string id);
    /// <summary>Adds or changes a person; an unknown unit is refused.</summary>
    void PutPerson(string tenantId, Person person);
    /// <summary>People by name, optionally only those whose name, phone, room or e-mail contains <paramref name="text"/>, or of one unit.</summary>
    (IReadOnlyList<Person> Items, int Total) ListPersonen(string tenantId, string? text, string? orgEinheitId, int offset, int limit);

    /// <summary>A person's standing deputies, first deputy first.</summary>
    IReadOnlyList<string> Vertreter(string tenantId, string personId);
    /// <summary>Replaces a person's deputies (in this order, at most 9) in one transaction; unknown people or the person themself are refused.</summary>
    void SetVertreter(string tenantId, string personId, IReadOnlyList<string> vertreter);
}

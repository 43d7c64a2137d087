using NodaTime;

namespace EGov.Workflows.Persistence.Ratsinfo;

/// <summary>The tenant's Körperschaft (the municipality) as the OParl interface shows it; without it nothing is published.</summary>
public sealed record Koerperschaft(string Name, string? Kurzname, string? Ags, string? Website, string? KontaktEmail, Instant GeaendertAm);

/// <summary>The kinds of Gremien: the elected council itself (Stadtverordnetenversammlung, Gemeinderat) and its bodies.</summary>
public static class GremiumArten
{
    public const string Vertretung = "vertretung", Ausschuss = "ausschuss", Beirat = "beirat", Ortsbeirat = "ortsbeirat";
    public static IReadOnlyList<string> All { get; } = [Vertretung, Ausschuss, Beirat, Ortsbeirat];
}

/// <summary>
/// A Gremium (the council or a committee; OParl Organization). <see cref="Lesegruppe"/>: the group whose members may read the
/// non-public papers and minutes of its sessions; <see cref="VorsitzGruppe"/>: the group of its chair, who consents to a Nachtrag.
/// </summary>
public sealed record Gremium(string Id, string Name, string? Kurzname, string Art, string Lesegruppe, string VorsitzGruppe, Instant GeaendertAm);

/// <summary>A session in the Sitzungskalender (OParl Meeting), with the deadline by which its papers must be submitted.</summary>
public sealed record Sitzung(string Id, string GremiumId, string Name, Instant Beginn, Instant? Ende, string? Ort, Instant Einreichungsfrist, bool Abgesagt, Instant GeaendertAm);

/// <summary>The states of a paper in the register.</summary>
public static class VorlageStatus
{
    public const string Entwurf = "entwurf", Eingereicht = "eingereicht", Abgelehnt = "abgelehnt", Zurueckgezogen = "zurueckgezogen";
    public static IReadOnlyList<string> All { get; } = [Entwurf, Eingereicht, Abgelehnt, Zurueckgezogen];
}

/// <summary>
/// A paper (Beschlussvorlage; OParl Paper): its register entry, kept in step with its case. <see cref="Oeffentlich"/> decides who
/// may read it and the minutes of its agenda item; only a submitted public paper is ever published (<see cref="VeroeffentlichtAm"/>).
/// </summary>
public sealed record Vorlage(
    string Id,
    string Betreff,
    string Art,
    string Federfuehrend,
    bool Oeffentlich,
    string Status,
    string? GremiumId,
    string? SitzungId,
    bool Nachtrag,
    string? Sachverhalt,
    string? Beschlussvorschlag,
    string? Niederschrift,
    string? InstanceId,
    Instant? EingereichtAm,
    Instant? VeroeffentlichtAm,
    Instant GeaendertAm);

/// <summary>A write the tables refuse (unknown Gremium or Sitzung, a name taken, a rule of the register broken), with the reason.</summary>
public sealed class RatsinfoConstraintException(string message, Exception? inner = null, bool vergeben = false) : Exception(message, inner)
{
    /// <summary>A unique value is taken: another Gremium has the name (callers answer by this, not by the message's wording).</summary>
    public bool Vergeben { get; } = vergeben;
}

/// <summary>
/// The Ratsinformationssystem's tables (migration 0025): Körperschaft, Gremien, Sitzungskalender and papers, per tenant.
/// Lists are paged; the published list holds submitted public papers only.
/// </summary>
public interface IRatsinfoStore
{
    Koerperschaft? GetKoerperschaft(string tenantId);
    void PutKoerperschaft(string tenantId, Koerperschaft koerperschaft);
    /// <summary>The tenants that publish (have a Körperschaft), in order.</summary>
    IReadOnlyList<string> PublishingTenants();

    Gremium? GetGremium(string tenantId, string id);
    /// <summary>Adds or changes a Gremium; a name another Gremium of the tenant holds is refused.</summary>
    void PutGremium(string tenantId, Gremium gremium);
    (IReadOnlyList<Gremium> Items, int Total) ListGremien(string tenantId, int offset, int limit);

    Sitzung? GetSitzung(string tenantId, string id);
    /// <summary>Adds or changes a session; an unknown Gremium, a deadline not before the start or an end before the start are refused.</summary>
    void PutSitzung(string tenantId, Sitzung sitzung);
    /// <summary>Sessions by start, optionally of one Gremium and from an instant on.</summary>
    (IReadOnlyList<Sitzung> Items, int Total) ListSitzungen(string tenantId, string? gremiumId, Instant? ab, int offset, int limit);

    Vorlage? GetVorlage(string tenantId, string id);
    /// <summary>Adds or changes a paper (by its id); the register's rules are the table's constraints.</summary>
    void PutVorlage(string tenantId, Vorlage vorlage);
    (IReadOnlyList<Vorlage> Items, int Total) ListVorlagen(string tenantId, int offset, int limit);
    /// <summary>Published papers only (submitted, public, with a publication date), oldest publication first; optionally of one session.</summary>
    (IReadOnlyList<Vorlage> Items, int Total) ListVeroeffentlicht(string tenantId, string? sitzungId, int offset, int limit);
}

using NodaTime;

namespace EGov.Workflows.Persistence.Stadtplanung;

/// <summary>The steps of a Bauleitplan procedure, in the order the BauGB has them, and its two ends (in force, discontinued).</summary>
public static class VerfahrenStatus
{
    public const string Eingeleitet = "eingeleitet", Aufgestellt = "aufgestellt", FruehzeitigeBeteiligung = "fruehzeitige_beteiligung",
        Auslegung = "auslegung", Abwaegung = "abwaegung", Satzungsbeschluss = "satzungsbeschluss", InKraft = "in_kraft", Eingestellt = "eingestellt";

    public static IReadOnlyList<string> All { get; } = [Eingeleitet, Aufgestellt, FruehzeitigeBeteiligung, Auslegung, Abwaegung, Satzungsbeschluss, InKraft, Eingestellt];

    /// <summary>The status a filed step leaves the procedure in (the step names of the activity <c>bauleitplan-akte</c>).</summary>
    public static string? AfterStep(string schritt) => schritt switch
    {
        "aufstellungsbeschluss" => Aufgestellt,
        "fruehzeitige_beteiligung" => FruehzeitigeBeteiligung,
        "auslegung" => Auslegung,
        "abwaegung" => Abwaegung,
        "satzungsbeschluss" => Satzungsbeschluss,
        "bekanntmachung" => InKraft,
        "dokument" => null, // a document without a change of step
        _ => throw new ArgumentException($"unknown step '{schritt}'", nameof(schritt)),
    };

    public static IReadOnlyList<string> Steps { get; } = ["aufstellungsbeschluss", "fruehzeitige_beteiligung", "auslegung", "abwaegung", "satzungsbeschluss", "bekanntmachung", "dokument"];
}

/// <summary>
/// A Bauleitplan procedure (Bebauungsplan or Flächennutzungsplan change) and its eAkte: filed under <see cref="AktenplanKennzeichen"/>
/// with the <see cref="Aktenzeichen"/> built from it and the Plan-Nummer. Its id is the case's business key. A
/// <see cref="Vertraulich"/> procedure is found and read only by the members of <see cref="Federfuehrend"/> and
/// <see cref="Lesegruppen"/>.
/// </summary>
public sealed record Verfahren(
    string Id, string? InstanceId, string PlanNummer, string Titel, string Planart, string Gemarkung, string? Flur, string Verfahrensart,
    string AktenplanKennzeichen, string? AktenplanBetreff, string Aktenzeichen, string Federfuehrend, bool Vertraulich,
    IReadOnlyList<string> Lesegruppen, string Status, LocalDate? AuslegungBeginn, Instant AngelegtAm, Instant GeaendertAm)
{
    /// <summary>The groups that may read it when it is confidential: the lead group and the read groups.</summary>
    public IReadOnlyList<string> Leser => [Federfuehrend, .. Lesegruppen.Where(g => g != Federfuehrend)];

    /// <summary>What the search matches: Plan-Nummer, Titel, Gemarkung, Flur and Aktenzeichen, lower-cased.</summary>
    public string Suchtext => string.Join(" ", new[] { PlanNummer, Titel, Gemarkung, Flur, Aktenzeichen }.Where(s => !string.IsNullOrWhiteSpace(s))).ToLowerInvariant();
}

/// <summary>
/// A document of a procedure's eAkte: number <see cref="Nr"/> within the procedure, the step that filed it, its Aktenplan-Kennzeichen
/// and Aktenzeichen (the procedure's, with <c>/Nr</c>), a text (the step's content) and/or a file of the case file (by its SHA-256).
/// </summary>
public sealed record Dokument(
    string VerfahrenId, int Nr, string Titel, string Schritt, string AktenplanKennzeichen, string Aktenzeichen, string? Inhalt,
    string? DateiHash, string? DateiName, string? ContentType, Instant AbgelegtAm);

/// <summary>The search over the procedures: a text matched in the metadata, optional Gemarkung and status, and who asks.</summary>
/// <param name="Text">Matched (case-insensitive, as a part) in Plan-Nummer, Titel, Gemarkung, Flur and Aktenzeichen; null: all.</param>
/// <param name="Gruppen">The caller's groups: a confidential procedure is found only when one of them may read it.</param>
public sealed record VerfahrenSuche(string? Text, string? Gemarkung, string? Status, IReadOnlyCollection<string> Gruppen);

/// <summary>Refused by the tables' rules (an Aktenzeichen taken, a procedure unknown).</summary>
public sealed class StadtplanungConstraintException(string message) : Exception(message);

/// <summary>The eAkte Stadtplanung tables (migration 0035), per tenant.</summary>
public interface IStadtplanungStore
{
    Verfahren? GetVerfahren(string tenantId, string id);

    /// <summary>Adds or replaces a procedure (with its read groups); an Aktenzeichen another procedure holds is refused.</summary>
    Verfahren PutVerfahren(string tenantId, Verfahren verfahren);

    /// <summary>Files a document under the next number; a case-file document (by hash) already filed for the procedure is not filed again (null).</summary>
    Dokument? AddDokument(string tenantId, Dokument dokument);

    IReadOnlyList<Dokument> Dokumente(string tenantId, string verfahrenId);

    /// <summary>The procedures the search finds and the caller may read, newest change first, with the total.</summary>
    (IReadOnlyList<Verfahren> Items, int Total) Suche(string tenantId, VerfahrenSuche suche, int offset, int limit);
}

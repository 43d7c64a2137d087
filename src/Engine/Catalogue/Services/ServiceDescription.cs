using NodaTime;

namespace EGov.Workflows.Catalogue.Services;

/// <summary>
/// One Verwaltungsleistung as <c>processes/&lt;service&gt;/service.yaml</c> describes it (schema: docs/service.schema.json).
/// Immutable; built only by <see cref="ServiceYamlReader"/> from a file that passed the schema.
/// </summary>
public sealed record ServiceDescription
{
    /// <summary>The service's folder name (e.g. <c>anwohnerparkausweis</c>): the key of an internal service.</summary>
    public required string Id { get; init; }

    /// <summary>The LeiKa key (14 digits), null for an internal procedure.</summary>
    public string? Leika { get; init; }

    /// <summary>An internal administrative procedure: no LeiKa key, not offered to citizens or businesses.</summary>
    public bool Internal { get; init; }

    /// <summary>The key the catalogue and <c>/api/services/{key}</c> use: the LeiKa key, else the folder name.</summary>
    public string Key => Leika ?? Id;

    public OzgReference? Ozg { get; init; }
    public required ServiceName Name { get; init; }

    /// <summary>The id of the BPMN process that implements the service.</summary>
    public required string ProcessId { get; init; }

    public required IReadOnlyList<LegalBasis> LegalBases { get; init; }
    public required Responsibility Responsible { get; init; }

    /// <summary>none, niedrig, substanziell or hoch (eIDAS Art. 8); null when not stated.</summary>
    public string? TrustLevel { get; init; }

    /// <summary>The authority's time to decide, counted as a Frist (days, weeks, months, years).</summary>
    public Period? Bearbeitungsfrist { get; init; }

    /// <summary>How long the case file is kept after the case ended.</summary>
    public Period? Aufbewahrungsfrist { get; init; }

    /// <summary>Where the service's case files are filed in the Aktenplan (eakte-file, eakte-aussondern use it when the model names none).</summary>
    public Aktenplan? Aktenplan { get; init; }

    public Fee? Fees { get; init; }

    /// <summary>OZG maturity 0–4.</summary>
    public required int Reifegrad { get; init; }

    public Contact? Contact { get; init; }

    /// <summary>First day (Europe/Berlin) an application is handled by this version; null: since ever.</summary>
    public LocalDate? ValidFrom { get; init; }

    /// <summary>Last day (inclusive) an application is handled by this version; null: open-ended.</summary>
    public LocalDate? ValidTo { get; init; }

    /// <summary>The file it was read from (for messages).</summary>
    public required string File { get; init; }
}

/// <summary>Where the service sits in the OZG-Umsetzungskatalog.</summary>
public sealed record OzgReference(string? Id, string? Leistung, string? Themenfeld, string? Lebenslage);

/// <summary>The service's name in German and, where given, English.</summary>
public sealed record ServiceName(string De, string? En);

/// <summary>One legal basis: the law, the provision, where it is published.</summary>
public sealed record LegalBasis(string Law, string? Paragraph, string? Link)
{
    public override string ToString() => Paragraph is null ? Law : $"{Paragraph} {Law}";
}

/// <summary>The organisation unit responsible and the candidate groups of its tasks.</summary>
public sealed record Responsibility(string OrgUnit, IReadOnlyList<string> Groups);

/// <summary>A fixed fee in euros (<see cref="Amount"/>) or a DMN decision that computes it (<see cref="Decision"/>).</summary>
public sealed record Fee(decimal? Amount, string? Per, string? Decision, string? LegalBasis);

/// <summary>An Aktenplan entry: its Kennzeichen (e.g. 32.10.05) and Inhaltsangabe.</summary>
public sealed record Aktenplan(string Kennzeichen, string? Betreff);

/// <summary>Whom to ask about the service.</summary>
public sealed record Contact(string? Name, string? Email, string? Phone, string? Url);

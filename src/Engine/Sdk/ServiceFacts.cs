namespace EGov.Workflows.Sdk;

/// <summary>
/// What the service catalogue (<c>processes/&lt;service&gt;/service.yaml</c>) says about the service the case belongs to,
/// for activities that file or keep the case: where it is filed in the Aktenplan and how long it is kept. Null fields: the
/// service.yaml does not say.
/// </summary>
/// <param name="ProcessId">The process the facts are for.</param>
public sealed record ServiceFacts(string ProcessId)
{
    /// <summary>The Aktenplan entry (Kennzeichen) the service's case files are filed under, e.g. <c>32.10.05</c>.</summary>
    public string? AktenplanKennzeichen { get; init; }

    /// <summary>Its Inhaltsangabe, e.g. <c>Bewohnerparken – Parkausweise</c>.</summary>
    public string? AktenplanBetreff { get; init; }

    /// <summary>The Aufbewahrungsfrist as an ISO 8601 period, e.g. <c>P6Y</c>.</summary>
    public string? Aufbewahrungsfrist { get; init; }

    /// <summary>The authority that provides the service, as documents name it: the contact's name, else the responsible organisation unit.</summary>
    public string? Behoerde { get; init; }
}

/// <summary>
/// One document of the case file (Akte) of the running case: what the citizen uploaded with the application or later,
/// what a clerk attached, what arrived with a FIT-Connect submission. Read with <see cref="ActivityContext.CaseDocuments"/>;
/// an activity that files the case (eAkte) passes them on to the DMS.
/// </summary>
/// <param name="Name">The file's name as uploaded (no path).</param>
/// <param name="ContentType">Its checked media type (the upload's bytes were sniffed).</param>
/// <param name="Hash">SHA-256 of the content (hex), stable across tries.</param>
/// <param name="Source">Where it came from: <c>fitconnect</c>, <c>aktivitaet</c> (made by an activity of the case, see <see cref="NewCaseDocument"/>), or <c>fallakte</c> (an upload of citizen or clerk).</param>
public sealed record CaseDocument(string Name, string ContentType, string Hash, ReadOnlyMemory<byte> Content, DateTimeOffset AddedAt, string Source);

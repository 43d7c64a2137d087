using System.Xml;
using System.Xml.Linq;

namespace EGov.Workflows.Activities.Xdomea;

/// <summary>The archive's decision on one offered Schriftgutobjekt (code list Aussonderungsart 1.0).</summary>
public enum Bewertung
{
    /// <summary><c>A</c>: archivwürdig — the object is handed over (0503) and then deleted here.</summary>
    Archivieren,
    /// <summary><c>V</c>: zum Vernichten — the archive does not want it; it is deleted here (kassiert).</summary>
    Kassieren,
}

/// <summary>
/// The xdomea Aussonderung exchange (message group "Aussonderung durchführen", xdomea 3.x) between the authority and its
/// archive, as far as this pack sends and reads it:
/// <list type="bullet">
/// <item><c>Aussonderung.Anbieteverzeichnis.0501</c> (sent): the offer — the Vorgang's metadata with its archival metadata, no primary files.</item>
/// <item><c>Aussonderung.AnbietungEmpfangBestaetigen.0504</c> (read): the archive received the offer.</item>
/// <item><c>Aussonderung.Bewertungsverzeichnis.0502</c> (read): the archive's evaluation per object — A (archivwürdig) or V (vernichten).</item>
/// <item><c>Aussonderung.BewertungEmpfangBestaetigen.0505</c> (sent): the authority received the evaluation.</item>
/// <item><c>Aussonderung.Aussonderung.0503</c> (sent): the hand-over of the archival objects with their primary files.</item>
/// <item><c>Aussonderung.AussonderungEmpfangBestaetigen.0507</c> (read): the archive received the hand-over.</item>
/// <item><c>Aussonderung.AussonderungImportBestaetigen.0506</c> (read): per object whether the archive imported it, and its Archivkennung.</item>
/// </list>
/// All messages of one Aussonderung share the ProzessID.
/// </summary>
public static class Aussonderung
{
    public const string Anbieteverzeichnis = "Aussonderung.Anbieteverzeichnis.0501";
    public const string Bewertungsverzeichnis = "Aussonderung.Bewertungsverzeichnis.0502";
    public const string Abgabe0503 = "Aussonderung.Aussonderung.0503";
    public const string AnbietungEmpfangBestaetigen = "Aussonderung.AnbietungEmpfangBestaetigen.0504";
    public const string BewertungEmpfangBestaetigen = "Aussonderung.BewertungEmpfangBestaetigen.0505";
    public const string AussonderungImportBestaetigen = "Aussonderung.AussonderungImportBestaetigen.0506";
    public const string AussonderungEmpfangBestaetigen = "Aussonderung.AussonderungEmpfangBestaetigen.0507";

    /// <summary>The archival metadata of the offered Vorgang (MetadatenAussonderung).</summary>
    /// <param name="AufbewahrungsdauerJahre">The Aufbewahrungsfrist in whole years (null: not stated).</param>
    /// <param name="Aufbewahrungsende">The day the Aufbewahrungsfrist ended.</param>
    /// <param name="Bewertungsvorschlag">The authority's proposal, A or V (null: none).</param>
    public sealed record ArchivMetadaten(int? AufbewahrungsdauerJahre, DateOnly? Aufbewahrungsende, string? Bewertungsvorschlag);

    /// <summary>
    /// An Akte offered beside the case's Vorgang in the same Anbieteverzeichnis (a file of several cases, e.g. one
    /// Aktenplan entry's Akte of a year): its id, Aktenzeichen, Betreff and the Vorgänge it holds (metadata only).
    /// </summary>
    public sealed record AktenAkte(Guid Id, string Aktenzeichen, string Betreff, string Aktenplaneinheit, DateOnly Beginn, DateOnly Ende, IReadOnlyList<AktenVorgang> Vorgaenge);

    /// <summary>0501: the offer of <paramref name="vorgang"/> (metadata only), asking for a receipt (0504).</summary>
    public static XDocument Anbieten(string ns, AbgabeKopf kopf, AktenVorgang vorgang, ArchivMetadaten meta) => Anbieten(ns, kopf, vorgang, meta, []);

    /// <summary>0501: the offer of <paramref name="vorgang"/> and the Akten <paramref name="akten"/> (each its own Schriftgutobjekt, metadata only), asking for a receipt (0504).</summary>
    public static XDocument Anbieten(string ns, AbgabeKopf kopf, AktenVorgang vorgang, ArchivMetadaten meta, IReadOnlyList<AktenAkte> akten)
    {
        ArgumentNullException.ThrowIfNull(kopf);
        ArgumentNullException.ThrowIfNull(vorgang);
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(akten);
        XNamespace x = ns;
        return Message(x, Anbieteverzeichnis,
            Abgabe.Kopf(x, kopf, "0501", "Aussonderung.Anbieteverzeichnis", new XElement(x + "Empfangsbestaetigung", "1")),
            new XElement(x + "Schriftgutobjekt", Abgabe.VorgangElement(x, kopf, vorgang, Metadaten(x, meta, "B"), withDokumente: false)),
            akten.Select(a => new XElement(x + "Schriftgutobjekt", AkteElement(x, kopf, a, Metadaten(x, meta, "B")))));
    }

    /// <summary>0503: the hand-over of <paramref name="vorgang"/> with its documents (primary files in the container), asking for the import confirmation (0506) with the Archivkennung and a receipt (0507).</summary>
    public static XDocument Abgeben(string ns, AbgabeKopf kopf, AktenVorgang vorgang, ArchivMetadaten meta) => Abgeben(ns, kopf, vorgang, meta, []);

    /// <summary>0503: the hand-over of <paramref name="vorgang"/> (null: the archive did not want it) and of the Akten <paramref name="akten"/> the archive evaluated A.</summary>
    public static XDocument Abgeben(string ns, AbgabeKopf kopf, AktenVorgang? vorgang, ArchivMetadaten meta, IReadOnlyList<AktenAkte> akten)
    {
        ArgumentNullException.ThrowIfNull(kopf);
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(akten);
        if (vorgang is null && akten.Count == 0) throw new ArgumentException("a hand-over needs at least one Schriftgutobjekt", nameof(akten));
        XNamespace x = ns;
        var archiv = meta with { Bewertungsvorschlag = null };
        return Message(x, Abgabe0503,
            Abgabe.Kopf(x, kopf, "0503", "Aussonderung.Aussonderung",
                new XElement(x + "Importbestaetigung", "1"),
                new XElement(x + "RueckmeldungArchivkennung", "1"),
                new XElement(x + "Empfangsbestaetigung", "1")),
            vorgang is null ? null : new XElement(x + "Schriftgutobjekt", Abgabe.VorgangElement(x, kopf, vorgang, Metadaten(x, archiv, "A"), withDokumente: true)),
            akten.Select(a => new XElement(x + "Schriftgutobjekt", AkteElement(x, kopf, a, Metadaten(x, archiv, "A")))));
    }

    /// <summary>An Akte (AkteType): identification, general and archival metadata, Laufzeit, and its Vorgänge in Akteninhalt.</summary>
    private static XElement AkteElement(XNamespace x, AbgabeKopf kopf, AktenAkte akte, XElement archivspezifisch) =>
        new(x + "Akte",
            new XElement(x + "Identifikation", new XElement(x + "ID", akte.Id.ToString("D"))),
            new XElement(x + "AllgemeineMetadaten",
                new XElement(x + "Betreff", akte.Betreff),
                new XElement(x + "Kennzeichen", akte.Aktenzeichen),
                string.IsNullOrWhiteSpace(kopf.Organisationseinheit) ? null : new XElement(x + "Federfuehrung", kopf.Organisationseinheit),
                new XElement(x + "Medium", new XAttribute("listURI", "urn:xoev-de:xdomea:codeliste:medium"), new XAttribute("listVersionID", "1.0"),
                    new XElement("code", "001"), new XElement("name", "Elektronisch: Das Schriftgutobjekt liegt ausschließlich in elektronischer Form vor.")),
                new XElement(x + "Aktenplaneinheit", new XElement(x + "Kennzeichen", akte.Aktenplaneinheit))),
            archivspezifisch,
            new XElement(x + "Laufzeit", new XElement(x + "Beginn", Abgabe.Date(akte.Beginn)), new XElement(x + "Ende", Abgabe.Date(akte.Ende))),
            akte.Vorgaenge.Count == 0 ? null
                : new XElement(x + "Akteninhalt", akte.Vorgaenge.Select(v => Abgabe.VorgangElement(x, kopf, v, null, withDokumente: false))));

    /// <summary>0505: the receipt of the archive's evaluation.</summary>
    public static XDocument BewertungBestaetigen(string ns, AbgabeKopf kopf)
    {
        ArgumentNullException.ThrowIfNull(kopf);
        XNamespace x = ns;
        return Message(x, BewertungEmpfangBestaetigen, Abgabe.Kopf(x, kopf, "0505", "Aussonderung.BewertungEmpfangBestaetigen"));
    }

    private static XDocument Message(XNamespace x, string name, params object?[] content) =>
        new(new XDeclaration("1.0", "UTF-8", null), new XElement(x + name, new XAttribute(XNamespace.Xmlns + "xdomea", x.NamespaceName), content));

    private static XElement Metadaten(XNamespace x, ArchivMetadaten meta, string aussonderungsart) =>
        new(x + "ArchivspezifischeMetadaten",
            meta.AufbewahrungsdauerJahre is { } j ? new XElement(x + "Aufbewahrungsdauer", new XElement(x + "AnzahlJahre", j)) : null,
            new XElement(x + "Aussonderungsart",
                new XElement(x + "Aussonderungsart", new XAttribute("listURI", "urn:xoev-de:xdomea:codeliste:aussonderungsart"), new XAttribute("listVersionID", "1.0"),
                    new XElement("code", aussonderungsart))),
            meta.Bewertungsvorschlag is { } v
                ? new XElement(x + "Bewertungsvorschlag", new XAttribute("listURI", "urn:xoev-de:xdomea:codeliste:bewertungsvorschlag"), new XAttribute("listVersionID", "1.0"), new XElement("code", v))
                : null,
            meta.Aufbewahrungsende is { } e ? new XElement(x + "Aufbewahrungsende", Abgabe.Date(e)) : null);

    /// <summary>
    /// The message's root name and ProzessID when <paramref name="xml"/> is a message of <paramref name="ns"/>; null when it
    /// is not XML or not xdomea of that version.
    /// </summary>
    public static (string Nachricht, string ProzessId, XDocument Doc)? Read(string xml, string ns)
    {
        XDocument doc;
        try { doc = XDocument.Parse(xml); }
        catch (XmlException) { return null; }
        XNamespace x = ns;
        if (doc.Root is null || doc.Root.Name.Namespace != x) return null;
        return (doc.Root.Name.LocalName, (string?)doc.Root.Element(x + "Kopf")?.Element(x + "ProzessID") ?? "", doc);
    }

    /// <summary>The evaluation of the object <paramref name="idSgo"/> in a 0502; null when the object is not in it or its code is neither A nor V (B: not yet evaluated).</summary>
    public static Bewertung? BewertungVon(XDocument doc, string ns, Guid idSgo)
    {
        ArgumentNullException.ThrowIfNull(doc);
        XNamespace x = ns;
        var objekt = doc.Root?.Elements(x + "BewertetesObjekt").FirstOrDefault(o => Guid.TryParse((string?)o.Element(x + "ID"), out var g) && g == idSgo);
        var code = (string?)objekt?.Element(x + "Aussonderungsart")?.Element(x + "Aussonderungsart")?.Element("code");
        return code?.Trim() switch { "A" => Bewertung.Archivieren, "V" => Bewertung.Kassieren, _ => null };
    }

    /// <summary>The import confirmation (0506) for the object <paramref name="idSgo"/>: success, the archive's messages and its Archivkennung; null when the object is not in it.</summary>
    public static (bool Erfolgreich, IReadOnlyList<string> Fehler, string? Archivkennung)? ImportVon(XDocument doc, string ns, Guid idSgo)
    {
        ArgumentNullException.ThrowIfNull(doc);
        XNamespace x = ns;
        var objekt = doc.Root?.Elements(x + "AusgesondertesSGO").FirstOrDefault(o => Guid.TryParse((string?)o.Element(x + "IDSGO"), out var g) && g == idSgo);
        if (objekt is null) return null;
        var ok = (string?)objekt.Element(x + "Erfolgreich") is "1" or "true";
        var fehler = objekt.Elements(x + "Fehlermeldung").Select(e => e.Value.Trim()).Where(s => s.Length > 0).ToList();
        return (ok, fehler, ((string?)objekt.Element(x + "Archivkennung"))?.Trim());
    }

    /// <summary>The code of a Bewertung as the code list writes it.</summary>
    public static string Code(Bewertung b) => b == Bewertung.Archivieren ? "A" : "V";
}

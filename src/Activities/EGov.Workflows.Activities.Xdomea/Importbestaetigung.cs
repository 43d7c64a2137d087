using System.Xml;
using System.Xml.Linq;

namespace EGov.Workflows.Activities.Xdomea;

/// <summary>
/// The DMS's answer <c>Abgabe.ImportBestaetigen.0402</c>: per handed-over object whether the import succeeded and why not.
/// xdomea 3 has no element for the DMS's own file reference; a DMS names it in the Kopf's
/// <c>AnwendungsspezifischeErweiterung</c> as the field <c>Aktenzeichen</c> (and <c>DMS-ID</c>), which is read when present.
/// </summary>
public sealed record Importbestaetigung(string ProzessId, bool Erfolgreich, IReadOnlyList<string> Fehlermeldungen, string? DmsAktenzeichen, string? DmsId)
{
    public const string Nachricht = "Abgabe.ImportBestaetigen.0402";

    /// <summary>Reads the answer for the object <paramref name="idSgo"/>; null when the text is not a 0402 in <paramref name="ns"/>.</summary>
    public static Importbestaetigung? Parse(string xml, string ns, Guid idSgo)
    {
        XDocument doc;
        try { doc = XDocument.Parse(xml); }
        catch (XmlException) { return null; }
        XNamespace x = ns;
        if (doc.Root?.Name != x + Nachricht) return null;
        var kopf = doc.Root.Element(x + "Kopf");
        var objekt = doc.Root.Elements(x + "AbgegebenesObjekt")
            .FirstOrDefault(o => Guid.TryParse((string?)o.Element(x + "IDSGO"), out var g) && g == idSgo);
        if (objekt is null) return null;
        var ok = (string?)objekt.Element(x + "Erfolgreich") is "1" or "true";
        var fehler = objekt.Elements(x + "Fehlermeldung").Select(e => e.Value.Trim()).Where(s => s.Length > 0).ToList();
        string? Feld(string name) => kopf?.Element(x + "AnwendungsspezifischeErweiterung")?.Elements(x + "Feld")
            .FirstOrDefault(f => string.Equals((string?)f.Element(x + "Name"), name, StringComparison.OrdinalIgnoreCase))?.Element(x + "Wert")?.Value;
        return new Importbestaetigung((string?)kopf?.Element(x + "ProzessID") ?? "", ok, fehler, Feld("Aktenzeichen"), Feld("DMS-ID"));
    }
}

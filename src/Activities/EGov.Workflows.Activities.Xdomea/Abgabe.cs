using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace EGov.Workflows.Activities.Xdomea;

/// <summary>One document of the Vorgang with its primary file.</summary>
public sealed record AktenDokument(Guid Id, string Betreff, string DateinameOriginal, string ContentType, byte[] Inhalt, DateTimeOffset Datum)
{
    /// <summary>The file name in the container: the document's UUID and the original extension (xdomea: <c>&lt;UUID&gt;.&lt;ext&gt;</c>).</summary>
    public string Dateiname => Id.ToString("D") + Dateiformat.Extension(DateinameOriginal, ContentType);
}

/// <summary>One entry of the history summary (HistorienProtokollInformation).</summary>
public sealed record Protokolleintrag(DateTimeOffset Zeit, string Akteur, string Aktion);

/// <summary>The sender and receiver of the message (from the tenant's settings).</summary>
public sealed record AbgabeKopf(Guid ProzessId, DateTimeOffset Erstellt, string Behoerde, string? Organisationseinheit, string Empfaenger);

/// <summary>The case as a Vorgang: its metadata, history and documents.</summary>
public sealed record AktenVorgang(
    Guid Id, string Betreff, string Aktenzeichen, string Aktenplaneinheit, string? Aktenplanbetreff,
    DateOnly Beginn, DateOnly Ende, IReadOnlyList<Protokolleintrag> Historie, IReadOnlyList<AktenDokument> Dokumente,
    string Vertraulichkeitsstufe = "003");

/// <summary>
/// The xdomea message <c>Abgabe.Abgabe.0401</c> (hand-over of a Schriftgutobjekt to the DMS, with an import confirmation
/// asked for) and its transport container: a ZIP named <c>&lt;ProzessID&gt;_Abgabe.Abgabe.0401.zip</c> holding the message
/// (<c>&lt;ProzessID&gt;_Abgabe.Abgabe.0401.xml</c>) and one primary file per document (<c>&lt;UUID&gt;.&lt;ext&gt;</c>).
/// </summary>
public static class Abgabe
{
    public const string Nachricht = "Abgabe.Abgabe.0401";

    /// <summary>A stable UUID from a key (SHA-256, shaped as a version-8 UUID): the same case and element give the same ids on every try.</summary>
    public static Guid StableId(string key)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16).ToArray();
        h[6] = (byte)((h[6] & 0x0F) | 0x80); // version 8 (RFC 9562: custom)
        h[8] = (byte)((h[8] & 0x3F) | 0x80); // variant RFC 4122/9562
        return new Guid(h, bigEndian: true);
    }

    /// <summary>The message in the schema's namespace (<paramref name="ns"/>, e.g. <c>urn:xoev-de:xdomea:schema:3.1.0</c>).</summary>
    public static XDocument Build(string ns, AbgabeKopf kopf, AktenVorgang vorgang)
    {
        ArgumentNullException.ThrowIfNull(kopf);
        ArgumentNullException.ThrowIfNull(vorgang);
        XNamespace x = ns;
        var root = new XElement(x + Nachricht,
            new XAttribute(XNamespace.Xmlns + "xdomea", ns),
            Kopf(x, kopf, "0401", "Abgabe.Abgabe",
                new XElement(x + "Importbestaetigung", "1"),
                new XElement(x + "Empfangsbestaetigung", "0")),
            new XElement(x + "Schriftgutobjekt", VorgangElement(x, kopf, vorgang, null, withDokumente: true)));
        return new XDocument(new XDeclaration("1.0", "UTF-8", null), root);
    }

    /// <summary>
    /// The message head (NkBasis: ProzessID, Nachrichtentyp, Erstellungszeitpunkt, Absender, Empfaenger, SendendesSystem)
    /// followed by the message type's own flags (<paramref name="rest"/>).
    /// </summary>
    internal static XElement Kopf(XNamespace x, AbgabeKopf kopf, string code, string name, params XElement[] rest)
    {
        var absender = new XElement(x + "Absender", new XElement(x + "Institution", new XElement(x + "Name", kopf.Behoerde)));
        if (!string.IsNullOrWhiteSpace(kopf.Organisationseinheit))
            absender.Add(new XElement(x + "Organisationseinheit", new XElement(x + "Name", kopf.Organisationseinheit)));
        return new XElement(x + "Kopf",
            new XElement(x + "ProzessID", kopf.ProzessId.ToString("D")),
            new XElement(x + "Nachrichtentyp", new XAttribute("listURI", "urn:xoev-de:xdomea:codeliste:nachrichtentyp"), new XAttribute("listVersionID", "2.0"),
                new XElement("code", code), new XElement("name", name)),
            new XElement(x + "Erstellungszeitpunkt", Instant(kopf.Erstellt)),
            absender,
            new XElement(x + "Empfaenger", new XElement(x + "Institution", new XElement(x + "Name", kopf.Empfaenger))),
            new XElement(x + "SendendesSystem", new XElement(x + "Produktname", "EGov.Workflows")),
            rest);
    }

    /// <summary>The Vorgang element: metadata, optional archival metadata (Aussonderung), Laufzeit, history and, when asked, its documents.</summary>
    internal static XElement VorgangElement(XNamespace x, AbgabeKopf kopf, AktenVorgang vorgang, XElement? archivspezifisch, bool withDokumente)
    {
        var aktenplan = new XElement(x + "Aktenplaneinheit", new XElement(x + "Kennzeichen", vorgang.Aktenplaneinheit));
        if (!string.IsNullOrWhiteSpace(vorgang.Aktenplanbetreff)) aktenplan.Add(new XElement(x + "Inhaltsangabe", vorgang.Aktenplanbetreff));
        return new XElement(x + "Vorgang",
            new XElement(x + "Identifikation", new XElement(x + "ID", vorgang.Id.ToString("D"))),
            new XElement(x + "AllgemeineMetadaten",
                new XElement(x + "Betreff", vorgang.Betreff),
                new XElement(x + "Kennzeichen", vorgang.Aktenzeichen),
                string.IsNullOrWhiteSpace(kopf.Organisationseinheit) ? null : new XElement(x + "Federfuehrung", kopf.Organisationseinheit),
                new XElement(x + "Vertraulichkeitsstufe", new XAttribute("listURI", "urn:xoev-de:xdomea:codeliste:vertraulichkeitsstufe"), new XAttribute("listVersionID", "1.0"),
                    new XElement("code", vorgang.Vertraulichkeitsstufe)),
                Medium(x),
                aktenplan),
            archivspezifisch,
            new XElement(x + "Laufzeit", new XElement(x + "Beginn", Date(vorgang.Beginn)), new XElement(x + "Ende", Date(vorgang.Ende))),
            vorgang.Historie.Select(h => Historie(x, h)),
            withDokumente ? vorgang.Dokumente.Select((d, i) => Dokument(x, d, i + 1)) : null);
    }

    private static XElement Medium(XNamespace x) =>
        new(x + "Medium", new XAttribute("listURI", "urn:xoev-de:xdomea:codeliste:medium"), new XAttribute("listVersionID", "1.0"),
            new XElement("code", "001"), new XElement("name", "Elektronisch: Das Schriftgutobjekt liegt ausschließlich in elektronischer Form vor."));

    private static XElement Historie(XNamespace x, Protokolleintrag h) =>
        new(x + "HistorienProtokollInformation",
            new XElement(x + "Akteur", h.Akteur),
            new XElement(x + "DatumUhrzeit", Instant(h.Zeit)),
            new XElement(x + "Aktion", h.Aktion));

    private static XElement Dokument(XNamespace x, AktenDokument d, int nummer)
    {
        var (code, sonstiger) = Dateiformat.Code(d.DateinameOriginal, d.ContentType);
        return new XElement(x + "Dokument",
            new XElement(x + "Identifikation", new XElement(x + "ID", d.Id.ToString("D")), new XElement(x + "NummerImUebergeordnetenContainer", nummer)),
            new XElement(x + "AllgemeineMetadaten", new XElement(x + "Betreff", d.Betreff), Medium(x)),
            new XElement(x + "DatumDesSchreibens", Date(DateOnly.FromDateTime(d.Datum.UtcDateTime))),
            new XElement(x + "Version",
                new XElement(x + "Nummer", "1"),
                new XElement(x + "Format",
                    new XElement(x + "Name", new XAttribute("listURI", "urn:xoev-de:xdomea:codeliste:dateiformat"), new XAttribute("listVersionID", "1.0"), new XElement("code", code)),
                    sonstiger is null ? null : new XElement(x + "SonstigerName", sonstiger),
                    new XElement(x + "Version", ""),
                    new XElement(x + "Primaerdokument",
                        new XElement(x + "Dateiname", d.Dateiname),
                        new XElement(x + "DateinameOriginal", d.DateinameOriginal),
                        new XElement(x + "DatumUhrzeit", Instant(d.Datum))))));
    }

    /// <summary>The transport container: the message and every primary file in one ZIP (deterministic entry order and times).</summary>
    public static byte[] Container(XDocument message, Guid prozessId, IEnumerable<AktenDokument> dokumente) => Container(message, prozessId, Nachricht, dokumente);

    /// <summary>The transport container of any xdomea message <paramref name="nachricht"/> (e.g. <c>Aussonderung.Aussonderung.0503</c>).</summary>
    public static byte[] Container(XDocument message, Guid prozessId, string nachricht, IEnumerable<AktenDokument> dokumente)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            var stamp = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var entry = zip.CreateEntry($"{prozessId:D}_{nachricht}.xml", CompressionLevel.Optimal);
            entry.LastWriteTime = stamp;
            using (var s = entry.Open())
            using (var w = System.Xml.XmlWriter.Create(s, new System.Xml.XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
                message.Save(w);
            foreach (var d in dokumente)
            {
                var e = zip.CreateEntry(d.Dateiname, CompressionLevel.Optimal);
                e.LastWriteTime = stamp;
                using var s = e.Open();
                s.Write(d.Inhalt);
            }
        }
        return ms.ToArray();
    }

    /// <summary>The container's file name.</summary>
    public static string ContainerName(Guid prozessId) => ContainerName(prozessId, Nachricht);

    /// <summary>The container's file name for the message <paramref name="nachricht"/>.</summary>
    public static string ContainerName(Guid prozessId, string nachricht) => $"{prozessId:D}_{nachricht}.zip";

    internal static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    internal static string Instant(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The xdomea code list Dateiformat (1.0) for the file types a case file accepts.</summary>
public static class Dateiformat
{
    private static readonly (string Ext, string Type, string Code)[] Known =
    [
        (".pdf", "application/pdf", "018"), (".png", "image/png", "019"), (".jpg", "image/jpeg", "011"), (".jpeg", "image/jpeg", "010"),
        (".xml", "application/xml", "030"), (".csv", "text/csv", "002"), (".txt", "text/plain", "045"), (".html", "text/html", "008"),
        (".odt", "application/vnd.oasis.opendocument.text", "015"), (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "035"),
    ];

    /// <summary>The code, and for "100 Sonstiges" the format's name.</summary>
    public static (string Code, string? SonstigerName) Code(string name, string contentType)
    {
        var ext = System.IO.Path.GetExtension(name).ToLowerInvariant();
        var hit = Known.FirstOrDefault(k => k.Ext == ext);
        if (hit.Code is null) hit = Known.FirstOrDefault(k => k.Type == contentType);
        return hit.Code is null ? ("100", ext.Length > 1 ? ext[1..] : contentType) : (hit.Code, null);
    }

    /// <summary>The file's extension, or one for its content type.</summary>
    public static string Extension(string name, string contentType)
    {
        var ext = System.IO.Path.GetExtension(name).ToLowerInvariant();
        if (ext.Length is > 1 and <= 8 && ext[1..].All(char.IsAsciiLetterOrDigit)) return ext;
        return Known.FirstOrDefault(k => k.Type == contentType).Ext ?? ".bin";
    }
}

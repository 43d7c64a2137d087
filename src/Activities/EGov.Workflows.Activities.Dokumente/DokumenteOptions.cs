namespace EGov.Workflows.Activities.Dokumente;

/// <summary>
/// Settings of the document pack (configuration section <c>Packs:Dokumente</c>, per tenant <c>Tenants:{id}:Dokumente</c>).
/// The fonts are the installation's (<c>Packs:Dokumente</c> only): PDFsharp takes one font resolver per process.
/// </summary>
public sealed class DokumenteOptions
{
    public const string Section = "Dokumente";

    /// <summary>The issuing authority printed at the head of every document (e.g. <c>Stadt Musterstadt – Straßenverkehrsbehörde</c>), unless the task gives <c>absender</c>; unset: the service.yaml's contact.</summary>
    public string? Behoerde { get; set; }

    /// <summary>The place beside the date (e.g. <c>Musterstadt</c>); none: the date alone.</summary>
    public string? Ort { get; set; }

    /// <summary>
    /// Where the TrueType fonts are looked for (searched with its subfolders; default <c>/usr/share/fonts</c>): the first
    /// of Liberation Sans, DejaVu Sans, Noto Sans or FreeSans found with its bold face. The Debian packages
    /// <c>fonts-liberation</c> or <c>fonts-dejavu-core</c> bring one.
    /// </summary>
    public string FontDirectory { get; set; } = "/usr/share/fonts";

    /// <summary>A regular face to use instead of the search (a .ttf file); <see cref="BoldFont"/> goes with it.</summary>
    public string? RegularFont { get; set; }

    /// <summary>The bold face that goes with <see cref="RegularFont"/>.</summary>
    public string? BoldFont { get; set; }
}

using PdfSharp.Fonts;

namespace EGov.Workflows.Activities.Dokumente;

/// <summary>
/// The one font family every document is set in, from TrueType files on the machine. PDFsharp takes one resolver per
/// process, so the first document decides (from <see cref="DokumenteOptions"/>); until a face is found nothing is
/// installed, and a later document tries again (an operator can add the fonts without a restart).
/// </summary>
internal static class PdfFonts
{
    public const string Family = "EGov Dokument";

    // Families we know the file names of, regular face first: what Debian's font packages install.
    private static readonly (string Regular, string Bold)[] Candidates =
    [
        ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
        ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
        ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
        ("FreeSans.ttf", "FreeSansBold.ttf"),
    ];

    private static readonly Lock Gate = new();
    private static bool _installed;

    /// <summary>Installs the resolver once; null when done, else why no font could be found.</summary>
    public static string? Ensure(DokumenteOptions options)
    {
        lock (Gate)
        {
            if (_installed) return null;
            var (regular, bold, problem) = Find(options);
            if (problem is not null) return problem;
            GlobalFontSettings.FontResolver = new Resolver(File.ReadAllBytes(regular!), File.ReadAllBytes(bold!));
            _installed = true;
            return null;
        }
    }

    /// <summary>The regular and bold face files, or why there are none.</summary>
    internal static (string? Regular, string? Bold, string? Problem) Find(DokumenteOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.RegularFont))
        {
            var bold = string.IsNullOrWhiteSpace(o.BoldFont) ? o.RegularFont : o.BoldFont;
            return File.Exists(o.RegularFont) && File.Exists(bold)
                ? (o.RegularFont, bold, null)
                : (null, null, $"dokument-pdf: the font file {(File.Exists(o.RegularFont) ? bold : o.RegularFont)} (Packs:Dokumente:RegularFont/BoldFont) does not exist");
        }
        if (!Directory.Exists(o.FontDirectory))
            return (null, null, $"dokument-pdf: the font folder {o.FontDirectory} (Packs:Dokumente:FontDirectory) does not exist; install fonts-liberation or fonts-dejavu-core, or name a .ttf in Packs:Dokumente:RegularFont");
        var files = Directory.EnumerateFiles(o.FontDirectory, "*.ttf", SearchOption.AllDirectories)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key!, g => g.Order(StringComparer.Ordinal).First(), StringComparer.OrdinalIgnoreCase);
        foreach (var (regular, bold) in Candidates)
            if (files.TryGetValue(regular, out var r))
                return (r, files.GetValueOrDefault(bold, r), null);
        return (null, null, $"dokument-pdf: none of {string.Join(", ", Candidates.Select(c => c.Regular))} was found in {o.FontDirectory} (Packs:Dokumente:FontDirectory); install fonts-liberation or fonts-dejavu-core, or name a .ttf in Packs:Dokumente:RegularFont");
    }

    /// <summary>Every family asked for is ours: the documents are set in one face, regular or bold.</summary>
    private sealed class Resolver(byte[] regular, byte[] bold) : IFontResolver
    {
        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new(bold ? "egov-bold" : "egov-regular");

        public byte[] GetFont(string faceName) => faceName == "egov-bold" ? bold : regular;
    }
}

using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace EGov.Workflows.Activities.Dokumente;

/// <summary>What a document says: head, title, the fields as label and value, then the text's paragraphs.</summary>
internal sealed record DocumentContent(string Absender, string DateLine, string Title, IReadOnlyList<(string Label, string Value)> Fields, IReadOnlyList<string> Paragraphs);

/// <summary>
/// Sets a <see cref="DocumentContent"/> on A4 pages with the margins of DIN 5008 (25 mm left, 20 mm right): lines are
/// broken at spaces (a word wider than the line at any character), a new page begins when one is full, and every page
/// says "Seite n von m" at its foot.
/// </summary>
internal static class PdfDocumentLayout
{
    private const double Mm = 72 / 25.4;
    private const double Left = 25 * Mm, Right = 20 * Mm, Top = 20 * Mm, Bottom = 25 * Mm;
    private const double LabelWidth = 55 * Mm;

    public static (byte[] Pdf, int Pages) Render(DocumentContent content, DateTimeOffset created)
    {
        var regular = new XFont(PdfFonts.Family, 10, XFontStyleEx.Regular);
        var bold = new XFont(PdfFonts.Family, 10, XFontStyleEx.Bold);
        var small = new XFont(PdfFonts.Family, 8, XFontStyleEx.Regular);
        var title = new XFont(PdfFonts.Family, 14, XFontStyleEx.Bold);

        using var document = new PdfDocument();
        document.Info.Title = content.Title;
        document.Info.Author = content.Absender;
        document.Info.Creator = "EGov.Workflows";
        document.Info.CreationDate = created.UtcDateTime;
        var pen = new Writer(document);

        pen.Line(content.Absender, bold);
        pen.Line(content.DateLine, regular, alignRight: true);
        pen.Gap(8 * Mm);
        foreach (var line in pen.Wrap(content.Title, title, pen.Width)) pen.Line(line, title);
        pen.Gap(6 * Mm);
        foreach (var (label, value) in content.Fields) pen.Field(label, value, bold, regular);
        if (content.Fields.Count > 0) pen.Gap(6 * Mm);
        foreach (var paragraph in content.Paragraphs)
        {
            foreach (var line in pen.Wrap(paragraph, regular, pen.Width)) pen.Line(line, regular);
            pen.Gap(3 * Mm);
        }
        pen.Finish(small);

        var pages = document.PageCount; // a saved document answers nothing more
        using var stream = new MemoryStream();
        document.Save(stream, closeStream: false);
        return (stream.ToArray(), pages);
    }

    /// <summary>Writes lines downwards, page after page.</summary>
    private sealed class Writer
    {
        private readonly PdfDocument _document;
        private readonly List<XGraphics> _pages = [];
        private XGraphics _g = null!;
        private double _y;

        public Writer(PdfDocument document)
        {
            _document = document;
            NewPage();
        }

        public double Width => _g.PageSize.Width - Left - Right;

        public void Gap(double height) => _y += height;

        public void Line(string text, XFont font, bool alignRight = false)
        {
            var height = font.GetHeight();
            Room(height);
            var x = alignRight ? _g.PageSize.Width - Right - _g.MeasureString(text, font).Width : Left;
            _g.DrawString(text, font, XBrushes.Black, x, _y + font.Size);
            _y += height;
        }

        /// <summary>A label and its value side by side; both wrap, the taller decides the row.</summary>
        public void Field(string label, string value, XFont labelFont, XFont valueFont)
        {
            var labels = Wrap(label, labelFont, LabelWidth - 3 * Mm);
            var values = Wrap(value, valueFont, Width - LabelWidth);
            var rows = Math.Max(labels.Count, values.Count);
            var height = valueFont.GetHeight();
            for (var i = 0; i < rows; i++)
            {
                Room(height);
                if (i < labels.Count) _g.DrawString(labels[i], labelFont, XBrushes.Black, Left, _y + valueFont.Size);
                if (i < values.Count) _g.DrawString(values[i], valueFont, XBrushes.Black, Left + LabelWidth, _y + valueFont.Size);
                _y += height;
            }
            _y += 1.5 * Mm;
        }

        public List<string> Wrap(string text, XFont font, double width)
        {
            var lines = new List<string>();
            foreach (var sourceLine in text.Replace("\r\n", "\n").Split('\n'))
            {
                var line = "";
                foreach (var word in sourceLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var candidate = line.Length == 0 ? word : line + " " + word;
                    if (_g.MeasureString(candidate, font).Width <= width) { line = candidate; continue; }
                    if (line.Length > 0) lines.Add(line);
                    line = word;
                    while (_g.MeasureString(line, font).Width > width && line.Length > 1)
                    {
                        var fit = 1;
                        while (fit < line.Length && _g.MeasureString(line[..(fit + 1)], font).Width <= width) fit++;
                        lines.Add(line[..fit]);
                        line = line[fit..];
                    }
                }
                lines.Add(line);
            }
            return lines;
        }

        /// <summary>"Seite n von m" at every page's foot, once the count is known.</summary>
        public void Finish(XFont font)
        {
            for (var i = 0; i < _pages.Count; i++)
            {
                var g = _pages[i];
                var text = $"Seite {i + 1} von {_pages.Count}";
                g.DrawString(text, font, XBrushes.Black, g.PageSize.Width - Right - g.MeasureString(text, font).Width, g.PageSize.Height - Bottom + 10 * Mm);
                g.Dispose();
            }
        }

        private void Room(double height)
        {
            if (_y + height > _g.PageSize.Height - Bottom) NewPage();
        }

        private void NewPage()
        {
            var page = _document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            _g = XGraphics.FromPdfPage(page);
            _pages.Add(_g);
            _y = Top;
        }
    }
}

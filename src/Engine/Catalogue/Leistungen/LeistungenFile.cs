using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Catalogue.Leistungen;

/// <summary>What reading a list of Leistungen gave: the Leistungen, the rows left out (with why), and errors.</summary>
public sealed record LeistungenReadResult(IReadOnlyList<Leistung> Leistungen, IReadOnlyList<Diagnostic> Skipped, IReadOnlyList<Diagnostic> Errors);

/// <summary>
/// Reads a list of Leistungen: CSV (RFC 4180: comma-separated, double quotes around fields with commas, quotes or line
/// breaks) with a header line naming at least <c>leika_key</c> and <c>leistung</c> — the format of the public
/// LeiKa/OZG list (<c>leika-leistungen.csv</c>: leika_key, leistung, leistungstyp, ozg_id, ozg_leistung, lebenslage,
/// themenfeld, rechtsgrundlage, gesetze, gesetz_kuerzel, hidden) — or JSON, an array of objects with the same names.
/// Rows without a LeiKa key of 14 digits (<c>nicht im LeiKa</c>, test rows), hidden rows and repeated keys are left
/// out and reported; a file without the needed columns is an error.
/// </summary>
public static partial class LeistungenFile
{
    private const long MaxBytes = 64L * 1024 * 1024;

    public static LeistungenReadResult Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            if (new FileInfo(path).Length > MaxBytes)
                return Error(path, new SourcePosition(1, 1), $"larger than {MaxBytes / 1024 / 1024} MB");
            var text = File.ReadAllText(path, Encoding.UTF8);
            return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('[') ? ReadJson(text, path) : ReadCsv(text, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error(path, new SourcePosition(1, 1), $"cannot read file: {e.Message}");
        }
    }

    private static LeistungenReadResult Error(string file, SourcePosition at, string message) =>
        new([], [], [new Diagnostic(file, at, Severity.Error, message)]);

    [GeneratedRegex("^99[0-9]{12}$")]
    private static partial Regex LeikaKey();

    /// <summary>Whether <paramref name="key"/> has the form of a LeiKa key: 14 digits starting with 99.</summary>
    public static bool IsLeikaKey(string? key) => key is not null && LeikaKey().IsMatch(key);

    public static LeistungenReadResult ReadCsv(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = Csv(text, file, out var syntax);
        if (syntax is not null) return new([], [], [syntax]);
        if (rows.Count == 0) return Error(file, new SourcePosition(1, 1), "the file is empty; expected a header line with leika_key and leistung");
        var header = rows[0].Fields.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        int Col(string name) => header.IndexOf(name);
        var key = Col("leika_key");
        var name = Col("leistung");
        if (key < 0 || name < 0)
            return Error(file, new SourcePosition(1, 1), $"the header names no {(key < 0 ? "leika_key" : "leistung")} column (found: {string.Join(", ", header)})");
        var records = rows.Skip(1).Select(r => (r.Line, Get: (Func<string, string?>)(c =>
        {
            var i = Col(c);
            return i >= 0 && i < r.Fields.Count && r.Fields[i].Trim().Length > 0 ? r.Fields[i].Trim() : null;
        })));
        return Collect(records, file);
    }

    public static LeistungenReadResult ReadJson(string text, string file)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { return Error(file, new SourcePosition((int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1), $"invalid JSON: {e.Message}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array) return Error(file, new SourcePosition(1, 1), "expected a JSON array of Leistungen");
            var records = doc.RootElement.EnumerateArray().Select((e, i) => (Line: i + 1, Get: (Func<string, string?>)(c =>
                e.ValueKind == JsonValueKind.Object && e.TryGetProperty(c, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number
                    ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())?.Trim() is { Length: > 0 } s ? s : null
                    : null))).ToList();
            return Collect(records, file, json: true);
        }
    }

    private static LeistungenReadResult Collect(IEnumerable<(int Line, Func<string, string?> Get)> records, string file, bool json = false)
    {
        var list = new List<Leistung>();
        var skipped = new List<Diagnostic>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, get) in records)
        {
            var at = new SourcePosition(line, 1);
            var where = json ? $"entry {line}" : $"row";
            var key = get("leika_key");
            if (!IsLeikaKey(key)) { skipped.Add(new Diagnostic(file, at, Severity.Warning, $"{where}: '{key ?? ""}' is not a LeiKa key (14 digits starting with 99); left out")); continue; }
            if (get("hidden") is "1" or "true") { skipped.Add(new Diagnostic(file, at, Severity.Warning, $"{where}: {key} is marked hidden; left out")); continue; }
            if (get("leistung") is not { } name) { skipped.Add(new Diagnostic(file, at, Severity.Warning, $"{where}: {key} has no name; left out")); continue; }
            if (!seen.Add(key!)) { skipped.Add(new Diagnostic(file, at, Severity.Warning, $"{where}: {key} is listed twice; the first is kept")); continue; }
            list.Add(new Leistung(key!, name, get("leistungstyp"), get("ozg_id"), get("ozg_leistung"), get("lebenslage"), get("themenfeld"), get("rechtsgrundlage")));
        }
        return new LeistungenReadResult(list, skipped, []);
    }

    private sealed record CsvRow(int Line, List<string> Fields);

    /// <summary>RFC 4180 with LF or CRLF line ends; a row's line is where it starts.</summary>
    private static List<CsvRow> Csv(string text, string file, out Diagnostic? error)
    {
        error = null;
        var rows = new List<CsvRow>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, rowLine = 1, i = 0;
        bool quoted = false, any = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                    quoted = false; i++; continue;
                }
                if (c == '\n') line++;
                field.Append(c); i++; continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true; any = true; i++; break;
                case ',':
                    fields.Add(field.ToString()); field.Clear(); any = true; i++; break;
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    i++; break;
                case '\n':
                    fields.Add(field.ToString()); field.Clear();
                    if (any || fields.Count > 1 || fields[0].Length > 0) rows.Add(new CsvRow(rowLine, fields));
                    fields = []; any = false; line++; rowLine = line; i++; break;
                default:
                    field.Append(c); any = true; i++; break;
            }
        }
        if (quoted) { error = new Diagnostic(file, new SourcePosition(rowLine, 1), Severity.Error, "a quoted field is not closed (a \" is missing)"); return rows; }
        if (any || field.Length > 0) { fields.Add(field.ToString()); rows.Add(new CsvRow(rowLine, fields)); }
        return rows;
    }
}

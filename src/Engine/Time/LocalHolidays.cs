using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Time;

/// <summary>
/// A municipality's holidays beyond (or short of) its Land's, as a tenant's settings write them, one entry each:
/// <list type="bullet">
/// <item><c>08-08 Augsburger Hohes Friedensfest</c> — every year on that day (or just <c>Augsburger Hohes Friedensfest</c>);</item>
/// <item><c>2026-06-01 Stadtjubiläum</c> — once;</item>
/// <item><c>Fronleichnam</c> — Corpus Christi (Easter Sunday + 60 days) where the Land has it only in Catholic communities (SN, TH);</item>
/// <item><c>-Mariä Himmelfahrt</c> — the Land's holiday of that name does not count here (Bavaria's communities with a
/// Protestant majority).</item>
/// </list>
/// </summary>
public sealed class LocalHolidays
{
    private readonly List<(AnnualDate? Annual, LocalDate? Once, string Name)> _added = [];
    private readonly HashSet<string> _removed = new(StringComparer.OrdinalIgnoreCase);
    private bool _corpusChristi;

    /// <summary>No local holidays.</summary>
    public static LocalHolidays None { get; } = new();

    /// <summary>True when nothing is added or removed.</summary>
    public bool IsEmpty => _added.Count == 0 && _removed.Count == 0 && !_corpusChristi;

    /// <summary>The entries as given (normalised), for messages and the documentation.</summary>
    public IReadOnlyList<string> Entries { get; private init; } = [];

    /// <summary>
    /// Reads entries; throws <see cref="FormatException"/> naming the entry (1-based) and what is expected when one
    /// cannot be read, or when it removes nothing a Land has.
    /// </summary>
    public static LocalHolidays Parse(IEnumerable<string>? entries)
    {
        var list = entries?.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).ToList() ?? [];
        if (list.Count == 0) return None;
        var result = new LocalHolidays { Entries = list };
        for (var i = 0; i < list.Count; i++)
        {
            var entry = list[i];
            if (entry.StartsWith('-'))
            {
                var name = entry[1..].Trim();
                if (name.Length == 0) throw new FormatException($"local holiday {i + 1} ('{entry}'): '-' must be followed by the name of the Land's holiday that does not count, e.g. -Mariä Himmelfahrt");
                result._removed.Add(name);
                continue;
            }
            if (entry.Equals("Fronleichnam", StringComparison.OrdinalIgnoreCase)) { result._corpusChristi = true; continue; }
            if (entry.Equals(AugsburgerFriedensfest, StringComparison.OrdinalIgnoreCase))
            {
                result._added.Add((new AnnualDate(8, 8), null, AugsburgerFriedensfest));
                continue;
            }
            var space = entry.IndexOf(' ', StringComparison.Ordinal);
            var date = space < 0 ? entry : entry[..space];
            var label = space < 0 ? "" : entry[(space + 1)..].Trim();
            if (label.Length == 0) throw new FormatException($"local holiday {i + 1} ('{entry}'): expected 'MM-DD Name' (every year), 'YYYY-MM-DD Name' (once), 'Fronleichnam' or '-Name' (a Land's holiday that does not count)");
            if (LocalDatePattern.Iso.Parse(date) is { Success: true } once) result._added.Add((null, once.Value, label));
            else if (AnnualDatePattern.Iso.Parse(date) is { Success: true } annual) result._added.Add((annual.Value, null, label));
            else throw new FormatException($"local holiday {i + 1} ('{entry}'): '{date}' is not a date; expected MM-DD (every year) or YYYY-MM-DD (once)");
        }
        return result;
    }

    /// <summary>The name of Augsburg's own holiday on 8 August (Augsburger Hohes Friedensfest, since 1650).</summary>
    public const string AugsburgerFriedensfest = "Augsburger Hohes Friedensfest";

    /// <summary>Adds and removes this municipality's days in the Land's holidays of one year.</summary>
    internal void Apply(int year, Dictionary<LocalDate, string> days)
    {
        if (_removed.Count > 0)
            foreach (var day in days.Where(d => _removed.Contains(d.Value)).Select(d => d.Key).ToList()) days.Remove(day);
        if (_corpusChristi) days[Easter.Sunday(year).PlusDays(60)] = "Fronleichnam";
        foreach (var (annual, once, name) in _added)
        {
            if (annual is { } a && a.IsValidYear(year)) days[a.InYear(year)] = name;
            else if (once is { } o && o.Year == year) days[o] = name;
        }
    }
}

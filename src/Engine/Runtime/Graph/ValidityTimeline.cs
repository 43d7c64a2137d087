using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Runtime.Graph;

/// <summary>
/// Which version of a process handles an application of a given date (law-bound versioning). Each version is valid from
/// its <c>egov:validFrom</c> (none: since ever) to its <c>egov:validTo</c> (none: the day before the next version
/// begins). A later version with the same validFrom replaces the earlier one (a correction of the same law's version).
/// Two versions whose periods overlap, or a period that ends before the next begins (a gap), are refused at deploy.
/// </summary>
internal static class ValidityTimeline
{
    internal sealed record Period(ProcessGraph Graph, LocalDate? From, LocalDate? To);

    /// <summary>The periods in date order, one per validFrom (the highest version of each).</summary>
    public static List<Period> Build(IEnumerable<ProcessGraph> versions)
    {
        var heads = versions.GroupBy(g => g.ValidFrom).Select(gr => gr.MaxBy(g => g.Version)!)
            .OrderBy(g => g.ValidFrom ?? LocalDate.MinIsoValue).ToList();
        var periods = new List<Period>(heads.Count);
        for (var i = 0; i < heads.Count; i++)
        {
            var next = i + 1 < heads.Count ? heads[i + 1].ValidFrom : null;
            periods.Add(new Period(heads[i], heads[i].ValidFrom, heads[i].ValidTo ?? next?.PlusDays(-1)));
        }
        return periods;
    }

    /// <summary>The version valid on <paramref name="date"/>, or null when none is (before the first, after the last, in a gap).</summary>
    public static ProcessGraph? On(IEnumerable<ProcessGraph> versions, LocalDate date) =>
        Build(versions).LastOrDefault(p => (p.From ?? LocalDate.MinIsoValue) <= date && (p.To is not { } to || date <= to))?.Graph;

    /// <summary>Overlaps and gaps between consecutive periods that involve one of <paramref name="added"/>, as messages.</summary>
    public static List<string> Check(IEnumerable<ProcessGraph> versions, IReadOnlyCollection<ProcessGraph> added)
    {
        var problems = new List<string>();
        var periods = Build(versions);
        foreach (var g in added.Where(a => !periods.Any(p => ReferenceEquals(p.Graph, a))))
        {
            var winner = periods.First(p => p.From == g.ValidFrom).Graph;
            if (winner.Version > g.Version)
                problems.Add($"{g.File}: process '{g.ProcessId}' version {g.Version} (valid {Range(g.ValidFrom, g.ValidTo)}) would never start a case: version {winner.Version} is valid from the same day");
        }
        for (var i = 0; i + 1 < periods.Count; i++)
        {
            var (a, b) = (periods[i], periods[i + 1]);
            if (!added.Contains(a.Graph) && !added.Contains(b.Graph)) continue;
            var file = added.Contains(b.Graph) ? b.Graph.File : a.Graph.File;
            if (a.Graph.ValidTo is not { } to) continue;
            if (to >= b.From)
                problems.Add($"{file}: process '{a.Graph.ProcessId}': the validity of version {a.Graph.Version} ({Range(a.From, to)}) overlaps version {b.Graph.Version} ({Range(b.From, b.To)}); " +
                             $"a case applied for on {Iso(b.From!.Value)} would match both: let version {a.Graph.Version} end on {Iso(b.From.Value.PlusDays(-1))} or version {b.Graph.Version} begin on {Iso(to.PlusDays(1))}");
            else if (to.PlusDays(1) < b.From)
                problems.Add($"{file}: process '{a.Graph.ProcessId}': a gap between version {a.Graph.Version} (valid to {Iso(to)}) and version {b.Graph.Version} (valid from {Iso(b.From!.Value)}): " +
                             $"applications from {Iso(to.PlusDays(1))} to {Iso(b.From.Value.PlusDays(-1))} would find no version; let version {b.Graph.Version} begin on {Iso(to.PlusDays(1))}");
        }
        return problems;
    }

    public static string Range(LocalDate? from, LocalDate? to) =>
        (from, to) switch
        {
            (null, null) => "always",
            ({ } f, null) => $"from {Iso(f)}",
            (null, { } t) => $"to {Iso(t)}",
            ({ } f, { } t) => $"{Iso(f)} to {Iso(t)}",
        };

    public static string Iso(LocalDate d) => LocalDatePattern.Iso.Format(d);
}

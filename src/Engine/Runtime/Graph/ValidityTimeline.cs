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
    internal sealed record Period(DeployedVersion Head, LocalDate? From, LocalDate? To);

    /// <summary>The periods in date order, one per validFrom (the highest version of each).</summary>
    public static List<Period> Build(IEnumerable<DeployedVersion> versions)
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
    public static DeployedVersion? On(IEnumerable<DeployedVersion> versions, LocalDate date) =>
        Build(versions).LastOrDefault(p => (p.From ?? LocalDate.MinIsoValue) <= date && (p.To is not { } to || date <= to))?.Head;

    /// <summary>Overlaps and gaps between consecutive periods that involve one of <paramref name="added"/>, as messages.</summary>
    public static List<string> Check(IEnumerable<DeployedVersion> versions, IReadOnlyCollection<DeployedVersion> added)
    {
        var problems = new List<string>();
        var periods = Build(versions);
        foreach (var g in added.Where(a => !periods.Any(p => ReferenceEquals(p.Head, a))))
        {
            var winner = periods.First(p => p.From == g.ValidFrom).Head;
            if (winner.Version > g.Version)
                problems.Add($"{g.File}: process '{g.ProcessId}' version {g.Version} (valid {Range(g.ValidFrom, g.ValidTo)}) would never start a case: version {winner.Version} is valid from the same day");
        }
        for (var i = 0; i + 1 < periods.Count; i++)
        {
            var (a, b) = (periods[i], periods[i + 1]);
            if (!added.Contains(a.Head) && !added.Contains(b.Head)) continue;
            var file = added.Contains(b.Head) ? b.Head.File : a.Head.File;
            if (a.Head.ValidTo is not { } to) continue;
            if (to >= b.From)
                problems.Add($"{file}: process '{a.Head.ProcessId}': the validity of version {a.Head.Version} ({Range(a.From, to)}) overlaps version {b.Head.Version} ({Range(b.From, b.To)}); " +
                             $"a case applied for on {Iso(b.From!.Value)} would match both: let version {a.Head.Version} end on {Iso(b.From.Value.PlusDays(-1))} or version {b.Head.Version} begin on {Iso(to.PlusDays(1))}");
            else if (to.PlusDays(1) < b.From)
                problems.Add($"{file}: process '{a.Head.ProcessId}': a gap between version {a.Head.Version} (valid to {Iso(to)}) and version {b.Head.Version} (valid from {Iso(b.From!.Value)}): " +
                             $"applications from {Iso(to.PlusDays(1))} to {Iso(b.From.Value.PlusDays(-1))} would find no version; let version {b.Head.Version} begin on {Iso(to.PlusDays(1))}");
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

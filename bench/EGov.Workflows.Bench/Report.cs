using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EGov.Workflows.Bench;

/// <summary>One ratio of the report: our engine (in memory) against a peer or the bound on one workload and mode.</summary>
public sealed record Ratio(string Workload, string Mode, string Peer, double Ours, double Theirs)
{
    public double OursOverPeer => Ours / Theirs;
}

/// <summary>One target of issue 5, read from the results: met, missed (by how much), or not measured in this run.</summary>
public sealed record TargetCheck(string Target, string Status, string Measured, string? Gap);

/// <summary>The table, the ratios and the targets, as text and as JSON.</summary>
public sealed class Report(IReadOnlyList<BenchResult> results, BenchOptions options, string load, TimeSpan elapsed)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string ProgressLine(BenchResult r) => r.Skipped is { } why
        ? $"{r.Workload} {r.Store,-8} {r.Mode,-10} {r.Engine,-12} skipped: {why}"
        : $"{r.Workload} {r.Store,-8} {r.Mode,-10} {r.Engine,-12} {Rate(r.InstancesPerSecond),12}/s  p50 {Ms(r.P50Ms)} ms  p99 {Ms(r.P99Ms)} ms  peak RSS {F0(r.PeakRssMb)} MB";

    private static string Rate(double? v) => v is { } x && double.IsFinite(x) ? x >= 100 ? x.ToString("N0", Inv) : x.ToString("0.0", Inv) : "-";
    private static string Ms(double? v) => v is { } x && double.IsFinite(x) ? x >= 100 ? x.ToString("N0", Inv) : x >= 1 ? x.ToString("0.0", Inv) : x.ToString("0.000", Inv) : "-";
    private static string F0(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("N0", Inv) : "-";
    private static string F1(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("N1", Inv) : "-";
    private static string X(double v) => v >= 100 ? v.ToString("N0", Inv) + "×" : v >= 10 ? v.ToString("0.0", Inv) + "×"
        : v >= 0.1 ? v.ToString("0.00", Inv) + "×" : v > 0 ? "1/" + (1 / v).ToString(1 / v >= 100 ? "N0" : "0.0", Inv) + "×" : "-";

    private IEnumerable<BenchResult> Ok => results.Where(r => r.Skipped is null && r.InstancesPerSecond is > 0);

    private double? Best(string workload, string store, string engine) =>
        Ok.Where(r => r.Workload == workload && r.Store == store && r.Engine == engine).Select(r => r.InstancesPerSecond!.Value)
            .DefaultIfEmpty(double.NaN).Max() is var m && double.IsFinite(m) ? m : null;

    private double? Of(string workload, string store, string engine, string mode) =>
        Ok.FirstOrDefault(r => r.Workload == workload && r.Store == store && r.Engine == engine && r.Mode == mode)?.InstancesPerSecond;

    public IReadOnlyList<Ratio> Ratios()
    {
        var list = new List<Ratio>();
        foreach (var w in new[] { "W1", "W2", "W3" })
            foreach (var peer in new[] { "bpmn-engine", "workflowcore", "bound" })
            {
                var peerWorkload = peer == "bound" ? "W1" : w;
                foreach (var mode in BenchOptions.AllModes)
                    if (Of(w, "memory", "egov", mode) is { } ours && Of(peerWorkload, "memory", peer, mode) is { } theirs)
                        list.Add(new Ratio(w, mode, peer, ours, theirs));
                if (Best(w, "memory", "egov") is { } bo && Best(peerWorkload, "memory", peer) is { } bt)
                    list.Add(new Ratio(w, "best", peer, bo, bt));
            }
        foreach (var w in new[] { "W1", "W2", "W3", "W4" })
            foreach (var store in new[] { "sqlite", "postgres" })
                foreach (var mode in BenchOptions.AllModes)
                    if (Of(w, store, "egov", mode) is { } ours && Of("W1", store, "commit-bound", mode) is { } theirs)
                        list.Add(new Ratio(w, mode, $"commit-bound ({store})", ours, theirs));
        return list;
    }

    public IReadOnlyList<TargetCheck> Targets()
    {
        var t = new List<TargetCheck>();
        void AtLeast(string name, double? measured, double target, string unit, string? extra = null)
        {
            if (measured is not { } m) { t.Add(new TargetCheck(name, "not measured", "-", extra)); return; }
            var met = m >= target;
            t.Add(new TargetCheck(name, met ? "met" : "MISSED", $"{Rate(m)}{unit}",
                met ? $"{X(m / target)} the target{Suffix(extra)}" : $"at {m / target * 100:0.#}% of the target: needs {X(target / m)}{Suffix(extra)}"));
        }
        void AtMost(string name, double? measured, double limit, string unit, string? extra = null)
        {
            if (measured is not { } m) { t.Add(new TargetCheck(name, "not measured", "-", extra)); return; }
            var met = m <= limit;
            t.Add(new TargetCheck(name, met ? "met" : "MISSED", $"{m.ToString("N1", Inv)}{unit}",
                met ? $"{(limit - m).ToString("N1", Inv)}{unit} to spare{Suffix(extra)}" : $"over by {(m - limit).ToString("N1", Inv)}{unit} ({X(m / limit)} the limit){Suffix(extra)}"));
        }

        var w1 = Best("W1", "memory", "egov");
        AtLeast("W1 in memory ≥ 100,000 instances/s", w1, 100_000, "/s");
        var bpmn = Best("W1", "memory", "bpmn-engine");
        AtLeast("W1 in memory ≥ 1,000× bpmn-engine", w1 is { } a && bpmn is { } b ? a / b : null, 1_000, "×",
            bpmn is { } bb ? $"bpmn-engine best {Rate(bb)}/s" : null);
        var wfc = Best("W1", "memory", "workflowcore");
        AtLeast("W1 in memory ≥ 40× WorkflowCore's best", w1 is { } c && wfc is { } d ? c / d : null, 40, "×",
            wfc is { } dd ? $"WorkflowCore best {Rate(dd)}/s" : null);
        var bound = Best("W1", "memory", "bound");
        AtMost("W1 in memory within 7× of the plain bound", w1 is { } e && bound is { } f ? f / e : null, 7, "×",
            bound is { } ff ? $"bound best {Rate(ff)}/s" : null);
        string? Floor(string store) => Best("W1", store, "commit-bound") is { } cb
            ? $"this disk allows {Rate(cb)} single-row commits/s on {store} with the same settings (commit-bound)" : null;
        AtLeast("W1 on SQLite ≥ 3,000 instances/s", Best("W1", "sqlite", "egov"), 3_000, "/s", Floor("sqlite"));
        AtLeast("W3 on SQLite ≥ 1,500 instances/s", Best("W3", "sqlite", "egov"), 1_500, "/s", Floor("sqlite") is { } f3 ? f3 + "; W3 is two commands" : null);
        AtLeast("W1 on PostgreSQL ≥ 1,000 instances/s", Best("W1", "postgres", "egov"), 1_000, "/s", Floor("postgres"));

        var w4 = Ok.Where(r => r.Workload == "W4" && r.Store == "memory" && r.Engine == "egov").ToList();
        if (w4.Count == 0)
        {
            t.Add(new TargetCheck("W4: 100,000 waiting timers in ≤ 300 MB RSS", "not measured", "-", null));
            t.Add(new TargetCheck("W4: all 100,000 timers fired within 60 s", "not measured", "-", null));
        }
        else
        {
            var worstRss = w4.MaxBy(r => r.PeakRssMb ?? 0)!;
            var slowest = w4.MaxBy(r => r.FireSeconds ?? 0)!;
            var n = worstRss.Instances;
            if (n >= 100_000)
            {
                AtMost("W4: 100,000 waiting timers in ≤ 300 MB RSS", worstRss.PeakRssMb, 300, " MB", $"peak RSS of the {worstRss.Mode} run");
                AtMost("W4: all 100,000 timers fired within 60 s", slowest.FireSeconds * 100_000 / slowest.Instances, 60, " s", $"{slowest.Mode} run");
            }
            else
            {
                var rss = worstRss.PeakRssMb + (worstRss.RssBytesPerWaitingInstance ?? 0) * (100_000 - n) / 1048576.0;
                AtMost("W4: 100,000 waiting timers in ≤ 300 MB RSS (extrapolated)", rss, 300, " MB",
                    $"linear from {n:N0} instances: peak {F0(worstRss.PeakRssMb)} MB + {F0(worstRss.RssBytesPerWaitingInstance)} B RSS per waiting instance");
                AtMost("W4: all 100,000 timers fired within 60 s (extrapolated)", slowest.FireSeconds * 100_000 / slowest.Instances, 60, " s",
                    $"linear from {slowest.Instances:N0} fired in {slowest.FireSeconds:0.00} s ({slowest.Mode})");
            }
        }

        var w5 = Ok.FirstOrDefault(r => r.Workload == "W5" && r.Mode != "overlays");
        if (w5 is null) t.Add(new TargetCheck("W5: 580 definitions deployed in ≤ 5 s and ≤ 200 MB RSS", "not measured", "-", null));
        else
        {
            var defs = w5.Definitions ?? 0;
            var scaled = defs > 0 && defs < 580 ? w5.DeploySeconds * 580 / defs : w5.DeploySeconds;
            AtMost($"W5: 580 definitions deployed in ≤ 5 s{(defs < 580 ? " (scaled)" : "")}", scaled, 5, " s", $"{defs} definitions in {w5.DeploySeconds:0.00} s");
            AtMost("W5: … and ≤ 200 MB RSS", w5.PeakRssMb, 200, " MB", $"{defs} definitions");
        }
        var w5o = Ok.FirstOrDefault(r => r.Workload == "W5" && r.Mode == "overlays" && r.Store == "memory");
        if (w5o is null) t.Add(new TargetCheck("W5 with overlays: 580 shared models × 100 tenants deployed in ≤ 10 s and ≤ 1 GB", "not measured", "-", null));
        else
        {
            var merged = w5o.Definitions ?? 0;
            var full = merged >= 58_000;
            var scaled = merged > 0 && !full ? w5o.DeploySeconds * 58_000 / merged : w5o.DeploySeconds;
            AtMost($"W5 with overlays: 580 shared models × 100 tenants deployed in ≤ 10 s{(full ? "" : " (scaled)")}", scaled, 10, " s",
                $"{w5o.SharedModels} models × {w5o.Tenants} tenants = {merged:N0} merged versions in {w5o.DeploySeconds:0.00} s");
            AtMost($"W5 with overlays: … and ≤ 1 GB RSS{(full ? "" : " (scaled)")}", full ? w5o.PeakRssMb : w5o.PeakRssMb * 58_000 / Math.Max(1, merged), 1024, " MB",
                $"peak {F0(w5o.PeakRssMb)} MB at {merged:N0} merged versions");
        }
        foreach (var store in new[] { "sqlite", "postgres" })
            foreach (var (mode, what) in new[] { (OverlayRun.FirstMode, "first deploy (empty database)"), (OverlayRun.RestartMode, "restart (stored versions)") })
            {
                var r = Ok.FirstOrDefault(x => x.Workload == "W5" && x.Store == store && x.Mode == mode);
                if (r is null) continue;
                var versions = r.Definitions ?? 0;
                var full = versions >= 58_000;
                var name = $"W5 overlays on {(store == "sqlite" ? "SQLite" : "PostgreSQL")}, {what}: 580 × 100 in ≤ 10 s{(full ? "" : " (scaled)")}";
                AtMost(name, full ? r.DeploySeconds : r.DeploySeconds * 58_000 / Math.Max(1, versions), 10, " s",
                    $"{r.SharedModels} models × {r.Tenants} tenants = {versions:N0} versions in {r.DeploySeconds:0.00} s");
                var rssName = $"W5 overlays on {(store == "sqlite" ? "SQLite" : "PostgreSQL")}, {what}: … and ≤ 1 GB RSS";
                if (full) AtMost(rssName, r.PeakRssMb, 1024, " MB");
                else t.Add(new TargetCheck(rssName, "not measured", $"{F0(r.PeakRssMb)} MB", $"at {versions:N0} versions only: memory does not scale linearly, measure at full size"));
            }
        foreach (var store in new[] { "sqlite", "postgres" })
            foreach (var (mode, limit, what) in new[] { ("page", 25.0, "the group inbox's first page (50, by Frist)"), ("counts", 50.0, "the counts of every view") })
            {
                var r = Ok.FirstOrDefault(x => x.Workload == "W6" && x.Store == store && x.Mode == mode);
                var name = $"W6 on {(store == "sqlite" ? "SQLite" : "PostgreSQL")}: {what} p99 ≤ {limit:0} ms at 100,000 open tasks, over HTTP";
                if (r is null) { t.Add(new TargetCheck(name, "not measured", "-", null)); continue; }
                AtMost(r.Instances >= 100_000 ? name : name + $" (measured at {r.Instances:N0})", r.P99Ms, limit, " ms", $"p50 {Ms(r.P50Ms)} ms");
            }
        foreach (var store in new[] { "sqlite", "postgres" })
        {
            var r = Ok.FirstOrDefault(x => x.Workload == "W7" && x.Store == store);
            var name = $"W7 on {(store == "sqlite" ? "SQLite" : "PostgreSQL")}: a year's analytics of 100,000 ended instances p99 < 1000 ms";
            if (r is null) { t.Add(new TargetCheck(name, "not measured", "-", null)); continue; }
            AtMost(r.Instances >= 100_000 ? name : name + $" (measured at {r.Instances:N0})", r.P99Ms, 1000, " ms", $"p50 {Ms(r.P50Ms)} ms");
        }
        foreach (var store in new[] { "sqlite", "postgres" })
        {
            var name = store == "sqlite" ? "SQLite" : "PostgreSQL";
            var page = Ok.FirstOrDefault(x => x.Workload == "W8" && x.Store == store && x.Mode == "case-page");
            var at = page is null || page.Instances >= 1_000_000 ? "" : $" (measured at {page.Instances:N0})";
            var rssName = $"W8 on {name}: the node's RSS while serving ≤ 400 MB with 1,000,000 open cases";
            if (page?.RssMb is null) t.Add(new TargetCheck(rssName, "not measured", "-", null));
            else AtMost(rssName + at, page.RssMb, 400, " MB", $"heap {F0(page.HeapMb)} MB");
            if (store == "postgres")
            {
                var pageName = "W8 on PostgreSQL: a case page's data (instance, history, variables) p99 ≤ 20 ms with 1,000,000 open cases";
                if (page is null) t.Add(new TargetCheck(pageName, "not measured", "-", null));
                else AtMost(pageName + at, page.P99Ms, 20, " ms", $"p50 {Ms(page.P50Ms)} ms, three requests over HTTP");
            }
            var w9 = Ok.FirstOrDefault(x => x.Workload == "W9" && x.Store == store);
            var w9at = w9 is null || w9.Cases >= 500_000 ? "" : $" (measured at {w9.Cases * HistoryRun.RowsPerCase:N0} history rows)";
            var lossName = $"W9 on {name}: W3 loses ≤ 20 % of its rate while the retention job deletes expired cases";
            if (w9?.BaselinePerSecond is not { } alone || w9.InstancesPerSecond is not { } beside) t.Add(new TargetCheck(lossName, "not measured", "-", null));
            else AtMost(lossName + w9at, (1 - beside / alone) * 100, 20, " %", $"{Rate(alone)}/s alone, {Rate(beside)}/s beside the job");
            var paceName = $"W9 on {name}: one day's expiries deleted within the job's hourly interval";
            if (w9?.DeletedPerSecond is not { } del) t.Add(new TargetCheck(paceName, "not measured", "-", null));
            else
            {
                var perDay = DayOfExpiries(w9);
                AtMost(paceName + w9at, perDay / del, 3600, " s", $"{del:N0} cases/s, a day's expiries are {perDay:N0} cases");
            }
            var stmtName = $"W9 on {name}: no long locks — the job's longest statement ≤ 100 ms";
            if (w9?.LongestStatementMs is not { } longest) t.Add(new TargetCheck(stmtName, "not measured", "-", null));
            else AtMost(stmtName + w9at, longest, 100, " ms");
        }
        var start = results.FirstOrDefault(x => x.Workload == "serve-start" && x.Skipped is null && x.StartupSeconds is not null);
        if (start is null) t.Add(new TargetCheck("serve: start to ready with 580 definitions ≤ 3 s", "not measured", "-", null));
        else AtMost($"serve: start to ready with {start.Definitions} definitions ≤ 3 s", start.StartupSeconds, 3, " s", $"median of {start.Runs ?? 1} starts, heap {F0(start.HeapMb)} MB");
        return t;
    }

    /// <summary>W9: the cases that expire in one day (the seeded cases ended evenly over retention + backlog days).</summary>
    private static double DayOfExpiries(BenchResult w9) => (w9.Cases ?? 0) / (double)(HistoryRun.RetentionDays + HistoryRun.BacklogDays);

    private static string Suffix(string? extra) => extra is null ? "" : $"; {extra}";

    public void Print(TextWriter o)
    {
        o.WriteLine();
        o.WriteLine($"egov bench — {(options.Quick ? "QUICK (smoke test; small counts, not representative)" : "full")} — {Environment.ProcessorCount} cores, load average at the end {load}, {elapsed.TotalSeconds:0} s");
        o.WriteLine();
        var header = $"{"workload",-8} {"store",-8} {"engine",-12} {"mode",-10} {"n",9} {"inst/s",12} {"p50 ms",9} {"p99 ms",9} {"RSS MB",7}  details";
        o.WriteLine(header);
        o.WriteLine(new string('-', header.Length + 30));
        foreach (var r in results)
        {
            if (r.Skipped is { } why)
            {
                o.WriteLine($"{r.Workload,-8} {r.Store,-8} {r.Engine,-12} {r.Mode,-10} {"",9} {"skipped",12}  {why}");
                continue;
            }
            o.WriteLine($"{r.Workload,-8} {r.Store,-8} {r.Engine,-12} {r.Mode,-10} {r.Instances,9:N0} {Rate(r.InstancesPerSecond),12} {Ms(r.P50Ms),9} {Ms(r.P99Ms),9} {F0(r.PeakRssMb),7}  {Details(r)}");
        }

        var ratios = Ratios();
        if (ratios.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("ours / peer (instances per second; peers and the plain bound against our engine in memory — the bound has W1's shape for every");
            o.WriteLine("workload; commit-bound = one single-row transaction per instance on the same store and disk):");
            foreach (var g in ratios.GroupBy(r => r.Workload))
                o.WriteLine($"  {g.Key}: " + string.Join("; ", g.Select(r => $"{r.Peer} {r.Mode} {X(r.OursOverPeer)}")));
        }

        o.WriteLine();
        o.WriteLine("targets (issues 5, 10, 11, 15, 16):");
        foreach (var t in Targets())
            o.WriteLine($"  [{t.Status,-12}] {t.Target}: {t.Measured}{(t.Gap is null ? "" : " — " + t.Gap)}");
        if (options.Quick) o.WriteLine("  (quick run: counts are small and warm-up short; read the targets from a full run)");
        if (!load.StartsWith('?') && double.TryParse(load.Split(' ')[0], NumberStyles.Float, Inv, out var l1) && l1 > Environment.ProcessorCount * 1.5)
            o.WriteLine($"  note: the machine was loaded (load average {load} on {Environment.ProcessorCount} cores): figures are lower than on an idle machine.");
    }

    private static string Details(BenchResult r)
    {
        var parts = new List<string>();
        if (r.BytesPerWaitingInstance is { } b) parts.Add($"{b:N0} B heap/waiting instance, {F0(r.RssBytesPerWaitingInstance)} B RSS/waiting instance");
        if (r.FireSeconds is { } f) parts.Add($"fired all in {f:0.00} s, started at {Rate(r.StartPerSecond)}/s");
        if (r.RowsPerInstance is { } rows) parts.Add($"{rows:0.##} rows kept/inst");
        if (r.RowWritesPerInstance is { } rw) parts.Add($"{rw:0.##} row writes/inst");
        if (r.StoredBytesPerInstance is { } sb) parts.Add($"{sb:N0} B stored/inst");
        if (r.BytesWrittenPerInstance is { } bw) parts.Add($"{bw:N0} B written/inst");
        if (r.WalPeakMb is { } wal) parts.Add($"WAL peak {wal:0.#} MB");
        if (r.CpuMsPerInstance is { } cpu) parts.Add($"{cpu:0.###} CPU ms/inst");
        if (r.AllocatedBytesPerInstance is { } ab) parts.Add($"{ab:N0} B allocated/inst, GC paused {r.GcPausePercent:0.#}% ({r.Gen2Collections} gen2)");
        if (r.Definitions is { } d && r.DeploySeconds is not null) parts.Add($"{d} definitions in {r.DeploySeconds:0.00} s");
        if (r.Runs is { } runs && r.MinPerSecond is { } lo && r.MaxPerSecond is { } hi)
            parts.Add($"{runs} runs: {Rate(lo)}–{Rate(hi)}/s (spread {(hi - lo) / r.InstancesPerSecond * 100:0}% of the median)");
        if (r.Note is { } n) parts.Add(n);
        return string.Join("; ", parts);
    }

    public string Json()
    {
        var doc = new
        {
            machine = new { cores = Environment.ProcessorCount, loadAverage = load, os = Environment.OSVersion.VersionString, dotnet = Environment.Version.ToString() },
            quick = options.Quick,
            elapsedSeconds = elapsed.TotalSeconds,
            results,
            ratios = Ratios().Select(r => new { r.Workload, r.Mode, r.Peer, oursPerSecond = r.Ours, peerPerSecond = r.Theirs, oursOverPeer = r.OursOverPeer }),
            targets = Targets(),
        };
        var opts = new JsonSerializerOptions(BenchResult.Json) { WriteIndented = true };
        return JsonSerializer.Serialize(doc, opts) + "\n";
    }
}

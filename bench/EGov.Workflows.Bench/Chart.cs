using ScottPlot;

namespace EGov.Workflows.Bench;

/// <summary>The PNG: instances per second (log scale) per workload, one bar per engine and store, best of the modes.</summary>
public static class Chart
{
    private static readonly (string Engine, string Store, string Label, string Hex)[] Series =
    [
        ("egov", "memory", "egov (memory)", "#1f77b4"),
        ("egov", "sqlite", "egov (SQLite)", "#6baed6"),
        ("egov", "postgres", "egov (PostgreSQL)", "#9ecae1"),
        ("workflowcore", "memory", "WorkflowCore 3.22 (memory)", "#ff7f0e"),
        ("bpmn-engine", "memory", "bpmn-engine 25.0.1", "#2ca02c"),
        ("bound", "memory", "plain C# bound", "#7f7f7f"),
        ("commit-bound", "sqlite", "SQLite commit bound (1 row/commit)", "#c7c7c7"),
        ("commit-bound", "postgres", "PostgreSQL commit bound (1 row/commit)", "#e0e0e0"),
    ];

    public static void Write(IReadOnlyList<BenchResult> results, string path, bool quick)
    {
        var workloads = new[] { "W1", "W2", "W3", "W4" }.Where(w => results.Any(r => r.Workload == w && r.Skipped is null)).ToList();
        var plot = new Plot();
        var bars = new List<Bar>();
        var width = 1.0 / (Series.Length + 1);
        var used = new HashSet<int>();
        for (var wi = 0; wi < workloads.Count; wi++)
            for (var si = 0; si < Series.Length; si++)
            {
                var (engine, store, _, hex) = Series[si];
                var best = results.Where(r => r.Skipped is null && r.Workload == workloads[wi] && r.Engine == engine && r.Store == store && r.InstancesPerSecond is > 0)
                    .Select(r => r.InstancesPerSecond!.Value).DefaultIfEmpty(0).Max();
                if (best <= 0) continue;
                used.Add(si);
                var value = Math.Log10(best);
                bars.Add(new Bar
                {
                    Position = wi + (si - (Series.Length - 1) / 2.0) * width, Value = value, ValueBase = 0, Size = width * 0.9,
                    FillColor = Color.FromHex(hex), Label = Short(best), CenterLabel = false,
                });
            }
        var plotted = plot.Add.Bars(bars);
        plotted.ValueLabelStyle.FontSize = 10;

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, workloads.Count).Select(i => (double)i).ToArray(), workloads.Select(Describe).ToArray());
        var max = bars.Count > 0 ? bars.Max(b => b.Value) : 1;
        var decades = Enumerable.Range(0, (int)Math.Ceiling(max) + 2).Select(d => (double)d).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(decades, decades.Select(d => Short(Math.Pow(10, d))).ToArray());
        plot.Axes.SetLimits(-0.6, workloads.Count - 0.4, 0, Math.Ceiling(max) + 0.6);
        plot.Axes.Left.Label.Text = "instances per second (log scale, best of sequential / 1,000 concurrent)";
        plot.Title($"egov bench: throughput per workload and store next to the peers{(quick ? " (QUICK run: not representative)" : "")}");
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = Alignment.UpperRight;
        foreach (var si in used.Order())
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = Series[si].Label, FillColor = Color.FromHex(Series[si].Hex) });
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        plot.SavePng(path, 1400, 700);
    }

    private static string Describe(string w) => w switch
    {
        "W1" => "W1 straight-through",
        "W2" => "W2 parallel",
        "W3" => "W3 human",
        "W4" => "W4 timers",
        _ => w,
    };

    private static string Short(double v) => v switch
    {
        >= 1_000_000 => $"{v / 1_000_000:0.#}M",
        >= 1_000 => $"{v / 1_000:0.#}k",
        >= 10 => $"{v:0}",
        _ => $"{v:0.#}",
    };
}

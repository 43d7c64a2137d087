using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Model;

namespace EGov.Workflows.Scenarios.Running;

/// <summary>One key of an expectation that does not hold: what was expected, what was found.</summary>
public sealed record Mismatch(string Expected, string Found);

/// <summary>Checks an <c>expect</c> step against the instance, key by key in the order of the spec's table.</summary>
public static class ExpectationCheck
{
    public static IReadOnlyList<Mismatch> Check(Expectation expect, InstanceView view)
    {
        var result = new List<Mismatch>();
        if (expect.Version is { } version && view.Version != version)
            result.Add(new($"version {version}", view.Version is { } v ? $"version {v}" : "the engine does not tell the version"));
        if (expect.LegalBasis is { } basis && view.LegalBasis != basis)
            result.Add(new($"legalBasis '{basis}'", view.LegalBasis is { } b ? $"legalBasis '{b}'" : "no legal basis"));
        if (expect.State is { } state)
        {
            var actual = StateOf(view);
            if (actual != state) result.Add(new($"state {Name(state)}", $"state {Name(actual)}" + IncidentHint(view, state)));
        }
        if (expect.Waiting is { } waiting && !SameMultiset(waiting, view.Waiting))
            result.Add(new($"waiting {Json.List(waiting)}", $"waiting {Json.List(Sorted(view.Waiting))}" + IncidentHint(view, null)));

        var counts = view.Completed.GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int CountOf(string id) => counts.GetValueOrDefault(id);
        if (expect.Completed is { } completed)
        {
            var missing = completed.Where(id => CountOf(id) == 0).Distinct().ToList();
            if (missing.Count > 0)
                result.Add(new($"completed {Json.List(completed)}", $"not completed: {Json.List(missing)}" + IncidentHint(view, null)));
        }
        if (expect.NotCompleted is { } notCompleted)
        {
            var done = notCompleted.Where(id => CountOf(id) > 0).Distinct().ToList();
            if (done.Count > 0)
                result.Add(new($"notCompleted {Json.List(notCompleted)}", "completed: " + string.Join(", ", done.Select(id => $"{id} ({Times(CountOf(id))})"))));
        }
        if (expect.Counts is { } expectedCounts)
        {
            var wrong = expectedCounts.Where(c => CountOf(c.Key) != c.Value).ToList();
            if (wrong.Count > 0)
                result.Add(new("counts {" + string.Join(", ", wrong.Select(c => $"{c.Key}: {c.Value}")) + "}",
                    "counts {" + string.Join(", ", wrong.Select(c => $"{c.Key}: {CountOf(c.Key)}")) + "}"));
        }
        if (expect.Variables is { } variables)
        {
            var expectedParts = new List<string>();
            var foundParts = new List<string>();
            foreach (var (name, value) in variables)
            {
                if (!view.Variables.TryGetPropertyValue(name, out var actual))
                {
                    expectedParts.Add($"{name} = {Json.Text(value)}");
                    foundParts.Add($"{name} not set");
                }
                else if (!JsonMatch.Matches(value, actual))
                {
                    expectedParts.Add($"{name} = {Json.Text(value)}");
                    foundParts.Add($"{name} = {Json.Text(actual)}");
                }
            }
            if (expectedParts.Count > 0)
                result.Add(new("variables " + string.Join(", ", expectedParts), "variables " + string.Join(", ", foundParts)));
        }
        if (expect.Fristen is { } fristen)
        {
            var found = view.Fristen ?? new Dictionary<string, string>();
            var wrong = fristen.Where(f => found.GetValueOrDefault(f.Key) != f.Value).ToList();
            if (wrong.Count > 0)
                result.Add(new("fristen {" + string.Join(", ", wrong.Select(f => $"{f.Key}: {f.Value}")) + "}",
                    "fristen {" + string.Join(", ", wrong.Select(f => $"{f.Key}: {found.GetValueOrDefault(f.Key) ?? "none running"}")) + "}"));
        }
        if (expect.Due is { } due)
        {
            var found = view.Due ?? new Dictionary<string, string>();
            var wrong = due.Where(d => (found.GetValueOrDefault(d.Key) ?? "none") != d.Value).ToList();
            if (wrong.Count > 0)
                result.Add(new("due {" + string.Join(", ", wrong.Select(d => $"{d.Key}: {d.Value}")) + "}",
                    "due {" + string.Join(", ", wrong.Select(d => $"{d.Key}: {found.GetValueOrDefault(d.Key) ?? "none"}")) + "}"));
        }
        if (expect.Incidents is { } incidents && !SameMultiset(incidents, view.Incidents.Select(i => i.ElementId).ToList()))
            result.Add(new($"incidents {Json.List(incidents)}", "incidents " + Incidents(view)));
        return result;
    }

    public static InstanceState StateOf(InstanceView view) => view.State switch
    {
        EngineInstanceState.Completed => InstanceState.Completed,
        EngineInstanceState.Terminated => InstanceState.Terminated,
        _ => view.Incidents.Count > 0 ? InstanceState.Incident : InstanceState.Running,
    };

    public static string Name(InstanceState state) => state.ToString().ToLowerInvariant();

    public static string Incidents(InstanceView view) =>
        Json.List(view.Incidents.OrderBy(i => i.ElementId, StringComparer.Ordinal).Select(i => $"{i.ElementId} ({Shorten(i.Message)})"));

    /// <summary>When an incident explains the difference, say so: an unexpected script error is the usual cause.</summary>
    private static string IncidentHint(InstanceView view, InstanceState? expected) =>
        view.Incidents.Count == 0 || expected == InstanceState.Incident ? "" : ", open incidents " + Incidents(view);

    private static bool SameMultiset(IReadOnlyList<string> expected, IReadOnlyList<string> actual) =>
        expected.Count == actual.Count && Sorted(expected).SequenceEqual(Sorted(actual), StringComparer.Ordinal);

    private static List<string> Sorted(IEnumerable<string> items) => items.Order(StringComparer.Ordinal).ToList();

    private static string Times(int n) => n == 1 ? "once" : $"{n} times";

    private static string Shorten(string message)
    {
        var line = message.ReplaceLineEndings(" ");
        return line.Length <= 120 ? line : line[..120] + "…";
    }
}

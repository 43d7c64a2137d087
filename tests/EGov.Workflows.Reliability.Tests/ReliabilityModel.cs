using System.Text.Json.Nodes;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// What Models/reliability.bpmn must leave behind for the instance started with <c>n</c>: completed, every element ended
/// exactly once, every step's variable computed from the one before, and each step's name once in <c>trail</c>.
/// </summary>
public static class ReliabilityModel
{
    public const string ProcessId = "Reliability";
    public const string File = "reliability.bpmn";

    /// <summary>Steps 1, 2 (before and after), 3a, 3b, 5 (before), 4 (after), and the timers Wait1..3: each runs as one job.</summary>
    public const int JobsPerInstance = 10;

    public static readonly string[] Elements =
        ["Start", "Step1", "Wait1", "Step2", "Fork", "Step3a", "Step3b", "Join", "Wait2", "Step4", "Wait3", "Step5", "End"];

    private static readonly string[] Steps = ["Step1", "Step2", "Step3a", "Step3b", "Step4", "Step5"];

    public static object StartVariables(int n) => new { n, trail = Array.Empty<string>() };

    /// <summary>The problems of one instance (empty when it is right), from its API state and history.</summary>
    public static IEnumerable<string> Problems(int n, string id, JsonNode instance, JsonArray history)
    {
        var state = instance["state"]?.GetValue<string>();
        if (state != "completed") yield return $"{id} (n={n}): state {state}, waiting [{string.Join(",", instance["waiting"]!.AsArray())}]";

        var v = instance["variables"]!;
        long step1 = n + 1, step2 = step1 * 2, step3a = step2 + 3, step3b = step2 + 4, step4 = step3a + step3b, step5 = step4 * 10;
        foreach (var (name, expected) in new[] { ("step1", step1), ("step2", step2), ("step3a", step3a), ("step3b", step3b), ("step4", step4), ("step5", step5) })
        {
            var actual = v[name]?.GetValue<long>();
            if (actual != expected) yield return $"{id} (n={n}): variable {name} is {actual?.ToString() ?? "missing"}, expected {expected}";
        }
        // The parallel steps may append in either order; each step exactly once is the rule.
        var trail = v["trail"]?.AsArray().Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal).ToList() ?? [];
        if (!trail.SequenceEqual(Steps)) yield return $"{id} (n={n}): trail [{string.Join(",", trail)}], expected each of [{string.Join(",", Steps)}] once";

        var ended = history.Where(h => h!["endedAt"] is not null).Select(h => h!["elementId"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        var expectedEnded = Elements.Order(StringComparer.Ordinal).ToList();
        if (!ended.SequenceEqual(expectedEnded))
            yield return $"{id} (n={n}): history ended [{string.Join(",", ended)}], expected each element once";
        var active = history.Count(h => h!["endedAt"] is null);
        if (active > 0) yield return $"{id} (n={n}): {active} element instances still active in history";
    }
}

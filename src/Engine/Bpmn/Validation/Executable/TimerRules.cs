using EGov.Workflows.Bpmn.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation.Executable;

/// <summary>A timer needs exactly one of timeDate, timeDuration, timeCycle, with a value that parses (or an expression).</summary>
internal static class TimerRules
{
    public static void Check(TimerEventDefinition timer, DiagnosticBag bag)
    {
        var owner = CheckContext.Describe(timer);
        var values = new[] { timer.TimeDate, timer.TimeDuration, timer.TimeCycle }.OfType<Expression>().ToList();
        if (values.Count == 0)
        {
            bag.Error(timer.Position, $"{owner}: timer has no timeDate, timeDuration or timeCycle");
            return;
        }
        if (values.Count > 1)
        {
            bag.Error(timer.Position, $"{owner}: timer has {string.Join(" and ", values.Select(v => v.Name.LocalName))}; give exactly one");
            return;
        }
        var value = values[0];
        var kind = value.Name.LocalName;
        var text = value.Body;
        if (text.Length == 0) { bag.Error(value.Position, $"{owner}: {kind} is empty"); return; }
        if (IsoTimeSyntax.IsExpression(text)) return;
        var ok = kind switch
        {
            "timeDate" => IsoTimeSyntax.IsDateTime(text),
            "timeDuration" => IsoTimeSyntax.IsDuration(text),
            _ => IsoTimeSyntax.IsCycle(text),
        };
        if (!ok) bag.Error(value.Position, $"{owner}: {kind} '{text}' is not {Expected(kind)}");
    }

    private static string Expected(string kind) => kind switch
    {
        "timeDate" => "an ISO 8601 date-time (e.g. 2026-03-01T09:00:00+01:00) or an expression ${...}",
        "timeDuration" => "an ISO 8601 duration (e.g. P14D, PT1H30M) or an expression ${...}",
        _ => "an ISO 8601 repeating interval (e.g. R3/PT10H, R/2026-01-01T00:00:00Z/P1D) or an expression ${...}",
    };
}

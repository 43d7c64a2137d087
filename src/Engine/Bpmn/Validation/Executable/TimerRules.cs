using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;
using EGov.Workflows.Time;
using NodaTime;

namespace EGov.Workflows.Bpmn.Validation.Executable;

/// <summary>A timer needs exactly one of timeDate, timeDuration, timeCycle, with a value that parses (or an expression).</summary>
internal static class TimerRules
{
    public static void Check(TimerEventDefinition timer, DiagnosticBag bag)
    {
        var owner = CheckContext.Describe(timer);
        var values = new[] { timer.TimeDate, timer.TimeDuration, timer.TimeCycle }.OfType<Expression>().ToList();
        // A Frist timer (egov:frist on the event) is computed from the Frist; the engine checks it (and refuses a second definition).
        if (values.Count == 0 && timer.Parent?.Attribute(Namespaces.Egov + "frist") is not null) return;
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
        // An expression (${…}, or Camunda's #{…}) is evaluated at run time, not parsed here.
        if (text.Contains("${", StringComparison.Ordinal) || text.Contains("#{", StringComparison.Ordinal)) return;
        var timerKind = kind switch { "timeDate" => TimerKind.Date, "timeDuration" => TimerKind.Duration, _ => TimerKind.Cycle };
        try
        {
            // The zone only matters for computing due dates; syntax is the same in every zone.
            _ = TimerSchedule.Parse(timerKind, text, DateTimeZone.Utc);
        }
        catch (TimerFormatException e)
        {
            bag.Error(value.Position, $"{owner}: {kind} '{text}' is not valid: {e.Message}");
        }
    }
}

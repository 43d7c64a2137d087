using System.Text.Json.Nodes;
using EGov.Workflows.Expressions;

namespace EGov.Workflows.Runtime.Execution;

/// <summary>
/// What a timer expression sees: the process variables, and <c>service</c> — what the process's <c>service.yaml</c> says
/// (<c>service.aufbewahrungsfrist</c>, <c>service.bearbeitungsfrist</c>, <c>service.aktenplan.kennzeichen</c>), so that a
/// retention timer reads <c>${service.aufbewahrungsfrist}</c> instead of repeating the period. The catalogue's value wins
/// over a process variable of the same name (a start form cannot shorten the retention); without a service.yaml,
/// <c>service</c> is whatever the variables hold.
/// </summary>
internal sealed class ServiceVariables(IVariableScope variables, JsonObject? service) : IVariableScope
{
    /// <summary>The name the service's facts have in timer expressions.</summary>
    public const string Name = "service";

    /// <summary>The facts of <paramref name="processId"/>'s service as <c>service</c>, or null when no service.yaml describes it.</summary>
    public static JsonObject? Facts(EngineCore core, string processId)
    {
        var facts = core.ServiceFacts?.Invoke(processId);
        var bearbeitungsfrist = core.Bearbeitungsfrist?.Invoke(processId);
        if (facts is null && bearbeitungsfrist is null) return null;
        return new JsonObject
        {
            ["aufbewahrungsfrist"] = facts?.Aufbewahrungsfrist,
            ["bearbeitungsfrist"] = bearbeitungsfrist is { } b ? NodaTime.Text.PeriodPattern.NormalizingIso.Format(b) : null,
            ["aktenplan"] = new JsonObject { ["kennzeichen"] = facts?.AktenplanKennzeichen, ["betreff"] = facts?.AktenplanBetreff },
        };
    }

    public bool TryGetVariable(string name, out JsonNode? value)
    {
        if (service is not null && name == Name) { value = service.DeepClone(); return true; }
        return variables.TryGetVariable(name, out value);
    }

    public IEnumerable<string> VariableNames =>
        service is null ? variables.VariableNames : variables.VariableNames.Append(Name).Distinct(StringComparer.Ordinal);
}

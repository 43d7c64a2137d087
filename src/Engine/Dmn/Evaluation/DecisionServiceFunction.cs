using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Dmn.Evaluation;

/// <summary>
/// A decision service as a function (DMN 1.5 §10.4): its parameters are its input decisions, then its input data;
/// calling it decides the output decisions (one: its value; several: a context by decision name) in a run of its own.
/// </summary>
internal sealed class DecisionServiceFunction(DecisionModel model, DecisionService service) : FeelFunction
{
    private IReadOnlyList<string> ParameterNames => _parameterNames ??= Names(service.InputDecisions).Concat(Names(service.InputData)).ToArray();
    private IReadOnlyList<string>? _parameterNames;

    public override string Name => service.Name;

    public override IReadOnlyList<IReadOnlyList<string>> Signatures => [ParameterNames];

    private IEnumerable<string> Names(IEnumerable<DmnReference> refs) =>
        refs.Select(r => model.Definitions.FindById(r.Id) switch { Decision d => d.Name, InputData i => i.Name, _ => r.Id });

    public override object? Invoke(FeelEvaluation evaluation, IReadOnlyList<object?> arguments)
    {
        if (arguments.Count != ParameterNames.Count)
            return evaluation.Null($"decision service '{service.Name}' takes {ParameterNames.Count} arguments, not {arguments.Count}");
        var inputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < arguments.Count; i++) inputs[ParameterNames[i]] = arguments[i];
        var outer = evaluation.Host as DecisionRun;
        var (value, audit, errors) = Run(evaluation, inputs);
        if (outer is not null)
        {
            outer.Audit.AddRange(audit);
            outer.Errors.AddRange(errors);
        }
        return value;
    }

    public (object? Value, IReadOnlyList<DecisionAudit> Audit, IReadOnlyList<string> Errors) Run(FeelEvaluation evaluation, IReadOnlyDictionary<string, object?> given)
    {
        var outer = evaluation.Host;
        var inputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var name in Names(service.InputData)) inputs[name] = given.GetValueOrDefault(name);
        var run = new DecisionRun(model, inputs, evaluation);
        foreach (var name in Names(service.InputDecisions)) run.Fixed[name] = given.GetValueOrDefault(name);
        try
        {
            var outputs = new List<KeyValuePair<string, object?>>();
            foreach (var r in service.OutputDecisions)
            {
                var d = model.DecisionByReference(r);
                if (d is null) { run.Error($"decision service '{service.Name}': no output decision '{r.Href}'"); continue; }
                outputs.Add(new(d.Decision.Name, run.Decide(d)));
            }
            object? value = outputs.Count == 1 ? outputs[0].Value : FeelContext.From(outputs);
            value = model.Types.Conform(value, service.Variable.TypeRef, evaluation, $"decision service '{service.Name}'");
            return (value, run.Audit, run.Errors);
        }
        finally
        {
            evaluation.Host = outer;
        }
    }
}

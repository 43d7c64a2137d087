using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Feel;

namespace EGov.Workflows.Dmn.Evaluation;

/// <summary>
/// One evaluation of a decision graph: the inputs, each decision's value once decided (a decision required by two
/// others runs once), and the log the audit is built from. Lives only for the call.
/// </summary>
internal sealed class DecisionRun
{
    private readonly Dictionary<string, object?> _decided = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deciding = new(StringComparer.Ordinal);

    public DecisionRun(DecisionModel model, IReadOnlyDictionary<string, object?> inputs, FeelEvaluation evaluation)
    {
        Model = model;
        Inputs = inputs;
        Evaluation = evaluation;
        evaluation.Host = this;
    }

    public DecisionModel Model { get; }
    public IReadOnlyDictionary<string, object?> Inputs { get; }
    public FeelEvaluation Evaluation { get; }
    public List<DecisionAudit> Audit { get; } = [];
    public List<string> Errors { get; } = [];

    /// <summary>Values of decisions fixed from outside (a decision service's input decisions).</summary>
    public Dictionary<string, object?> Fixed { get; } = new(StringComparer.Ordinal);

    /// <summary>Set by a decision table while its decision runs: what the audit entry reports.</summary>
    public TableTrace? CurrentTable { get; set; }

    /// <summary>True while the decision is being decided: its own name then means a built-in of that name ("met by"), not itself.</summary>
    public bool IsDeciding(CompiledDecision decision) => _deciding.Contains(decision.Key);

    public object? Decide(CompiledDecision decision)
    {
        var key = decision.Key;
        if (Fixed.TryGetValue(decision.Decision.Name, out var fixedValue)) return fixedValue;
        if (_decided.TryGetValue(key, out var value)) return value;
        if (!_deciding.Add(key))
        {
            Error($"decision '{decision.Decision.Name}' requires itself");
            return null;
        }
        var outer = CurrentTable;
        CurrentTable = null;
        var warningsBefore = Evaluation.Warnings.Count;
        try
        {
            value = decision.Evaluate(this);
            var trace = CurrentTable;
            Audit.Add(new DecisionAudit(decision.Decision.Id, decision.Decision.Name, trace?.Inputs() ?? [], trace?.MatchedRules ?? [], value,
                WarningsSince(warningsBefore)));
        }
        finally
        {
            CurrentTable = outer;
            _deciding.Remove(key);
        }
        _decided[key] = value;
        return value;
    }

    private string[] WarningsSince(int count)
    {
        var all = Evaluation.Warnings;
        if (all.Count <= count) return [];
        var since = new string[all.Count - count];
        for (var i = 0; i < since.Length; i++) since[i] = all[count + i];
        return since;
    }

    public object? Error(string message)
    {
        Errors.Add(message);
        Evaluation.Warn(message);
        return null;
    }
}

/// <summary>
/// What a decision table records while it evaluates: the input values (the table's own array, read when the audit entry
/// is made; <see cref="InputCount"/> of them were evaluated) and the rules that matched.
/// </summary>
internal sealed class TableTrace(string[] names, object?[] values)
{
    public int InputCount { get; set; }
    public IReadOnlyList<string> MatchedRules { get; set; } = [];

    public KeyValuePair<string, object?>[] Inputs()
    {
        var inputs = new KeyValuePair<string, object?>[InputCount];
        for (var i = 0; i < inputs.Length; i++) inputs[i] = new(names[i], values[i]);
        return inputs;
    }
}

using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Compiling;
using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Dmn.Evaluation;

/// <summary>
/// A DMN model compiled for evaluation: every FEEL text parsed and compiled once, business knowledge models and
/// decision services as functions, imported models by their import names. Immutable and thread-safe: each
/// <see cref="Evaluate"/> call has its own run.
/// </summary>
public sealed class DecisionModel
{
    private readonly Dictionary<string, CompiledDecision> _decisionsByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CompiledDecision> _decisionsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FeelFunction> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InputData> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DecisionModel> _imports = new(StringComparer.Ordinal);
    private readonly List<DmnCompileError> _errors = [];

    private DecisionModel(DmnDefinitions definitions, IReadOnlyList<DmnDefinitions> library, FeelEngine feel, HashSet<string> importing)
    {
        Definitions = definitions;
        Types = new DmnTypes(definitions.ItemDefinitions, feel);
        importing.Add(definitions.Namespace);
        foreach (var import in definitions.Imports)
        {
            var other = library.FirstOrDefault(d => d.Namespace == import.Namespace);
            if (other is null)
            {
                if (import.ImportType.Contains("DMN", StringComparison.OrdinalIgnoreCase) || import.ImportType.Contains("dmn", StringComparison.Ordinal))
                    _errors.Add(new DmnCompileError(import, $"imported model '{import.Namespace}' is not among the deployed models"));
                continue;
            }
            if (importing.Contains(other.Namespace)) continue;
            var compiled = new DecisionModel(other, library, feel, importing);
            _imports[import.Name] = compiled;
            Types.AddImported(import.Name, other.ItemDefinitions);
            _errors.AddRange(compiled.Errors);
        }
        importing.Remove(definitions.Namespace);

        var names = KnownNames(definitions, _imports);
        var compiler = new BoxedCompiler(this, feel, new FeelCompileOptions { KnownNames = names, Types = Types.Feel }, _errors);
        foreach (var i in definitions.InputData) _inputs.TryAdd(i.Name, i);
        foreach (var bkm in definitions.KnowledgeModels) _functions[bkm.Name] = compiler.KnowledgeModel(bkm);
        foreach (var d in definitions.Decisions)
        {
            var compiled = new CompiledDecision(d, compiler.Decision(d), this);
            _decisionsByName.TryAdd(d.Name, compiled);
            if (d.Id is not null) _decisionsById.TryAdd(d.Id, compiled);
        }
        foreach (var s in definitions.DecisionServices) _functions[s.Name] = new DecisionServiceFunction(this, s);
    }

    /// <summary>Compiles a model; <paramref name="library"/> holds the models it may import (matched by namespace).</summary>
    public static DecisionModel Compile(DmnDefinitions definitions, IEnumerable<DmnDefinitions>? library = null, FeelEngine? feel = null) =>
        new(definitions, library?.ToArray() ?? [], feel ?? FeelEngine.Default, new HashSet<string>(StringComparer.Ordinal));

    public DmnDefinitions Definitions { get; }

    /// <summary>FEEL syntax errors and broken references found while compiling; such parts evaluate to null with an error.</summary>
    public IReadOnlyList<DmnCompileError> Errors => _errors;

    internal DmnTypes Types { get; }

    internal IReadOnlyDictionary<string, InputData> InputData => _inputs;

    /// <summary>Evaluates a decision (by id or name) and every decision it requires, each once.</summary>
    public DecisionResult Evaluate(string decision, IReadOnlyDictionary<string, object?> inputs, FeelEvaluation? evaluation = null)
    {
        var ev = evaluation ?? new FeelEvaluation();
        var run = new DecisionRun(this, inputs, ev);
        var d = FindDecision(decision);
        var value = d is null ? run.Error($"no decision '{decision}' in model '{Definitions.Name}'") : run.Decide(d);
        return new DecisionResult(value, run.Audit, run.Errors, ev.Warnings);
    }

    /// <summary>Invokes a decision service (by id or name) with its inputs given by name.</summary>
    public DecisionResult InvokeService(string service, IReadOnlyDictionary<string, object?> inputs, FeelEvaluation? evaluation = null)
    {
        var ev = evaluation ?? new FeelEvaluation();
        var s = Definitions.DecisionServices.FirstOrDefault(x => x.Id == service || x.Name == service);
        if (s is null)
        {
            var run = new DecisionRun(this, inputs, ev);
            return new DecisionResult(run.Error($"no decision service '{service}'"), run.Audit, run.Errors, ev.Warnings);
        }
        var fn = (DecisionServiceFunction)_functions[s.Name];
        var (value, audit, errors) = fn.Run(ev, inputs);
        return new DecisionResult(value, audit, errors, ev.Warnings);
    }

    /// <summary>The decision with this id or name, if the model has it.</summary>
    public Decision? FindDecisionInfo(string idOrName) => FindDecision(idOrName)?.Decision;

    internal CompiledDecision? FindDecision(string idOrName) =>
        _decisionsById.GetValueOrDefault(idOrName) ?? _decisionsByName.GetValueOrDefault(idOrName);

    internal CompiledDecision? DecisionByReference(DmnReference r) => r.Namespace is null || r.Namespace == Definitions.Namespace
        ? _decisionsById.GetValueOrDefault(r.Id)
        : _imports.Values.Select(i => i.Definitions.Namespace == r.Namespace ? i.DecisionByReference(new DmnReference("#" + r.Id)) : null).FirstOrDefault(x => x is not null);

    /// <summary>What a name means in this model's scope during a run.</summary>
    internal bool TryResolve(DecisionRun run, string name, out object? value)
    {
        if (run.Inputs.TryGetValue(name, out value))
        {
            if (_inputs.TryGetValue(name, out var input)) value = Types.Conform(value, input.Variable.TypeRef, run.Evaluation, $"input '{name}'");
            return true;
        }
        if (_decisionsByName.TryGetValue(name, out var decision) && !run.IsDeciding(decision))
        {
            value = run.Decide(decision);
            return true;
        }
        if (_functions.TryGetValue(name, out var fn))
        {
            value = fn;
            return true;
        }
        if (_imports.TryGetValue(name, out var imported))
        {
            value = imported.AsContext(run, name);
            return true;
        }
        if (_inputs.ContainsKey(name))
        {
            // A declared input that was not given is null, not an unknown name.
            value = null;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>An imported model as the importer sees it: a context of its decisions' values, input data and functions.</summary>
    private FeelContext AsContext(DecisionRun outer, string importName)
    {
        var inputs = outer.Inputs.TryGetValue(importName, out var given) && given is FeelContext c
            ? c.Entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal)
            : new Dictionary<string, object?>(StringComparer.Ordinal);
        var run = new DecisionRun(this, inputs, outer.Evaluation);
        var entries = new List<KeyValuePair<string, object?>>();
        foreach (var (name, fn) in _functions) entries.Add(new(name, fn));
        foreach (var i in _inputs.Keys) entries.Add(new(i, TryResolve(run, i, out var v) ? v : null));
        foreach (var d in _decisionsByName.Values) entries.Add(new(d.Decision.Name, run.Decide(d)));
        outer.Evaluation.Host = outer;
        outer.Audit.AddRange(run.Audit);
        outer.Errors.AddRange(run.Errors);
        return FeelContext.From(entries);
    }

    internal FeelFunction? Function(string name) => _functions.GetValueOrDefault(name);

    private static string[] KnownNames(DmnDefinitions definitions, Dictionary<string, DecisionModel> imports)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in definitions.Source.Descendants())
            if (e.Attribute("name") is { Length: > 0 } n) names.Add(n.Trim());
        foreach (var (prefix, model) in imports)
        {
            names.Add(prefix);
            foreach (var n in KnownNames(model.Definitions, [])) names.Add(prefix + "." + n);
        }
        return [.. names];
    }
}

/// <summary>A decision with its compiled logic.</summary>
internal sealed class CompiledDecision(Decision decision, Func<Scope, object?> logic, DecisionModel model)
{
    public Decision Decision { get; } = decision;
    public string Key { get; } = model.Definitions.Namespace + "#" + (decision.Id ?? decision.Name);

    public object? Evaluate(DecisionRun run)
    {
        // A decision imported into another model runs in its own model's names.
        var scope = new DrgScope(run.Model == model ? run : Sub(run), model);
        var value = logic(scope);
        return model.Types.Conform(value, Decision.Variable.TypeRef, run.Evaluation, $"decision '{Decision.Name}'");
    }

    private DecisionRun Sub(DecisionRun run)
    {
        var sub = new DecisionRun(model, run.Inputs, run.Evaluation);
        run.Evaluation.Host = run;
        return sub;
    }
}

/// <summary>The root scope of a decision's expressions: names resolve through the model (inputs, decisions, functions, imports).</summary>
internal sealed class DrgScope(DecisionRun run, DecisionModel model) : Scope(null, run.Evaluation)
{
    public DecisionRun Run { get; } = run;

    protected override bool TryGetHere(string name, out object? value) => model.TryResolve(Run, name, out value);
}

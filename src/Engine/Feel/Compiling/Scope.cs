using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Feel.Compiling;

/// <summary>
/// The names visible to an expression while it runs: a chain of frames (variables, a context being built, an
/// iteration's item, a function's parameters), innermost first. Each frame also carries the evaluation (clock,
/// warnings) and the value a unary test is testing (<c>?</c>).
/// </summary>
public abstract class Scope
{
    protected Scope(Scope? parent, FeelEvaluation evaluation)
    {
        Parent = parent;
        Evaluation = evaluation;
        if (parent is not null) { InputValue = parent.InputValue; HasInput = parent.HasInput; }
    }

    public Scope? Parent { get; }
    public FeelEvaluation Evaluation { get; }
    public object? InputValue { get; private init; }
    public bool HasInput { get; private init; }

    /// <summary>Looks in this frame only.</summary>
    protected abstract bool TryGetHere(string name, out object? value);

    public bool TryLookup(string name, out object? value)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s.TryGetHere(name, out value)) return true;
        value = null;
        return false;
    }

    /// <summary>A frame over this one that binds <c>?</c> to the tested value.</summary>
    public Scope WithInput(object? value) => new InputScope(this, value);

    public Scope With(string name, object? value) => new SingleScope(this, name, value);

    public static Scope Root(FeelEvaluation evaluation, IReadOnlyDictionary<string, object?>? variables = null) =>
        new DictionaryScope(null, evaluation, variables ?? new Dictionary<string, object?>());

    public Scope With(IReadOnlyDictionary<string, object?> variables) => new DictionaryScope(this, Evaluation, variables);

    public Scope With(FeelContext context) => new ContextScope(this, context);

    private sealed class InputScope : Scope
    {
        public InputScope(Scope parent, object? value) : base(parent, parent.Evaluation)
        {
            InputValue = value;
            HasInput = true;
        }

        protected override bool TryGetHere(string name, out object? value) { value = null; return false; }
    }

    private sealed class SingleScope(Scope parent, string name, object? value) : Scope(parent, parent.Evaluation)
    {
        protected override bool TryGetHere(string n, out object? v)
        {
            if (n == name) { v = value; return true; }
            v = null;
            return false;
        }
    }

    private sealed class DictionaryScope(Scope? parent, FeelEvaluation evaluation, IReadOnlyDictionary<string, object?> variables) : Scope(parent, evaluation)
    {
        protected override bool TryGetHere(string name, out object? value) => variables.TryGetValue(name, out value);
    }

    private sealed class ContextScope(Scope parent, FeelContext context) : Scope(parent, parent.Evaluation)
    {
        protected override bool TryGetHere(string name, out object? value) => context.TryGet(name, out value);
    }
}

namespace EGov.Workflows.Feel.Values;

/// <summary>A FEEL function value: a built-in, a user-defined <c>function(..)</c>, a business knowledge model or a decision service.</summary>
public abstract class FeelFunction
{
    /// <summary>Parameter names of each accepted signature (built-ins may have several, as <c>date(from)</c> and <c>date(year, month, day)</c>).</summary>
    public abstract IReadOnlyList<IReadOnlyList<string>> Signatures { get; }

    /// <summary>Calls with positional arguments; a wrong count gives null and a warning, as FEEL asks.</summary>
    public abstract object? Invoke(FeelEvaluation evaluation, IReadOnlyList<object?> arguments);

    /// <summary>Calls with named arguments: matched to the first signature whose parameter names cover them; missing ones are null.</summary>
    public virtual object? InvokeNamed(FeelEvaluation evaluation, IReadOnlyList<KeyValuePair<string, object?>> arguments)
    {
        foreach (var signature in Signatures)
        {
            if (!arguments.All(a => signature.Contains(a.Key))) continue;
            if (arguments.Count > signature.Count) continue;
            // Parameters not named are null (is(value1: x) compares x with null).
            var positional = new object?[signature.Count];
            foreach (var a in arguments) positional[IndexOf(signature, a.Key)] = a.Value;
            return Invoke(evaluation, positional);
        }
        evaluation.Warn($"no signature of {Name} has the parameters {string.Join(", ", arguments.Select(a => a.Key))}");
        return null;
    }

    /// <summary>The name the function was defined or declared under, for messages.</summary>
    public virtual string Name => "function";

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (var i = 0; i < list.Count; i++) if (list[i] == name) return i;
        return -1;
    }

    public override string ToString() => Name;
}

/// <summary>A function made from a delegate: how built-ins and business knowledge models are exposed.</summary>
public sealed class DelegateFunction(string name, IReadOnlyList<IReadOnlyList<string>> signatures, Func<FeelEvaluation, IReadOnlyList<object?>, object?> body) : FeelFunction
{
    public override string Name => name;
    public override IReadOnlyList<IReadOnlyList<string>> Signatures => signatures;
    public override object? Invoke(FeelEvaluation evaluation, IReadOnlyList<object?> arguments) => body(evaluation, arguments);
}

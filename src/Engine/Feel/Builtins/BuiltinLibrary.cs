using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Feel.Builtins;

/// <summary>
/// FEEL's built-in functions (DMN 1.5 §10.3.4), by name. Each checks its arguments and answers null with a warning
/// for a wrong count or kind, as the spec asks. Names of several words ("string length") are also offered to the
/// lexer, so they read as one name.
/// </summary>
public static class BuiltinLibrary
{
    /// <summary>Type names of several words, read as one name after <c>instance of</c> and in <c>list&lt;…&gt;</c>.</summary>
    private static readonly string[] TypeNames = ["days and time duration", "years and months duration", "date and time"];

    private static readonly Dictionary<string, FeelFunction> Functions = Build();

    /// <summary>Every built-in name, longest first (what the lexer tries before splitting words).</summary>
    public static IReadOnlyList<string> Names { get; } = Functions.Keys.Concat(TypeNames).Where(k => k.Contains(' ')).Distinct().OrderByDescending(k => k.Length).ToArray();


    public static FeelFunction? Find(string name) => Functions.GetValueOrDefault(name);

    private static Dictionary<string, FeelFunction> Build()
    {
        var f = new Dictionary<string, FeelFunction>(StringComparer.Ordinal);
        ConversionFunctions.Register(f);
        NumberFunctions.Register(f);
        StringFunctions.Register(f);
        ListFunctions.Register(f);
        ContextFunctions.Register(f);
        DateFunctions.Register(f);
        RangeFunctions.Register(f);
        return f;
    }

    /// <summary>Defines a function with fixed signatures; a call whose argument count fits none is null with a warning.</summary>
    internal static void Def(Dictionary<string, FeelFunction> f, string name, string[][] signatures, Func<FeelEvaluation, IReadOnlyList<object?>, object?> body)
    {
        f[name] = new DelegateFunction(name, signatures, (ev, args) =>
        {
            foreach (var s in signatures)
            {
                if (s.Length != args.Count) continue;
                var result = Guard(name, ev, args, body);
                // A one-item list given where an item is expected is that item (DMN 1.5 §10.3.2.9.4).
                if (result is null && args.Any(a => a is IReadOnlyList<object?> { Count: 1 }))
                    result = Guard(name, ev, args.Select(a => a is IReadOnlyList<object?> { Count: 1 } l ? l[0] : a).ToArray(), body);
                return result;
            }
            return ev.Null($"{name} takes {string.Join(" or ", signatures.Select(s => s.Length).Distinct())} arguments, not {args.Count}");
        });
    }

    /// <summary>Defines a function over a list given either as one list argument or as the arguments themselves (<c>max(1, 2)</c>, <c>max([1, 2])</c>).</summary>
    internal static void DefList(Dictionary<string, FeelFunction> f, string name, Func<FeelEvaluation, IReadOnlyList<object?>, object?> body, bool emptyAllowed = false)
    {
        f[name] = new VariadicFunction(name, (ev, args) =>
        {
            if (args.Count == 0) return emptyAllowed ? Guard(name, ev, [], body) : ev.Null($"{name} needs at least one value");
            IReadOnlyList<object?> list = args.Count == 1 && args[0] is IReadOnlyList<object?> l ? l : args;
            if (args.Count == 1 && args[0] is null) return ev.Null($"{name} of null");
            return Guard(name, ev, list, body);
        });
    }

    private static object? Guard(string name, FeelEvaluation ev, IReadOnlyList<object?> args, Func<FeelEvaluation, IReadOnlyList<object?>, object?> body)
    {
        try { return body(ev, args); }
        catch (Exception e) when (e is OverflowException or ArgumentException or InvalidCastException or FormatException or IndexOutOfRangeException or System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return ev.Null($"{name}: {e.Message}");
        }
    }

    private sealed class VariadicFunction(string name, Func<FeelEvaluation, IReadOnlyList<object?>, object?> body) : FeelFunction
    {
        public override string Name => name;
        public override IReadOnlyList<IReadOnlyList<string>> Signatures { get; } = [["list"]];
        public override object? Invoke(FeelEvaluation evaluation, IReadOnlyList<object?> arguments) => body(evaluation, arguments);
    }

    internal static bool IsInteger(object? v) => v is decimal d && d == decimal.Truncate(d);

    /// <summary>A position, length or scale: a number, its fraction cut off (decimal(1/3, 2.5) rounds to 2 places).</summary>
    internal static int? ToInt(object? v) => v is decimal d && Math.Abs(d) < int.MaxValue ? (int)decimal.Truncate(d) : null;
}

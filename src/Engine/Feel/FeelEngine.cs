using System.Collections.Concurrent;
using EGov.Workflows.Feel.Builtins;
using EGov.Workflows.Feel.Compiling;
using EGov.Workflows.Feel.Syntax;

namespace EGov.Workflows.Feel;

/// <summary>How to read names: the multi-word names in scope (so "Monthly Salary" is one name) and the model's own types.</summary>
public sealed record FeelCompileOptions
{
    public static readonly FeelCompileOptions Default = new();

    /// <summary>Names visible to the expression; those with spaces or the symbols <c>. / - ' + *</c> need to be listed to be read as one name.</summary>
    public IReadOnlyCollection<string> KnownNames { get; init; } = [];

    /// <summary>Types an expression may name beyond FEEL's own (a model's item definitions), for <c>instance of</c> and typed parameters.</summary>
    public FeelTypes Types { get; init; } = new();
}

/// <summary>
/// Parses and compiles FEEL once per distinct text (and set of known names), keeping the result in a bounded cache;
/// thread-safe. A syntax error throws <see cref="FeelSyntaxException"/> with the position; evaluating never throws for
/// FEEL errors (they are null with a warning).
/// </summary>
public sealed class FeelEngine(int cacheCapacity = FeelEngine.DefaultCacheCapacity)
{
    public const int DefaultCacheCapacity = 8192;

    public static FeelEngine Default { get; } = new();

    private readonly ConcurrentDictionary<(string Text, bool Tests, FeelCompileOptions Options), object> _cache = new();

    public CompiledExpression CompileExpression(string text, FeelCompileOptions? options = null)
    {
        options ??= FeelCompileOptions.Default;
        if (_cache.TryGetValue((text, false, options), out var cached)) return (CompiledExpression)cached;
        var parser = new Parser(text, KnownNames(options));
        var node = parser.ParseWholeExpression();
        var compiled = new CompiledExpression(text, node, Compile(node, options, text));
        Remember((text, false, options), compiled);
        return compiled;
    }

    public CompiledUnaryTests CompileUnaryTests(string text, FeelCompileOptions? options = null)
    {
        options ??= FeelCompileOptions.Default;
        if (_cache.TryGetValue((text, true, options), out var cached)) return (CompiledUnaryTests)cached;
        var parser = new Parser(text, KnownNames(options));
        var node = parser.ParseUnaryTests();
        Tester tester;
        try { tester = new Compiler(options.Types).CompileUnaryTests(node); }
        catch (FeelSyntaxException e) when (e.Expression.Length == 0) { throw new FeelSyntaxException(e.Reason, e.Offset, text); }
        var compiled = new CompiledUnaryTests(text, node, tester);
        Remember((text, true, options), compiled);
        return compiled;
    }

    private static Evaluator Compile(Node node, FeelCompileOptions options, string text)
    {
        try { return new Compiler(options.Types).Compile(node); }
        catch (FeelSyntaxException e) when (e.Expression.Length == 0) { throw new FeelSyntaxException(e.Reason, e.Offset, text); }
    }

    private void Remember((string, bool, FeelCompileOptions) key, object value)
    {
        // A simple bound: when full, start over (the expressions of deployed models are compiled again on next use).
        if (_cache.Count >= cacheCapacity) _cache.Clear();
        _cache[key] = value;
    }

    private static IReadOnlyList<string> KnownNames(FeelCompileOptions options)
    {
        if (options.KnownNames.Count == 0) return BuiltinLibrary.Names;
        return options.KnownNames.Where(n => n.Any(c => c is ' ' or '.' or '/' or '-' or '\'' or '+' or '*'))
            .Concat(BuiltinLibrary.Names).Distinct().OrderByDescending(n => n.Length).ToArray();
    }
}

/// <summary>A FEEL expression, parsed and compiled.</summary>
public sealed class CompiledExpression
{
    private readonly Evaluator _evaluator;

    internal CompiledExpression(string text, Node node, Evaluator evaluator)
    {
        Text = text;
        Syntax = node;
        _evaluator = evaluator;
    }

    public string Text { get; }
    public Node Syntax { get; }

    /// <summary>A literal or a temporal constructor with literal arguments (what <c>range("…")</c> accepts as an endpoint).</summary>
    public bool IsLiteralLike => Syntax switch
    {
        LiteralNode => true,
        InvocationNode { Target: NameNode n } inv => n.Name is "date" or "time" or "date and time" or "duration" && inv.Positional.All(p => p is LiteralNode),
        _ => false,
    };

    /// <summary>
    /// The value, or null when the evaluation used up its loop budget (<see cref="FeelEvaluation.IterationLimit"/>): an
    /// outer expression must not turn the inner loop's null into an answer (<c>every x in &lt;null&gt; satisfies …</c> is
    /// true over nothing), so a budget that ran out makes the whole result an error.
    /// </summary>
    public object? Evaluate(Scope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var value = _evaluator(scope);
        return scope.Evaluation.Exhausted ? null : value;
    }

    public object? Evaluate(IReadOnlyDictionary<string, object?> variables, FeelEvaluation? evaluation = null) =>
        Evaluate(Scope.Root(evaluation ?? new FeelEvaluation(), variables));
}

/// <summary>Unary tests (a decision table's input entry), parsed and compiled.</summary>
public sealed class CompiledUnaryTests
{
    private readonly Tester _tester;

    internal CompiledUnaryTests(string text, UnaryTestsNode node, Tester tester)
    {
        Text = text;
        Syntax = node;
        _tester = tester;
    }

    public string Text { get; }
    public UnaryTestsNode Syntax { get; }

    /// <summary>True when the tests match nothing in particular: <c>-</c> or empty.</summary>
    public bool IsAny => Syntax.Any;

    public bool? Test(Scope scope, object? value)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var result = _tester(scope, value);
        return scope.Evaluation.Exhausted ? null : result;
    }

    /// <summary>The compiled test itself, for callers that call it many times (a decision table's rules).</summary>
    internal Tester Tester => _tester;

    public bool? Test(object? value, IReadOnlyDictionary<string, object?>? variables = null, FeelEvaluation? evaluation = null) =>
        _tester(Scope.Root(evaluation ?? new FeelEvaluation(), variables), value);
}

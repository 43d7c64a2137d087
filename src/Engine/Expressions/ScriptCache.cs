using System.Collections.Concurrent;
using Acornima.Ast;
using Jint;

namespace EGov.Workflows.Expressions;

/// <summary>
/// Parsed scripts keyed by their source text. Bounded: when full, the cache is emptied and refills
/// with what is used (models have a few hundred distinct expressions at most, so this rarely happens).
/// </summary>
internal sealed class ScriptCache(int capacity)
{
    private readonly ConcurrentDictionary<string, CompiledSource> _entries = new(StringComparer.Ordinal);
    private long _parseCount;

    public long ParseCount => Interlocked.Read(ref _parseCount);

    public int Count => _entries.Count;

    public CompiledSource GetOrParse(string key, Func<string> toJavaScript)
    {
        if (_entries.TryGetValue(key, out var prepared))
            return prepared;
        prepared = Parse(toJavaScript());
        if (_entries.Count >= capacity)
            _entries.Clear();
        return _entries.GetOrAdd(key, prepared);
    }

    private CompiledSource Parse(string javaScript)
    {
        Interlocked.Increment(ref _parseCount);
        var prepared = Engine.PrepareScript(javaScript, source: null, strict: false,
            options: new ScriptPreparationOptions { CollectReferencedGlobals = true });
        var program = prepared.Program;
        var simple = program is not null && IsSimpleExpression(program);
        return new CompiledSource(
            prepared,
            !simple,
            program is null ? [] : DeclaredGlobals(program),
            simple && !Deletes(program!));
    }

    /// <summary>
    /// Names a script declares on the global object (top-level <c>var</c> and function declarations). Jint does not
    /// count them as referenced globals, but a script such as <c>var total = total + 1</c> must still see the
    /// process variable of that name first, as it does in Camunda.
    /// </summary>
    internal static string[] DeclaredGlobals(Script program)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in program.DescendantNodesAndSelf(n => n is not (FunctionDeclaration or FunctionExpression or ArrowFunctionExpression or ClassDeclaration or ClassExpression) || n == program))
        {
            switch (node)
            {
                case VariableDeclaration { Kind: VariableDeclarationKind.Var } declaration:
                    foreach (var declarator in declaration.Declarations)
                        if (declarator.Id is Identifier id)
                            names.Add(id.Name);
                    break;
                case FunctionDeclaration { Id: { } functionId }:
                    names.Add(functionId.Name);
                    break;
            }
        }
        return [.. names];
    }

    /// <summary>
    /// True when the program only combines names, property reads, literals and operators — no calls, no
    /// loops, no functions, no array or object literals, no assignments. Such a program runs each operation
    /// once on values the host gave it, so it cannot build an oversized value in one built-in call and needs
    /// no size guards (most sequence flow conditions: <c>amount &gt; 100</c>, <c>x == 'a' &amp;&amp; y</c>).
    /// </summary>
    internal static bool IsSimpleExpression(Script program) =>
        program.DescendantNodesAndSelf().All(node => node.Type is
            NodeType.Program or NodeType.ExpressionStatement or NodeType.Identifier or NodeType.Literal
            or NodeType.MemberExpression or NodeType.UnaryExpression or NodeType.BinaryExpression
            or NodeType.LogicalExpression or NodeType.ConditionalExpression or NodeType.ChainExpression
            or NodeType.SequenceExpression);

    /// <summary>
    /// True when the program uses the <c>delete</c> operator: the one thing a simple expression can change
    /// (<c>delete Object.prototype.toString</c>), so it must not run on an engine that is used again.
    /// </summary>
    internal static bool Deletes(Script program) =>
        program.DescendantNodesAndSelf().Any(node => node is UnaryExpression { Operator: Acornima.Operator.Delete });
}

/// <summary>
/// A parsed source and what running it needs. <paramref name="ReusesEngine"/>: it only reads (a simple expression
/// without <c>delete</c>), so it cannot change the realm it runs in — no global, prototype or built-in — and may
/// run on a pooled engine; everything else gets a fresh engine, because a script's <c>let</c>, <c>var</c> and
/// prototype changes cannot be undone in Jint without a new realm.
/// </summary>
internal sealed record CompiledSource(Prepared<Script> Prepared, bool NeedsGuards, string[] DeclaredGlobals, bool ReusesEngine);

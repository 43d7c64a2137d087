using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Compiling;
using EGov.Workflows.Feel.Syntax;
using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Dmn.Evaluation;

/// <summary>
/// Compiles boxed expressions (DMN 1.5 §7 and §8) to delegates over a scope: literal expressions through FEEL,
/// contexts entry by entry, invocations by parameter name, lists, relations, function definitions, conditionals,
/// filters and iterators, and decision tables. A broken part is recorded as a compile error and evaluates to null
/// with that error, so one bad cell does not hide the rest of the model's problems.
/// </summary>
internal sealed class BoxedCompiler(DecisionModel model, FeelEngine feel, FeelCompileOptions options, List<DmnCompileError> errors)
{
    public FeelEngine Feel => feel;
    public FeelCompileOptions Options => options;

    public Func<Scope, object?> Decision(Decision d)
    {
        if (d.Logic is null) return s => Run(s)?.Error($"decision '{d.Name}' has no decision logic");
        return Compile(d.Logic);
    }

    public FeelFunction KnowledgeModel(BusinessKnowledgeModel bkm)
    {
        if (bkm.Logic is null)
        {
            errors.Add(new DmnCompileError(bkm, $"business knowledge model '{bkm.Name}' has no encapsulated logic"));
            return new DelegateFunction(bkm.Name, [[]], (ev, _) => ev.Null($"business knowledge model '{bkm.Name}' has no logic"));
        }
        var body = bkm.Logic.Body is null ? (_ => null) : Compile(bkm.Logic.Body);
        return new BoxedFunction(bkm.Name, bkm.Logic.Parameters, body, null, model, bkm.Logic.Kind);
    }

    internal static DecisionRun? Run(Scope s) => s.Evaluation.Host as DecisionRun;

    public Func<Scope, object?> Compile(BoxedExpression e)
    {
        var typed = CompileUntyped(e);
        if (string.IsNullOrWhiteSpace(e.TypeRef) || e is DecisionTable) return typed;
        var typeRef = e.TypeRef;
        return s => model.Types.Conform(typed(s), typeRef, s.Evaluation, $"expression '{e.Id}'");
    }

    private Func<Scope, object?> CompileUntyped(BoxedExpression e)
    {
        switch (e)
        {
            case LiteralExpression lit: return Literal(lit);
            case DecisionTable table: return new TableCompiler(this, model).Compile(table);
            case DmnContext ctx: return Context(ctx);
            case Invocation inv: return InvocationOf(inv);
            case DmnList list:
            {
                var items = list.Items.Select(Compile).ToArray();
                return s => items.Select(i => i(s)).ToArray();
            }
            case Relation rel:
            {
                var rows = rel.Rows.Select(r => r.Select(c => c is null ? (_ => null) : Compile(c)).ToArray()).ToArray();
                var columns = rel.Columns;
                foreach (var r in rel.Rows.Where(r => r.Count != columns.Count))
                    errors.Add(new DmnCompileError(rel, $"relation '{rel.Id}' has a row of {r.Count} cells for {columns.Count} columns"));
                return s => rows.Select(r => (object?)FeelContext.From(columns.Select((c, i) => new KeyValuePair<string, object?>(c, i < r.Length ? r[i](s) : null)))).ToArray();
            }
            case FunctionDefinition fn:
            {
                var body = fn.Body is null ? (_ => null) : Compile(fn.Body);
                return s => new BoxedFunction("function", fn.Parameters, body, s, model, fn.Kind);
            }
            case Conditional c:
            {
                var i = c.If is null ? (_ => null) : Compile(c.If);
                var t = c.Then is null ? (_ => null) : Compile(c.Then);
                var el = c.Else is null ? (_ => null) : Compile(c.Else);
                return s => i(s) switch
                {
                    true => t(s),
                    false or null => el(s),
                    var other => Fail(s, $"conditional '{c.Id}': the condition is {FeelSemantics.TypeName(other)}, not a boolean"),
                };
            }
            case DmnFilter f:
            {
                var source = f.In is null ? (_ => null) : Compile(f.In);
                var match = f.Match is null ? (_ => true) : Compile(f.Match);
                return s =>
                {
                    var v = source(s);
                    if (v is null) return null;
                    var list = v as IReadOnlyList<object?> ?? [v];
                    var result = new List<object?>();
                    foreach (var item in list)
                    {
                        var inner = s.With("item", item);
                        if (item is FeelContext ic) inner = inner.With(ic);
                        var m = match(inner);
                        if (m is true) result.Add(item);
                        else if (m is not (false or null)) return Fail(s, $"filter '{f.Id}': the match is {FeelSemantics.TypeName(m)}, not a boolean");
                    }
                    return result.ToArray();
                };
            }
            case Iterator it:
            {
                var source = it.In is null ? (_ => null) : Compile(it.In);
                var body = it.Body is null ? (_ => null) : Compile(it.Body);
                var name = it.Variable;
                return it.Kind switch
                {
                    "for" => s =>
                    {
                        var results = new List<object?>();
                        foreach (var item in Items(source(s))) results.Add(body(s.With(name, item).With("partial", results.ToArray())));
                        return results.ToArray();
                    },
                    "some" => s =>
                    {
                        var sawNull = false;
                        foreach (var item in Items(source(s)))
                        {
                            var r = body(s.With(name, item));
                            if (r is true) return true;
                            if (r is not (false or null)) return Fail(s, $"some '{it.Id}': the condition is not a boolean");
                            if (r is null) sawNull = true;
                        }
                        return sawNull ? null : false;
                    },
                    _ => s =>
                    {
                        var sawNull = false;
                        foreach (var item in Items(source(s)))
                        {
                            var r = body(s.With(name, item));
                            if (r is false) return false;
                            if (r is not (true or null)) return Fail(s, $"every '{it.Id}': the condition is not a boolean");
                            if (r is null) sawNull = true;
                        }
                        return sawNull ? null : true;
                    },
                };
            }
        }
        errors.Add(new DmnCompileError(e, $"<{e.Source.Name.LocalName}> is not a boxed expression this engine evaluates"));
        return s => s.Evaluation.Null($"<{e.Source.Name.LocalName}> cannot be evaluated");
    }

    private static IEnumerable<object?> Items(object? v) => v switch
    {
        null => [],
        IReadOnlyList<object?> l => l,
        FeelRange { Start: decimal a, End: decimal b } r => Count(r.StartIncluded ? a : a + 1, r.EndIncluded ? b : b - 1),
        _ => [v],
    };

    private static IEnumerable<object?> Count(decimal a, decimal b)
    {
        var step = a <= b ? 1 : -1;
        for (var i = a; step > 0 ? i <= b : i >= b; i += step) yield return i;
    }

    public Func<Scope, object?> Literal(LiteralExpression lit)
    {
        if (lit.ExpressionLanguage is { } lang && !IsFeel(lang))
        {
            errors.Add(new DmnCompileError(lit, $"expression language '{lang}' is not supported (only FEEL)", lit.Text));
            return s => s.Evaluation.Null($"expression language '{lang}' is not supported");
        }
        var text = lit.Text;
        if (string.IsNullOrWhiteSpace(text)) return _ => null;
        try
        {
            var compiled = feel.CompileExpression(text, options);
            return compiled.Evaluate;
        }
        catch (FeelSyntaxException x)
        {
            errors.Add(new DmnCompileError(lit, x.Message, text, x.Offset));
            var message = x.Message;
            return s => Fail(s, $"{message} in '{text}'");
        }
    }

    public CompiledUnaryTests? UnaryTests(LiteralExpression entry)
    {
        try { return feel.CompileUnaryTests(entry.Text, options); }
        catch (FeelSyntaxException x)
        {
            errors.Add(new DmnCompileError(entry, x.Message, entry.Text, x.Offset));
            return null;
        }
    }

    public CompiledUnaryTests? UnaryTests(DmnElement owner, string text)
    {
        try { return feel.CompileUnaryTests(text, options); }
        catch (FeelSyntaxException x)
        {
            errors.Add(new DmnCompileError(owner, x.Message, text, x.Offset));
            return null;
        }
    }

    public void Error(DmnElement element, string message) => errors.Add(new DmnCompileError(element, message));

    internal static object? Fail(Scope s, string message) => Run(s) is { } run ? run.Error(message) : s.Evaluation.Null(message);

    internal static bool IsFeel(string language) =>
        language.Contains("feel", StringComparison.OrdinalIgnoreCase) || language.Contains("FEEL", StringComparison.Ordinal);

    private Func<Scope, object?> Context(DmnContext ctx)
    {
        var entries = ctx.Entries.Select(e => (Name: e.Variable?.Name, Type: e.Variable?.TypeRef, Value: e.Value is null ? (Func<Scope, object?>)(_ => null) : Compile(e.Value))).ToArray();
        return s =>
        {
            var context = new FeelContext();
            var inner = s.With(context);
            foreach (var (name, type, value) in entries)
            {
                var v = value(inner);
                if (name is null) return v;
                context.SetEntry(name, model.Types.Conform(v, type, s.Evaluation, $"context entry '{name}'"));
            }
            return context;
        };
    }

    private Func<Scope, object?> InvocationOf(Invocation inv)
    {
        if (inv.Called is null)
        {
            errors.Add(new DmnCompileError(inv, "invocation names no function"));
            return s => Fail(s, "invocation names no function");
        }
        var target = Compile(inv.Called);
        var bindings = inv.Bindings.Select(b => (b.Parameter, Value: b.Value is null ? (Func<Scope, object?>)(_ => null) : Compile(b.Value))).ToArray();
        return s =>
        {
            if (target(s) is not FeelFunction fn) return Fail(s, $"invocation of something that is not a function");
            var args = bindings.Select(b => new KeyValuePair<string, object?>(b.Parameter, b.Value(s))).ToArray();
            // Bound by name, in the function's parameter order; parameters not bound are null.
            var signature = fn.Signatures.FirstOrDefault(sig => args.All(a => sig.Contains(a.Key)));
            if (signature is null) return Fail(s, $"'{fn.Name}' has no parameters {string.Join(", ", args.Select(a => a.Key))}");
            var positional = signature.Select(p => args.FirstOrDefault(a => a.Key == p).Value).ToArray();
            return fn.Invoke(s.Evaluation, positional);
        };
    }
}

/// <summary>A business knowledge model or a boxed function definition as a FEEL function: parameters typed and conformed, the body in the model's names.</summary>
internal sealed class BoxedFunction(string name, IReadOnlyList<DmnVariable> parameters, Func<Scope, object?> body, Scope? closure, DecisionModel model, FunctionKind kind) : FeelFunction
{
    public override string Name => name;

    public override IReadOnlyList<IReadOnlyList<string>> Signatures { get; } = [parameters.Select(p => p.Name).ToArray()];

    public override object? Invoke(FeelEvaluation evaluation, IReadOnlyList<object?> arguments)
    {
        if (kind != FunctionKind.Feel) return evaluation.Null($"'{name}': {kind} functions are not supported");
        if (arguments.Count != parameters.Count) return evaluation.Null($"'{name}' takes {parameters.Count} arguments, not {arguments.Count}");
        if (evaluation.Depth > 200) return evaluation.Null($"'{name}' calls itself too deeply");
        var values = new Dictionary<string, object?>(parameters.Count, StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++)
        {
            var value = model.Types.Conform(arguments[i], parameters[i].TypeRef, evaluation, $"parameter '{parameters[i].Name}' of '{name}'");
            // An argument that does not conform to its parameter's type makes the invocation an error (DMN 1.5 §10.3.2.9.4).
            if (value is null && arguments[i] is not null) return null;
            values[parameters[i].Name] = value;
        }
        Scope root = closure ?? new DrgScope(evaluation.Host as DecisionRun is { } run && run.Model == model ? run : new DecisionRun(model, new Dictionary<string, object?>(), evaluation), model);
        var host = evaluation.Host;
        evaluation.Depth++;
        try { return body(root.With(values)); }
        finally
        {
            evaluation.Depth--;
            evaluation.Host = host;
        }
    }
}

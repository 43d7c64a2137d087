using EGov.Workflows.Feel.Builtins;
using EGov.Workflows.Feel.Syntax;
using EGov.Workflows.Feel.Values;
using NodaTime;

namespace EGov.Workflows.Feel.Compiling;

/// <summary>A compiled expression: evaluates in a scope; never throws for FEEL errors (null and a warning instead).</summary>
public delegate object? Evaluator(Scope scope);

/// <summary>A compiled unary test: true, false or null (neither) for the value tested.</summary>
public delegate bool? Tester(Scope scope, object? value);

/// <summary>
/// Turns a parsed expression into a tree of delegates, once: each node becomes a closure over its compiled children,
/// so evaluating is calling, not walking syntax. Names resolve at run time through the scope, then the built-ins.
/// </summary>
internal sealed class Compiler(FeelTypes types)
{
    public Evaluator Compile(Node node)
    {
        switch (node)
        {
            case LiteralNode { Value: AtLiteral at }:
            {
                var value = Conversions.ParseAtLiteral(at.Text);
                // A malformed @-literal is an evaluation error (null), as the TCK expects, not a syntax error.
                if (value is null) return s => s.Evaluation.Null($"@\"{at.Text}\" is not a date, time, date and time or duration");
                return _ => value;
            }
            case LiteralNode lit:
            {
                var value = lit.Value;
                return _ => value;
            }
            case NameNode n: return CompileName(n.Name);
            case InputValueNode: return s => s.InputValue;
            case NegateNode neg:
            {
                var operand = Compile(neg.Operand);
                return s => FeelArithmetic.Negate(operand(s), s.Evaluation);
            }
            case ArithmeticNode a: return CompileArithmetic(a);
            case ComparisonNode c: return CompileComparison(c);
            case AndNode and:
            {
                var l = Compile(and.Left);
                var r = Compile(and.Right);
                return s =>
                {
                    var left = l(s) as bool?;
                    if (left == false) return false;
                    var right = r(s) as bool?;
                    if (right == false) return false;
                    return left == true && right == true ? true : null;
                };
            }
            case OrNode or:
            {
                var l = Compile(or.Left);
                var r = Compile(or.Right);
                return s =>
                {
                    var left = l(s) as bool?;
                    if (left == true) return true;
                    var right = r(s) as bool?;
                    if (right == true) return true;
                    return left == false && right == false ? false : null;
                };
            }
            case BetweenNode b:
            {
                var v = Compile(b.Value);
                var lo = Compile(b.Low);
                var hi = Compile(b.High);
                return s =>
                {
                    var x = v(s);
                    var c1 = Checked.Compare(s, x, lo(s));
                    var c2 = Checked.Compare(s, x, hi(s));
                    if (c1 is null || c2 is null) return null;
                    return c1 >= 0 && c2 <= 0;
                };
            }
            case InNode inNode:
            {
                var v = Compile(inNode.Value);
                var tests = inNode.Tests.Select(CompileTest).ToArray();
                return s => AnyTest(tests, s, v(s));
            }
            case InstanceOfNode io:
            {
                var v = Compile(io.Value);
                var check = types.Checker(io.Type);
                return s => check(v(s));
            }
            case IfNode i:
            {
                var c = Compile(i.Condition);
                var t = Compile(i.Then);
                var e = Compile(i.Else);
                return s => c(s) is true ? t(s) : e(s);
            }
            case ForNode f: return CompileFor(f);
            case QuantifiedNode q: return CompileQuantified(q);
            case ListNode l:
            {
                var items = l.Items.Select(Compile).ToArray();
                return s =>
                {
                    var list = new object?[items.Length];
                    for (var i = 0; i < items.Length; i++) list[i] = items[i](s);
                    return list;
                };
            }
            case ContextNode c: return CompileContext(c);
            case RangeNode r:
            {
                var start = r.Start is null ? null : Compile(r.Start);
                var end = r.End is null ? null : Compile(r.End);
                return s => MakeRange(start?.Invoke(s), r.StartIncluded, end?.Invoke(s), r.EndIncluded, s.Evaluation);
            }
            case UnaryComparisonNode u:
            {
                // As an expression (outside a test), "< 10" is the range from nothing to 10; with a tested value it is the test.
                // The endpoint is compiled once and shared by both readings: compiling it again for the test would double the
                // work at every level, and a chain "= = = …" of n would take 2^n (a fuzz finding that hung a node).
                var endpoint = Compile(u.Endpoint);
                var test = Constant(u.Endpoint, out var constant) ? FastTests.Comparison(u.Operator, constant) : ComparisonTest(u.Operator, endpoint);
                return s =>
                {
                    if (s.HasInput) return test(s, s.InputValue);
                    var e = endpoint(s);
                    return u.Operator switch
                    {
                        "<" => new FeelRange(null, false, e, false, "<"),
                        "<=" => new FeelRange(null, false, e, true, "<="),
                        ">" => new FeelRange(e, false, null, false, ">"),
                        ">=" => new FeelRange(e, true, null, false, ">="),
                        "=" => new FeelRange(e, true, e, true, "="),
                        _ => e,
                    };
                };
            }
            case FilterNode f: return CompileFilter(f);
            case PathNode p:
            {
                var target = Compile(p.Target);
                var name = p.Name;
                return s => Properties.Get(target(s), name, s.Evaluation);
            }
            case InvocationNode inv: return CompileInvocation(inv);
            case FunctionNode fn: return CompileFunction(fn);
            case UnaryTestsNode ut:
            {
                var tester = CompileUnaryTests(ut);
                return s => tester(s, s.InputValue);
            }
        }
        throw new FeelSyntaxException($"cannot compile {node.GetType().Name}", node.Offset, "");
    }

    private static Evaluator CompileName(string name)
    {
        var builtin = BuiltinLibrary.Find(name);
        var dot = name.IndexOf('.');
        return s =>
        {
            if (s.TryLookup(name, out var value)) return value;
            if (builtin is not null) return builtin;
            // A known name with a dot ("Person.Gender") that is no variable of its own is a path.
            if (dot > 0 && s.TryLookup(name[..dot], out var head))
            {
                foreach (var part in name[(dot + 1)..].Split('.')) head = Properties.Get(head, part.Trim(), s.Evaluation);
                return head;
            }
            return s.Evaluation.Null($"no variable named '{name}'");
        };
    }

    private Evaluator CompileArithmetic(ArithmeticNode a)
    {
        var l = Compile(a.Left);
        var r = Compile(a.Right);
        return a.Operator switch
        {
            "+" => s =>
            {
                var x = l(s);
                var y = r(s);
                return x is decimal dx && y is decimal dy ? AddNumbers(dx, dy, s) : FeelArithmetic.Add(x, y, s.Evaluation);
            },
            "-" => s => FeelArithmetic.Subtract(l(s), r(s), s.Evaluation),
            "*" => s => FeelArithmetic.Multiply(l(s), r(s), s.Evaluation),
            "/" => s => FeelArithmetic.Divide(l(s), r(s), s.Evaluation),
            _ => s => FeelArithmetic.Power(l(s), r(s), s.Evaluation),
        };
    }

    private static object? AddNumbers(decimal x, decimal y, Scope s)
    {
        try { return x + y; }
        catch (OverflowException) { return s.Evaluation.Null("number out of range"); }
    }

    private Evaluator CompileComparison(ComparisonNode c)
    {
        var l = Compile(c.Left);
        var r = Compile(c.Right);
        return c.Operator switch
        {
            "=" => s => Box(EqualOrWarn(l(s), r(s), s)),
            "!=" => s => Box(EqualOrWarn(l(s), r(s), s) is bool b ? !b : null),
            "<" => s => Box(Checked.Compare(s, l(s), r(s)) is int i ? i < 0 : null),
            "<=" => s => Box(Checked.Compare(s, l(s), r(s)) is int i ? i <= 0 : null),
            ">" => s => Box(Checked.Compare(s, l(s), r(s)) is int i ? i > 0 : null),
            _ => s => Box(Checked.Compare(s, l(s), r(s)) is int i ? i >= 0 : null),
        };
    }

    /// <summary>A boolean result without allocating: the two boxed booleans are shared.</summary>
    private static object? Box(bool? b) => b switch
    {
        true => True,
        false => False,
        null => null,
    };

    private static bool? EqualOrWarn(object? a, object? b, Scope s)
    {
        var e = FeelSemantics.Equal(a, b);
        if (e is null) s.Evaluation.Warn($"cannot compare {FeelSemantics.TypeName(a)} with {FeelSemantics.TypeName(b)}");
        return e;
    }

    private static object? AnyTest(Tester[] tests, Scope s, object? value) => Box(AnyOf(tests, s, value));

    private static readonly object True = true;
    private static readonly object False = false;

    /// <summary>True when a test is true; else null when one was null (neither); else false.</summary>
    private static bool? AnyOf(Tester[] tests, Scope s, object? value)
    {
        var sawNull = false;
        foreach (var t in tests)
        {
            var r = t(s, value);
            if (r == true) return true;
            if (r is null) sawNull = true;
        }
        return sawNull ? null : false;
    }

    public Tester CompileUnaryTests(UnaryTestsNode node)
    {
        if (node.Any) return (_, _) => true;
        var tests = node.Tests.Select(CompileTest).ToArray();
        if (node.Negated) return (s, v) => AnyOf(tests, s, v) is bool b ? !b : null;
        if (tests.Length == 1) return tests[0];
        return (s, v) => AnyOf(tests, s, v);
    }

    private Tester CompileTest(Node node)
    {
        switch (node)
        {
            case UnaryComparisonNode u when Constant(u.Endpoint, out var endpoint):
                return FastTests.Comparison(u.Operator, endpoint);
            case RangeNode { Start: { } start, End: { } end } r when Constant(start, out var low) && Constant(end, out var high)
                                                                    && low is not null && high is not null
                                                                    && MakeRange(low, r.StartIncluded, high, r.EndIncluded, new FeelEvaluation()) is FeelRange range:
                // An interval of constants ([1..10], ["a".."m")) is built once; invalid ones keep the general path and its warning.
                return FastTests.Interval(range);
            case UnaryComparisonNode u:
                return ComparisonTest(u.Operator, Compile(u.Endpoint));
            case LiteralNode { Value: not AtLiteral } lit:
                // The common decision table cell: a constant, compared without a scope.
                return FastTests.Literal(lit.Value);
            case NegateNode { Operand: LiteralNode { Value: decimal } } when Constant(node, out var negative):
                return FastTests.Literal(negative);
            default:
            {
                var e = Compile(node);
                var usesInput = UsesInput(node);
                return (s, v) =>
                {
                    var r = e(usesInput ? s.WithInput(v) : s);
                    return Match(s, v, r, usesInput);
                };
            }
        }
    }

    /// <summary>A value known when compiling: a literal (not an @-literal, which may be an error) or a negated number literal.</summary>
    /// <summary>The test "tested value &lt;operator&gt; endpoint", the endpoint already compiled.</summary>
    private static Tester ComparisonTest(string op, Evaluator e) => op switch
    {
        "=" => (s, v) => Checked.Equal(s, v, e(s)),
        "!=" => (s, v) => Checked.Equal(s, v, e(s)) is bool b ? !b : null,
        "<" => (s, v) => Checked.Compare(s, v, e(s)) is int i ? i < 0 : null,
        "<=" => (s, v) => Checked.Compare(s, v, e(s)) is int i ? i <= 0 : null,
        ">" => (s, v) => Checked.Compare(s, v, e(s)) is int i ? i > 0 : null,
        _ => (s, v) => Checked.Compare(s, v, e(s)) is int i ? i >= 0 : null,
    };

    private static bool Constant(Node node, out object? value)
    {
        switch (node)
        {
            case LiteralNode { Value: not AtLiteral } lit:
                value = lit.Value;
                return true;
            case NegateNode { Operand: LiteralNode { Value: decimal d } }:
                value = -d;
                return true;
            default:
                value = null;
                return false;
        }
    }

    /// <summary>What a test's value means for the tested one (DMN 1.5 §10.3.2.9).</summary>
    private static bool? Match(Scope s, object? v, object? r, bool usesInput)
    {
        switch (r)
        {
            case bool b when usesInput || v is not bool: return b;
            case FeelRange range: return Checked.Contains(s, range, v);
            case IReadOnlyList<object?> list:
            {
                if (v is IReadOnlyList<object?> && FeelSemantics.Equal(v, r) == true) return true;
                foreach (var item in list)
                {
                    if (item is FeelRange ir ? RangeFunctions.Contains(ir, v) == true : FeelSemantics.Equal(v, item) == true) return true;
                }
                return false;
            }
            case null when v is not null && !usesInput: return false;
            default: return Checked.Equal(s, v, r) ?? false;
        }
    }

    private static bool UsesInput(Node node) => node switch
    {
        InputValueNode => true,
        null => false,
        _ => Children(node).Any(UsesInput),
    };

    private static IEnumerable<Node> Children(Node node) => Node.ChildrenOf(node);

    private static object? MakeRange(object? start, bool startIncluded, object? end, bool endIncluded, FeelEvaluation ev)
    {
        if (start is not null && end is not null && (start.GetType() != end.GetType() || FeelSemantics.Compare(start, end) is null))
            return ev.Null($"a range from {FeelSemantics.TypeName(start)} to {FeelSemantics.TypeName(end)}");
        if (start is not null && end is not null && FeelSemantics.Compare(start, end) > 0)
            return ev.Null("a range whose start lies after its end");
        if (start is not null && !RangeFunctions.IsOrdered(start) || end is not null && !RangeFunctions.IsOrdered(end))
            return ev.Null("a range needs ordered endpoints");
        return new FeelRange(start, startIncluded, end, endIncluded);
    }

    private Evaluator CompileContext(ContextNode c)
    {
        var entries = c.Entries.Select(e => (e.Key, Value: Compile(e.Value))).ToArray();
        return s =>
        {
            var context = new FeelContext();
            var inner = s.With(context);
            foreach (var (key, value) in entries)
            {
                if (context.ContainsKey(key)) return s.Evaluation.Null($"the context has the key '{key}' twice");
                context.Set(key, value(inner));
            }
            return context;
        };
    }

    private Evaluator CompileFor(ForNode f)
    {
        var iterations = f.Iterations.Select(i => (i.Name, Source: Compile(i.Source), End: i.RangeEnd is null ? null : Compile(i.RangeEnd))).ToArray();
        var body = Compile(f.Body);
        var usesPartial = Mentions(f.Body, "partial");
        return s =>
        {
            var results = new List<object?>();
            return Iterate(s, 0) ? results.ToArray() : null;

            bool Iterate(Scope scope, int level)
            {
                if (level == iterations.Length)
                {
                    // partial: the results so far, a view (the list only grows), not a copy per item.
                    results.Add(body(usesPartial ? scope.With("partial", new Partial(results, results.Count)) : scope));
                    return true;
                }
                var (name, source, end) = iterations[level];
                var from = source(scope);
                // Iterating over nothing valid (an invalid range is null) is an error, not an empty loop.
                if (from is null) return false;
                var items = Items(from, end?.Invoke(scope), scope.Evaluation);
                if (items is null) return false;
                foreach (var item in items)
                    if (!scope.Evaluation.Iterate() || !Iterate(scope.With(name, item), level + 1)) return false;
                return true;
            }
        };
    }

    /// <summary>True when <paramref name="node"/> reads the name <paramref name="name"/> (or a path from it) anywhere.</summary>
    private static bool Mentions(Node node, string name) => node switch
    {
        NameNode n => n.Name == name || n.Name.StartsWith(name + ".", StringComparison.Ordinal),
        _ => Children(node).Any(c => Mentions(c, name)),
    };

    /// <summary>The first <paramref name="count"/> items of a list that only grows: what <c>partial</c> held at that item.</summary>
    private sealed class Partial(List<object?> items, int count) : IReadOnlyList<object?>
    {
        public object? this[int index] => (uint)index < (uint)count ? items[index] : throw new ArgumentOutOfRangeException(nameof(index));
        public int Count => count;

        public IEnumerator<object?> GetEnumerator()
        {
            for (var i = 0; i < count; i++) yield return items[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>What an iteration walks: a list, the integers of <c>a..b</c> (either direction), or a single value as a one-item list.</summary>
    private static IEnumerable<object?>? Items(object? source, object? end, FeelEvaluation ev)
    {
        if (end is not null || source is FeelRange)
        {
            object? from = source, to = end;
            if (source is FeelRange r)
            {
                if (r.Start is not decimal rs || r.End is not decimal re) return ev.Null("only ranges of integers can be iterated") as IEnumerable<object?>;
                from = r.StartIncluded ? rs : rs + 1;
                to = r.EndIncluded ? re : re - 1;
            }
            if (from is LocalDate da && to is LocalDate db) return Days(da, db);
            if (from is not decimal a || to is not decimal b || a != decimal.Truncate(a) || b != decimal.Truncate(b))
                return ev.Null("a..b needs whole numbers or dates") as IEnumerable<object?>;
            return Count(a, b);
        }
        return source switch
        {
            IReadOnlyList<object?> list => list,
            null => [],
            _ => [source],
        };

        static IEnumerable<object?> Days(LocalDate a, LocalDate b)
        {
            var step = a <= b ? 1 : -1;
            for (var d = a; step > 0 ? d <= b : d >= b; d = d.PlusDays(step)) yield return d;
        }

        static IEnumerable<object?> Count(decimal a, decimal b)
        {
            var step = a <= b ? 1 : -1;
            for (var i = a; step > 0 ? i <= b : i >= b; i += step) yield return i;
        }
    }

    private Evaluator CompileQuantified(QuantifiedNode q)
    {
        var iterations = q.Iterations.Select(i => (i.Name, Source: Compile(i.Source), End: i.RangeEnd is null ? null : Compile(i.RangeEnd))).ToArray();
        var condition = Compile(q.Condition);
        var every = q.Every;
        return s =>
        {
            bool sawNull = false, exhausted = false;
            var decided = Walk(s, 0);
            if (exhausted) return null; // the evaluation's loops walked too many items (a warning says so)
            if (decided) return !every;
            return sawNull ? null : every;

            // True when one binding decides the answer (some: a true; every: a false).
            bool Walk(Scope scope, int level)
            {
                if (level == iterations.Length)
                {
                    var r = condition(scope) as bool?;
                    if (r is null) { sawNull = true; return false; }
                    return every ? r == false : r == true;
                }
                var (name, source, end) = iterations[level];
                var items = Items(source(scope), end?.Invoke(scope), scope.Evaluation) ?? [];
                foreach (var item in items)
                {
                    if (!scope.Evaluation.Iterate()) { exhausted = true; return true; } // ends every level of the walk
                    if (Walk(scope.With(name, item), level + 1)) return true;
                }
                return false;
            }
        };
    }

    private Evaluator CompileFilter(FilterNode f)
    {
        var target = Compile(f.Target);
        var filter = Compile(f.Filter);
        var constantIndex = f.Filter is LiteralNode { Value: decimal } || f.Filter is NegateNode { Operand: LiteralNode { Value: decimal } };
        return s =>
        {
            var value = target(s);
            if (value is null) return null;
            if (value is FeelContext ctx && !constantIndex)
            {
                // A context filtered is the one-item list of it.
                value = new object?[] { ctx };
            }
            var list = value as IReadOnlyList<object?> ?? [value];
            if (constantIndex || list.Count == 0)
            {
                if (list.Count == 0) return constantIndex ? null : Array.Empty<object?>();
                return Index(list, filter(s), s.Evaluation);
            }
            var results = new List<object?>();
            for (var i = 0; i < list.Count; i++)
            {
                var item = list[i];
                var inner = s.With("item", item);
                if (item is FeelContext c) inner = inner.With(c);
                var r = filter(inner);
                if (i == 0 && r is decimal) return Index(list, filter(s), s.Evaluation);
                if (r is true) results.Add(item);
            }
            return results.ToArray();
        };
    }

    private static object? Index(IReadOnlyList<object?> list, object? index, FeelEvaluation ev)
    {
        if (index is not decimal d || d != decimal.Truncate(d)) return ev.Null("a list index must be a whole number");
        if (Math.Abs(d) > list.Count) return ev.Null($"index {d} is outside the list of {list.Count}"); // also past int's range
        var i = (int)d;
        if (i > 0 && i <= list.Count) return list[i - 1];
        if (i < 0 && -i <= list.Count) return list[list.Count + i];
        return ev.Null($"index {i} is outside the list of {list.Count}");
    }

    private Evaluator CompileInvocation(InvocationNode inv)
    {
        var target = Compile(inv.Target);
        var name = inv.Target is NameNode n ? n.Name : "function";
        if (inv.Named is { } named)
        {
            var args = named.Select(a => (a.Key, Value: Compile(a.Value))).ToArray();
            return s =>
            {
                if (target(s) is not FeelFunction fn) return s.Evaluation.Null($"'{name}' is not a function");
                var values = args.Select(a => new KeyValuePair<string, object?>(a.Key, a.Value(s))).ToArray();
                return fn.InvokeNamed(s.Evaluation, values);
            };
        }
        var positional = inv.Positional.Select(Compile).ToArray();
        return s =>
        {
            if (target(s) is not FeelFunction fn) return s.Evaluation.Null($"'{name}' is not a function");
            var values = new object?[positional.Length];
            for (var i = 0; i < values.Length; i++) values[i] = positional[i](s);
            return fn.Invoke(s.Evaluation, values);
        };
    }

    private Evaluator CompileFunction(FunctionNode fn)
    {
        if (fn.External)
        {
            var offset = fn.Offset;
            return s => s.Evaluation.Null("external (Java/PMML) functions are not supported");
        }
        var body = Compile(fn.Body);
        var parameters = fn.Parameters;
        var checks = parameters.Select(p => p.Type is null ? null : types.Checker(p.Type)).ToArray();
        return s => new UserFunction(parameters, checks, body, s);
    }

    private sealed class UserFunction(IReadOnlyList<Parameter> parameters, Func<object?, object?>?[] checks, Evaluator body, Scope closure) : FeelFunction
    {
        public override IReadOnlyList<IReadOnlyList<string>> Signatures { get; } = [parameters.Select(p => p.Name).ToArray()];

        public override object? Invoke(FeelEvaluation evaluation, IReadOnlyList<object?> arguments)
        {
            if (arguments.Count != parameters.Count) return evaluation.Null($"the function takes {parameters.Count} arguments, not {arguments.Count}");
            // 500 calls deep, or less when the thread's stack runs short (a StackOverflowException would end the process).
            if (evaluation.Depth > 500 || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
                return evaluation.Null("functions call each other too deeply");
            var values = new Dictionary<string, object?>(parameters.Count, StringComparer.Ordinal);
            for (var i = 0; i < parameters.Count; i++)
            {
                var arg = arguments[i];
                if (checks[i] is { } check && arg is not null && check(arg) is not true)
                {
                    // A one-item list is its item, and an item a one-item list, where the type asks (DMN 1.5 §10.3.2.9.4).
                    if (arg is IReadOnlyList<object?> { Count: 1 } single && check(single[0]) is true) arg = single[0];
                    else if (check(new object?[] { arg }) is true) arg = new object?[] { arg };
                    else return evaluation.Null($"argument '{parameters[i].Name}' is {FeelSemantics.TypeName(arg)}, not {parameters[i].Type}");
                }
                values[parameters[i].Name] = arg;
            }
            var scope = closure.Evaluation == evaluation ? closure.With(values) : Scope.Root(evaluation).With(values);
            if (closure.Evaluation != evaluation) scope = new Rebased(closure, evaluation).With(values);
            evaluation.Depth++;
            try { return body(scope); }
            finally { evaluation.Depth--; }
        }
    }

    /// <summary>A closure called in another evaluation (a function value kept in a variable): its names, the caller's warnings.</summary>
    private sealed class Rebased(Scope closure, FeelEvaluation evaluation) : Scope(null, evaluation)
    {
        protected override bool TryGetHere(string name, out object? value) => closure.TryLookup(name, out value);
    }
}

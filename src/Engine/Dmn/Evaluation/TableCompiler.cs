using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Compiling;
using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Dmn.Evaluation;

/// <summary>
/// Compiles a decision table (DMN 1.5 §8): input expressions and every rule's input entries (unary tests) and output
/// entries once; evaluating reads each input once, tests the rules in order (a rule stops at its first failing entry),
/// and applies the hit policy. A violated policy (two matches under UNIQUE, differing outputs under ANY) is an error
/// naming the rules.
/// </summary>
internal sealed class TableCompiler(BoxedCompiler compiler, DecisionModel model)
{
    private sealed record CompiledRule(string Id, CompiledUnaryTests?[] Tests, Func<Scope, object?>[] Outputs, bool Broken);

    public Func<Scope, object?> Compile(DecisionTable table)
    {
        // Camunda Modeler writes an empty input expression with camunda:inputVariable naming the variable to read.
        var inputs = table.Inputs.Select(i => string.IsNullOrWhiteSpace(i.Expression.Text) && i.InputVariable is { Length: > 0 } v
            ? compiler.Literal(i.Expression with { Text = v })
            : compiler.Literal(i.Expression)).ToArray();
        var inputVariables = table.Inputs.Select(i => i.InputVariable is { Length: > 0 } v ? v : null).ToArray();
        var inputNames = table.Inputs.Select(i => i.Label ?? (string.IsNullOrWhiteSpace(i.Expression.Text) ? i.InputVariable ?? "" : i.Expression.Text.Trim())).ToArray();
        var inputValues = table.Inputs.Select(i => string.IsNullOrWhiteSpace(i.InputValues) ? null : compiler.UnaryTests(i, i.InputValues!)).ToArray();
        var outputNames = table.Outputs.Select((o, i) => o.Name ?? (table.Outputs.Count == 1 ? "" : $"output{i + 1}")).ToArray();
        var outputTypes = table.Outputs.Select(o => o.TypeRef).ToArray();
        var priorities = table.Outputs.Select(o => string.IsNullOrWhiteSpace(o.OutputValues) ? null : SplitTests(o.OutputValues!).Select(t => compiler.UnaryTests(o, t)).ToArray()).ToArray();
        var defaults = table.Outputs.Select(o => o.DefaultOutput is null ? null : compiler.Literal(o.DefaultOutput)).ToArray();
        var rules = table.Rules.Select((r, index) =>
        {
            var tests = r.InputEntries.Select(e => compiler.UnaryTests(e) is { IsAny: false } t ? t : null).ToArray();
            var broken = r.InputEntries.Any(e => !string.IsNullOrWhiteSpace(e.Text) && compiler.UnaryTests(e) is null);
            var outs = r.OutputEntries.Select(compiler.Literal).ToArray();
            return new CompiledRule(r.Id ?? $"rule {index + 1}", tests, outs, broken);
        }).ToArray();
        if (table.Outputs.Count > 1 && table.Aggregation != Aggregation.None)
            compiler.Error(table, $"decision table '{table.Id}': an aggregation ({table.Aggregation}) needs a single output");
        var policy = table.HitPolicy;
        var aggregation = table.Aggregation;
        var singleOutput = table.Outputs.Count == 1;
        var tableId = table.Id;

        return scope =>
        {
            var ev = scope.Evaluation;
            var run = BoxedCompiler.Run(scope);
            var trace = run is not null ? new TableTrace() : null;
            if (run is not null) run.CurrentTable = trace;
            var values = new object?[inputs.Length];
            for (var i = 0; i < inputs.Length; i++)
            {
                values[i] = inputs[i](scope);
                trace?.Inputs.Add(new(inputNames[i], values[i]));
                if (inputValues[i] is { } allowed && values[i] is not null && allowed.Test(scope, values[i]) != true)
                    return BoxedCompiler.Fail(scope, $"decision table '{tableId}': input '{inputNames[i]}' is {FeelFormat.Format(values[i])}, not one of {table.Inputs[i].InputValues}");
            }
            var matched = new List<CompiledRule>();
            foreach (var rule in rules)
            {
                if (rule.Broken) continue;
                var hit = true;
                for (var i = 0; i < rule.Tests.Length && i < values.Length; i++)
                {
                    var test = rule.Tests[i];
                    if (test is null) continue;
                    var entryScope = inputVariables[i] is { } name ? scope.With(name, values[i]) : scope;
                    if (test.Test(entryScope, values[i]) != true) { hit = false; break; }
                }
                if (!hit) continue;
                matched.Add(rule);
                if (policy == HitPolicy.First) break;
            }
            trace?.MatchedRules.AddRange(matched.Select(r => r.Id));

            if (matched.Count == 0)
            {
                if (defaults.All(d => d is null)) return policy == HitPolicy.Collect && aggregation == Aggregation.Count ? 0m : policy is HitPolicy.Collect or HitPolicy.RuleOrder or HitPolicy.OutputOrder && aggregation == Aggregation.None ? null : null;
                return Output(defaults.Select(d => d?.Invoke(scope)).ToArray());
            }

            object?[][] results = matched.Select(r => r.Outputs.Select((o, i) => Conform(o(scope), i, ev)).ToArray()).ToArray();
            switch (policy)
            {
                case HitPolicy.Unique:
                    if (matched.Count > 1) return BoxedCompiler.Fail(scope, $"decision table '{tableId}' has hit policy UNIQUE but rules {string.Join(", ", matched.Select(r => r.Id))} matched");
                    return Output(results[0]);
                case HitPolicy.Any:
                    for (var i = 1; i < results.Length; i++)
                        if (!SameOutputs(results[0], results[i]))
                            return BoxedCompiler.Fail(scope, $"decision table '{tableId}' has hit policy ANY but rules {matched[0].Id} and {matched[i].Id} give different outputs");
                    return Output(results[0]);
                case HitPolicy.First:
                    return Output(results[0]);
                case HitPolicy.Priority:
                {
                    var best = Enumerable.Range(0, results.Length).OrderBy(i => PriorityKey(results[i], scope), KeyComparer.Instance).First();
                    return Output(results[best]);
                }
                case HitPolicy.RuleOrder:
                    return results.Select(Output).ToArray();
                case HitPolicy.OutputOrder:
                    return Enumerable.Range(0, results.Length).OrderBy(i => PriorityKey(results[i], scope), KeyComparer.Instance).Select(i => Output(results[i])).ToArray();
                default:
                {
                    var outputs = results.Select(Output).ToArray();
                    switch (aggregation)
                    {
                        case Aggregation.Count: return (decimal)outputs.Length;
                        case Aggregation.Sum:
                        {
                            var nonNull = outputs.Where(o => o is not null).ToArray();
                            if (nonNull.Length == 0) return null;
                            if (nonNull.Any(o => o is not decimal)) return BoxedCompiler.Fail(scope, $"decision table '{tableId}': SUM of values that are not numbers");
                            return nonNull.Cast<decimal>().Sum();
                        }
                        case Aggregation.Min or Aggregation.Max:
                        {
                            var nonNull = outputs.Where(o => o is not null).ToArray();
                            if (nonNull.Length == 0) return null;
                            var best = nonNull[0];
                            foreach (var o in nonNull.Skip(1))
                            {
                                var c = FeelSemantics.Compare(o, best);
                                if (c is null) return BoxedCompiler.Fail(scope, $"decision table '{tableId}': {aggregation} of values that cannot be compared");
                                if (aggregation == Aggregation.Min ? c < 0 : c > 0) best = o;
                            }
                            return best;
                        }
                        default: return outputs;
                    }
                }
            }
        };

        object? Conform(object? value, int output, FeelEvaluation ev) =>
            outputTypes[output] is { } t ? model.Types.Conform(value, t, ev, $"output '{outputNames[output]}'") : value;

        object? Output(object?[] values) => singleOutput
            ? values[0]
            : FeelContext.From(outputNames.Select((n, i) => new KeyValuePair<string, object?>(n, values[i])));

        int[] PriorityKey(object?[] values, Scope scope)
        {
            var key = new int[values.Length];
            for (var o = 0; o < values.Length; o++)
            {
                var tests = priorities[o];
                if (tests is null) continue;
                var index = Array.FindIndex(tests, t => t?.Test(scope, values[o]) == true);
                key[o] = index < 0 ? int.MaxValue : index;
            }
            return key;
        }
    }

    private static bool SameOutputs(object?[] a, object?[] b)
    {
        for (var i = 0; i < a.Length; i++)
            if (FeelSemantics.Equal(a[i], b[i]) != true) return false;
        return true;
    }

    private sealed class KeyComparer : IComparer<int[]>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(int[]? x, int[]? y)
        {
            for (var i = 0; i < x!.Length; i++)
            {
                var c = x[i].CompareTo(y![i]);
                if (c != 0) return c;
            }
            return 0;
        }
    }

    /// <summary>Splits a list of unary tests at its top-level commas (not inside strings, brackets or parentheses).</summary>
    internal static List<string> SplitTests(string text)
    {
        var parts = new List<string>();
        var depth = 0;
        var inString = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c)
            {
                case '"': inString = true; break;
                case '(' or '[' or '{': depth++; break;
                case ')' or ']' or '}': depth--; break;
                case ',' when depth == 0:
                    parts.Add(text[start..i].Trim());
                    start = i + 1;
                    break;
            }
        }
        parts.Add(text[start..].Trim());
        return parts.Where(p => p.Length > 0).ToList();
    }
}

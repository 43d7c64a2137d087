using System.Buffers;
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
    /// <summary>A rule: its tests (only the entries that test something, with their input's index), outputs and id.</summary>
    private sealed record CompiledRule(string Id, int[] Inputs, Tester[] Tests, Func<Scope, object?>[] Outputs, bool Broken);

    public Func<Scope, object?> Compile(DecisionTable table)
    {
        var inputCount = table.Inputs.Count;
        var inputs = new Func<Scope, object?>[inputCount];
        var inputVariables = new string?[inputCount];
        var inputNames = new string[inputCount];
        var inputValues = new CompiledUnaryTests?[inputCount];
        for (var i = 0; i < inputCount; i++)
        {
            var input = table.Inputs[i];
            // Camunda Modeler writes an empty input expression with camunda:inputVariable naming the variable to read.
            inputs[i] = string.IsNullOrWhiteSpace(input.Expression.Text) && input.InputVariable is { Length: > 0 } v
                ? compiler.Literal(input.Expression with { Text = v })
                : compiler.Literal(input.Expression);
            inputVariables[i] = input.InputVariable is { Length: > 0 } name ? name : null;
            inputNames[i] = input.Label ?? (string.IsNullOrWhiteSpace(input.Expression.Text) ? input.InputVariable ?? "" : input.Expression.Text.Trim());
            inputValues[i] = string.IsNullOrWhiteSpace(input.InputValues) ? null : compiler.UnaryTests(input, input.InputValues!);
        }
        var outputCount = table.Outputs.Count;
        var outputNames = new string[outputCount];
        var conformers = new Func<object?, FeelEvaluation, object?>?[outputCount];
        var priorities = new CompiledUnaryTests?[]?[outputCount];
        var defaults = new Func<Scope, object?>?[outputCount];
        for (var o = 0; o < outputCount; o++)
        {
            var output = table.Outputs[o];
            outputNames[o] = output.Name ?? (outputCount == 1 ? "" : $"output{o + 1}");
            conformers[o] = model.Types.Conformer(output.TypeRef, $"output '{outputNames[o]}'");
            priorities[o] = string.IsNullOrWhiteSpace(output.OutputValues) ? null : SplitTests(output.OutputValues!).Select(t => compiler.UnaryTests(output, t)).ToArray();
            defaults[o] = output.DefaultOutput is null ? null : compiler.Literal(output.DefaultOutput);
        }
        var noDefaults = Array.TrueForAll(defaults, d => d is null);
        var rules = new CompiledRule[table.Rules.Count];
        for (var r = 0; r < rules.Length; r++)
        {
            var rule = table.Rules[r];
            var tested = new List<int>();
            var tests = new List<Tester>();
            var broken = false;
            for (var i = 0; i < rule.InputEntries.Count; i++)
            {
                var entry = rule.InputEntries[i];
                var compiled = compiler.UnaryTests(entry);
                if (compiled is null) broken |= !string.IsNullOrWhiteSpace(entry.Text);
                // An entry beyond the table's inputs tests nothing (the checker reports the table).
                else if (!compiled.IsAny && i < inputCount) { tested.Add(i); tests.Add(compiled.Tester); }
            }
            rules[r] = new CompiledRule(rule.Id ?? $"rule {r + 1}", [.. tested], [.. tests], rule.OutputEntries.Select(compiler.Literal).ToArray(), broken);
        }
        if (outputCount > 1 && table.Aggregation != Aggregation.None)
            compiler.Error(table, $"decision table '{table.Id}': an aggregation ({table.Aggregation}) needs a single output");
        var policy = table.HitPolicy;
        var aggregation = table.Aggregation;
        var singleOutput = outputCount == 1;
        var tableId = table.Id;
        var usesInputVariables = Array.Exists(inputVariables, v => v is not null);

        return scope =>
        {
            var ev = scope.Evaluation;
            var run = BoxedCompiler.Run(scope);
            var values = new object?[inputCount];
            TableTrace? trace = null;
            if (run is not null) run.CurrentTable = trace = new TableTrace(inputNames, values);
            for (var i = 0; i < inputCount; i++)
            {
                var value = values[i] = inputs[i](scope);
                if (trace is not null) trace.InputCount = i + 1;
                if (inputValues[i] is { } allowed && value is not null && allowed.Test(scope, value) != true)
                    return BoxedCompiler.Fail(scope, $"decision table '{tableId}': input '{inputNames[i]}' is {FeelFormat.Format(value)}, not one of {table.Inputs[i].InputValues}");
            }
            Scope[]? entryScopes = null;
            if (usesInputVariables)
            {
                entryScopes = new Scope[inputCount];
                for (var i = 0; i < inputCount; i++) entryScopes[i] = inputVariables[i] is { } name ? scope.With(name, values[i]) : scope;
            }

            // Rules in order; a rule stops at its first entry that is not true. FIRST stops at the first match.
            var buffer = ArrayPool<int>.Shared.Rent(rules.Length == 0 ? 1 : rules.Length);
            try
            {
                var count = 0;
                for (var r = 0; r < rules.Length; r++)
                {
                    var rule = rules[r];
                    if (rule.Broken) continue;
                    // The rule's entries that test something, in column order, until one is not true.
                    var tests = rule.Tests;
                    var columns = rule.Inputs;
                    var hit = true;
                    for (var k = 0; k < tests.Length; k++)
                    {
                        var i = columns[k];
                        if (tests[k](entryScopes is null ? scope : entryScopes[i], values[i]) != true) { hit = false; break; }
                    }
                    if (!hit) continue;
                    buffer[count++] = r;
                    if (policy == HitPolicy.First) break;
                }
                if (trace is not null && count > 0)
                {
                    var ids = new string[count];
                    for (var m = 0; m < count; m++) ids[m] = rules[buffer[m]].Id;
                    trace.MatchedRules = ids;
                }
                return Decide(scope, ev, buffer, count);
            }
            finally
            {
                ArrayPool<int>.Shared.Return(buffer);
            }
        };

        object? Decide(Scope scope, FeelEvaluation ev, int[] matchedIndexes, int count)
        {
            if (count == 0)
            {
                if (noDefaults) return policy == HitPolicy.Collect && aggregation == Aggregation.Count ? 0m : null;
                var fallback = new object?[outputCount];
                for (var o = 0; o < outputCount; o++) fallback[o] = defaults[o]?.Invoke(scope);
                return Output(fallback);
            }
            if (policy == HitPolicy.Collect && aggregation != Aggregation.None && singleOutput)
                return Aggregate(scope, ev, matchedIndexes, count);
            if (count == 1)
            {
                // One rule matched: every policy gives its output (a list of one under the multi-hit policies).
                var only = Output(Outputs(rules[matchedIndexes[0]], scope, ev));
                return policy is HitPolicy.RuleOrder or HitPolicy.OutputOrder or HitPolicy.Collect ? new[] { only } : only;
            }
            var matched = new CompiledRule[count];
            for (var m = 0; m < count; m++) matched[m] = rules[matchedIndexes[m]];
            var results = new object?[count][];
            for (var m = 0; m < results.Length; m++) results[m] = Outputs(matched[m], scope, ev);
            switch (policy)
            {
                case HitPolicy.Unique:
                    return BoxedCompiler.Fail(scope, $"decision table '{tableId}' has hit policy UNIQUE but rules {string.Join(", ", matched.Select(r => r.Id))} matched");
                case HitPolicy.Any:
                    for (var i = 1; i < results.Length; i++)
                        if (!SameOutputs(results[0], results[i]))
                            return BoxedCompiler.Fail(scope, $"decision table '{tableId}' has hit policy ANY but rules {matched[0].Id} and {matched[i].Id} give different outputs");
                    return Output(results[0]);
                case HitPolicy.Priority:
                    return Output(results[ByPriority(results, scope)[0]]);
                case HitPolicy.RuleOrder:
                    return AllOutputs(results);
                case HitPolicy.OutputOrder:
                {
                    var order = ByPriority(results, scope);
                    var list = new object?[order.Length];
                    for (var i = 0; i < order.Length; i++) list[i] = Output(results[order[i]]);
                    return list;
                }
                default:
                    return AllOutputs(results);
            }
        }

        // COLLECT with an aggregation over a single output: each matched rule's output is read and folded in, nothing kept.
        object? Aggregate(Scope scope, FeelEvaluation ev, int[] matchedIndexes, int count)
        {
            var conform = conformers.Length > 0 ? conformers[0] : null;
            if (aggregation == Aggregation.Count)
            {
                // Counted, but still evaluated: an output's warnings belong in the audit.
                for (var m = 0; m < count; m++) _ = Single(rules[matchedIndexes[m]]);
                return (decimal)count;
            }
            decimal sum = 0;
            var summed = false;
            object? best = null;
            for (var m = 0; m < count; m++)
            {
                var o = Single(rules[matchedIndexes[m]]);
                if (o is null) continue;
                if (aggregation == Aggregation.Sum)
                {
                    if (o is not decimal d) return BoxedCompiler.Fail(scope, $"decision table '{tableId}': SUM of values that are not numbers");
                    if (!TryAdd(ref sum, d)) return BoxedCompiler.Fail(scope, $"decision table '{tableId}': the SUM is out of range");
                    summed = true;
                    continue;
                }
                if (best is null) { best = o; continue; }
                var c = FeelSemantics.Compare(o, best);
                if (c is null) return BoxedCompiler.Fail(scope, $"decision table '{tableId}': {aggregation} of values that cannot be compared");
                if (aggregation == Aggregation.Min ? c < 0 : c > 0) best = o;
            }
            return aggregation == Aggregation.Sum ? summed ? sum : null : best;

            object? Single(CompiledRule rule)
            {
                if (rule.Outputs.Length == 0) return null;
                var value = rule.Outputs[0](scope);
                return conform is null ? value : conform(value, ev);
            }
        }

        object?[] Outputs(CompiledRule rule, Scope scope, FeelEvaluation ev)
        {
            var values = new object?[rule.Outputs.Length];
            for (var o = 0; o < values.Length; o++)
            {
                var value = rule.Outputs[o](scope);
                values[o] = o < conformers.Length && conformers[o] is { } conform ? conform(value, ev) : value;
            }
            return values;
        }

        object? Output(object?[] values)
        {
            if (singleOutput) return values[0];
            var entries = new KeyValuePair<string, object?>[outputNames.Length];
            for (var o = 0; o < entries.Length; o++) entries[o] = new(outputNames[o], o < values.Length ? values[o] : null);
            return FeelContext.From(entries);
        }

        object?[] AllOutputs(object?[][] results)
        {
            var list = new object?[results.Length];
            for (var i = 0; i < list.Length; i++) list[i] = Output(results[i]);
            return list;
        }

        // Indexes of the results, best first: by the position of each output's value in its output values, output by output.
        int[] ByPriority(object?[][] results, Scope scope)
        {
            var keys = new int[results.Length][];
            var order = new int[results.Length];
            for (var i = 0; i < results.Length; i++)
            {
                order[i] = i;
                keys[i] = new int[results[i].Length];
                for (var o = 0; o < results[i].Length; o++)
                {
                    var tests = o < priorities.Length ? priorities[o] : null;
                    if (tests is null) continue;
                    var index = Array.FindIndex(tests, t => t?.Test(scope, results[i][o]) == true);
                    keys[i][o] = index < 0 ? int.MaxValue : index;
                }
            }
            // A stable sort: rules with the same priority keep their order.
            return [.. order.OrderBy(i => keys[i], KeyComparer.Instance)];
        }
    }

    private static bool TryAdd(ref decimal sum, decimal d)
    {
        try
        {
            sum += d;
            return true;
        }
        catch (OverflowException)
        {
            return false;
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

using System.Text.Json.Nodes;
using EGov.Workflows.Expressions;
using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Compiling;
using EGov.Workflows.Feel.Syntax;
using EGov.Workflows.Feel.Values;
using NodaTime;

namespace EGov.Workflows.Runtime.Decisions;

/// <summary>
/// FEEL as an expression language in BPMN: a condition with <c>language="feel"</c> or written as Camunda 8 does
/// (<c>= amount &gt; 100</c>) is evaluated by the DMN engine's FEEL, over the process variables (converted from JSON when
/// read). A syntax error is a script error (an incident), with the column in the expression.
/// </summary>
internal static class FeelExpressions
{
    public static Func<string, IVariableScope, JsonNode?> Evaluator(IClock clock, DateTimeZone zone, Time.FristFunctions? fristen = null) => (text, variables) =>
    {
        CompiledExpression compiled;
        try { compiled = FeelEngine.Default.CompileExpression(text); }
        catch (FeelSyntaxException e) { throw new ScriptException($"FEEL expression '{text.Trim()}': {e.Message}"); }
        var evaluation = new FeelEvaluation(clock, zone);
        var value = compiled.Evaluate(new VariablesScope(variables, evaluation, fristen));
        return FeelJson.ToJson(value);
    };

    private sealed class VariablesScope(IVariableScope variables, FeelEvaluation evaluation, Time.FristFunctions? fristen) : Scope(null, evaluation)
    {
        protected override bool TryGetHere(string name, out object? value)
        {
            if (variables.TryGetVariable(name, out var json))
            {
                value = FeelJson.FromJson(json);
                return true;
            }
            // The Frist functions (frist, bekanntgabe, …) after the variables: a variable of the same name wins.
            if (fristen is not null && FristExpressionFunctions.ForFeel(fristen, name) is { } function)
            {
                value = function;
                return true;
            }
            value = null;
            return false;
        }
    }
}

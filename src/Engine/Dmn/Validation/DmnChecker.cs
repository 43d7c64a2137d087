using EGov.Workflows.Dmn.Evaluation;
using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Feel;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Dmn.Validation;

/// <summary>
/// Checks a read model: ids unique, requirements point at elements that exist, every FEEL text compiles (an error
/// names the element's position and the column in the expression), and literal output entries lie within their
/// output's allowed values.
/// </summary>
internal sealed class DmnChecker(DmnDefinitions definitions, DiagnosticBag bag)
{
    public void Check()
    {
        var ids = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        foreach (var e in definitions.Source.Descendants())
        {
            if (e.Id is not { } id || !DmnNamespaces.IsModel(e.Name.Namespace)) continue;
            if (!ids.TryAdd(id, e.Position)) bag.Error(e.Position, $"id '{id}' is used twice (first at line {ids[id].Line})");
        }
        foreach (var d in definitions.Decisions)
        {
            foreach (var r in d.RequiredDecisions.Concat(d.RequiredInputs).Concat(d.RequiredKnowledge)) CheckReference(d, r);
            if (string.IsNullOrWhiteSpace(d.Name)) bag.Error(d.Position, $"decision '{d.Id}' has no name");
        }
        foreach (var s in definitions.DecisionServices)
            foreach (var r in s.OutputDecisions.Concat(s.EncapsulatedDecisions).Concat(s.InputDecisions).Concat(s.InputData)) CheckReference(s, r);

        // Compiling reports every FEEL syntax error with its element; imports are checked when deployed together.
        var model = DecisionModel.Compile(definitions);
        foreach (var error in model.Errors)
        {
            if (error.Message.StartsWith("imported model", StringComparison.Ordinal)) { bag.Warning(error.Element?.Position ?? SourcePosition.None, error.Message); continue; }
            var where = error.Element?.Id is { } id ? $" in '{id}'" : "";
            var text = error.Expression is { } x ? $": {x.Trim()}" : "";
            bag.Error(error.Element?.Position ?? SourcePosition.None, error.Message + where + text);
        }
        foreach (var table in definitions.Source.Descendants().Where(e => e.Name.LocalName == "decisionTable"))
            CheckOutputValues(table);
    }

    private void CheckReference(DmnElement owner, DmnReference r)
    {
        if (r.Namespace is not null && r.Namespace != definitions.Namespace) return;
        if (definitions.FindById(r.Id) is null)
            bag.Error(owner.Position, $"'{owner.Id}' requires '{r.Href}', which is not in this model");
    }

    private void CheckOutputValues(EGov.Workflows.Model.BpmnElement tableElement)
    {
        var table = FindTable(tableElement);
        if (table is null) return;
        for (var o = 0; o < table.Outputs.Count; o++)
        {
            var allowedText = table.Outputs[o].OutputValues;
            if (string.IsNullOrWhiteSpace(allowedText)) continue;
            CompiledUnaryTests allowed;
            try { allowed = FeelEngine.Default.CompileUnaryTests(allowedText); }
            catch (Feel.Syntax.FeelSyntaxException) { continue; }
            foreach (var rule in table.Rules)
            {
                if (o >= rule.OutputEntries.Count) continue;
                var entry = rule.OutputEntries[o];
                CompiledExpression compiled;
                try { compiled = FeelEngine.Default.CompileExpression(entry.Text); }
                catch (Feel.Syntax.FeelSyntaxException) { continue; }
                if (compiled.Syntax is not Feel.Syntax.LiteralNode { Value: not null } lit) continue;
                if (allowed.Test(lit.Value) != true)
                    bag.Error(entry.Position, $"rule '{rule.Id}': output {entry.Text.Trim()} is not one of the allowed values {allowedText.Trim()} of output '{table.Outputs[o].Name ?? table.Outputs[o].Label}'");
            }
        }
    }

    private DecisionTable? FindTable(EGov.Workflows.Model.BpmnElement element)
    {
        foreach (var d in definitions.Decisions)
            if (Find(d.Logic) is { } t) return t;
        foreach (var k in definitions.KnowledgeModels)
            if (Find(k.Logic) is { } t) return t;
        return null;

        DecisionTable? Find(BoxedExpression? e) => e switch
        {
            DecisionTable t when ReferenceEquals(t.Source, element) => t,
            FunctionDefinition f => Find(f.Body),
            DmnContext c => c.Entries.Select(x => Find(x.Value)).FirstOrDefault(x => x is not null),
            _ => null,
        };
    }
}

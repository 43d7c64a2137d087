using EGov.Workflows.Bpmn.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation;

/// <summary>Checks a model that was read: duplicate ids and every reference. Broken semantics are errors; what does not stop understanding the model is a warning.</summary>
internal sealed class ModelChecker(Definitions definitions, DiagnosticBag bag)
{
    public void Check()
    {
        var seen = new Dictionary<string, BpmnElement>(StringComparer.Ordinal);
        foreach (var e in definitions.IdentifiedElements())
        {
            if (seen.TryGetValue(e.Id!, out var first))
                bag.Error(e.Position, $"duplicate id '{e.Id}' ({e.Name.LocalName}); first used by {first.Name.LocalName} at line {first.Position.Line}");
            else seen[e.Id!] = e;
        }
        foreach (var flow in definitions.Descendants().OfType<SequenceFlow>())
        {
            Require<FlowNode>(flow, "sourceRef", flow.SourceRef);
            Require<FlowNode>(flow, "targetRef", flow.TargetRef);
        }
    }

    private void Require<T>(BpmnElement owner, string attribute, string? id) where T : BpmnElement
    {
        if (id is null) { bag.Error(owner.Position, $"{owner} has no {attribute}"); return; }
        var target = definitions.FindById(id);
        if (target is null) bag.Error(owner.Position, $"{owner}: {attribute} '{id}' does not exist");
        else if (target is not T) bag.Error(owner.Position, $"{owner}: {attribute} '{id}' is a {target.Name.LocalName}, expected a {typeof(T).Name}");
    }
}

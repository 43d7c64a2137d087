using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation.Executable;

/// <summary>
/// Automated work must be something this engine can run: an external task topic, one of our activities
/// (egov:activity), or a JavaScript script. Camunda's Java bindings cannot run here; we say so and what to use.
/// </summary>
internal static class ImplementationRules
{
    private const string Instead = "use camunda:type=\"external\" with camunda:topic, or egov:activity";
    /// <summary>Camunda 8 (Zeebe) extensions: recognised only to say that they cannot run here.</summary>
    private static readonly System.Xml.Linq.XNamespace Zeebe = "http://camunda.org/schema/zeebe/1.0";
    private static readonly string[] ScriptFormats = ["javascript", "js", "ecmascript"];

    public static void Check(BpmnElement e, DiagnosticBag bag)
    {
        // Camunda 7 reads the retry cycle only as an extension element; written as an attribute (a common slip when a model
        // is written by hand) it is ignored there and here, and failures silently take the default cycle.
        if (e.CamundaAttribute("failedJobRetryTimeCycle") is { } cycle)
            bag.Warning(e.Position, $"{CheckContext.Describe(e)}: the attribute camunda:failedJobRetryTimeCycle=\"{cycle}\" is ignored — the retry cycle is read only as the extension element <camunda:failedJobRetryTimeCycle>{cycle}</camunda:failedJobRetryTimeCycle> in extensionElements; without it a failure is tried 3 times, 5 minutes apart");
        switch (e)
        {
            case ImplementedTask task: CheckImplemented(task, bag); break;
            case ScriptTask script: CheckScript(script, bag); break;
            case CallActivity call when string.IsNullOrWhiteSpace(call.CalledElement):
                bag.Error(call.Position, $"{call} has no calledElement: name the process to call");
                break;
            case MultiInstanceLoopCharacteristics mi: CheckMultiInstance(mi, bag); break;
        }
    }

    private static void CheckImplemented(ImplementedTask task, DiagnosticBag bag)
    {
        if (!string.IsNullOrWhiteSpace(task.Attribute(Namespaces.Egov + "activity"))) return;
        if (task.IsExternal)
        {
            if (string.IsNullOrWhiteSpace(task.Topic))
                bag.Error(task.Position, $"{task} is an external task without camunda:topic");
            return;
        }
        if (task.CamundaAttribute("class") is { } cls)
            bag.Error(task.Position, $"{task} cannot run here: Java delegate class {cls.Trim()} — {Instead}");
        else if (task.CamundaAttribute("expression") is not null)
            bag.Error(task.Position, $"{task} cannot run here: camunda:expression is Java EL — {Instead}");
        else if (task.CamundaAttribute("delegateExpression") is not null)
            bag.Error(task.Position, $"{task} cannot run here: camunda:delegateExpression is Java EL — {Instead}");
        else if (task.CamundaAttribute("decisionRef") is { } decision)
        {
            // A business rule task evaluates a deployed DMN decision; the decision itself is found when the task runs.
            if (task is not BusinessRuleTask)
                bag.Error(task.Position, $"{task} cannot run here: camunda:decisionRef {decision.Trim()} belongs on a business rule task");
            else if (task.CamundaAttribute("mapDecisionResult") is { } map && map.Trim() is not ("singleEntry" or "singleResult" or "collectEntries" or "resultList"))
                bag.Error(task.Position, $"{task}: camunda:mapDecisionResult \"{map}\" is none of singleEntry, singleResult, collectEntries, resultList");
        }
        else if (task.Extensions(Zeebe + "taskDefinition").Any())
            bag.Error(task.Position, $"{task} cannot run here: zeebe:taskDefinition is Camunda 8 — {Instead}");
        else if (task.Extensions(Namespaces.Camunda + "connector").Any())
            bag.Error(task.Position, $"{task} cannot run here: camunda:connector — {Instead}");
        else
            bag.Error(task.Position, $"{task} has no implementation: {Instead}");
    }

    private static void CheckScript(ScriptTask task, DiagnosticBag bag)
    {
        var format = task.ScriptFormat?.Trim();
        if (string.IsNullOrEmpty(format))
            bag.Error(task.Position, $"{task} has no scriptFormat: use scriptFormat=\"javascript\"");
        else if (!ScriptFormats.Contains(format, StringComparer.OrdinalIgnoreCase))
            bag.Error(task.Position, $"{task} cannot run here: script format '{format}' — only JavaScript (javascript, js, ecmascript) runs here");
        if (string.IsNullOrWhiteSpace(task.Script) && task.CamundaAttribute("resource") is null)
            bag.Error(task.Position, $"{task} has no script");
    }

    private static void CheckMultiInstance(MultiInstanceLoopCharacteristics mi, DiagnosticBag bag)
    {
        if (mi.LoopCardinality is { IsEmpty: false } || mi.LoopDataInputRef is not null || !string.IsNullOrWhiteSpace(mi.CamundaCollection)) return;
        if (mi.Extensions(Zeebe + "loopCharacteristics").Any())
        {
            bag.Error(mi.Position, $"{CheckContext.Describe(mi)} cannot run here: zeebe:loopCharacteristics is Camunda 8 (FEEL) — use camunda:collection or loopCardinality");
            return;
        }
        bag.Error(mi.Position, $"{CheckContext.Describe(mi)} has neither loopCardinality nor a collection (loopDataInputRef or camunda:collection): the number of instances is unknown");
    }
}

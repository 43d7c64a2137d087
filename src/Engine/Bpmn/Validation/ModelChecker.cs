using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation;

/// <summary>
/// Checks a model that was read: duplicate ids and every reference, each reported with its position.
/// Broken semantics are errors; what does not stop understanding the model (a diagram shape pointing at a
/// missing element, an empty timer, a missing type) is a warning. calledElement is not checked: it names a
/// process that may live in another file.
/// </summary>
public sealed class ModelChecker(Definitions definitions, DiagnosticBag bag)
{
    public void Check()
    {
        var c = new CheckContext(definitions, bag);
        IdChecks.Run(c);
        StructureChecks.Run(c);
        FlowChecks.Run(c);
        EventChecks.Run(c);
        DataChecks.Run(c);
        CollaborationChecks.Run(c);
        DiagramChecks.Run(c);
    }
}

using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation.Executable;

/// <summary>
/// Checks what running a model needs, beyond consistent references: an executable process with a start
/// event, decidable branches, an implementation this engine can run for every automated task, known script
/// formats, parseable timers. Used by <c>egov validate --executable</c> and at deploy time.
/// Only executable processes are checked: a black-box pool or documentation process never runs.
/// </summary>
public static class ExecutableChecker
{
    public static void Check(Definitions definitions, DiagnosticBag bag)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(bag);
        var executable = definitions.Processes.Where(p => p.IsExecutable).ToList();
        if (executable.Count == 0)
        {
            bag.Error(definitions.Position, "no executable process: mark the process to run with isExecutable=\"true\"");
            return;
        }
        foreach (var process in executable)
        {
            if (!process.FlowElements.OfType<StartEvent>().Any())
                bag.Error(process.Position, $"{process} is executable but has no start event");
            foreach (var e in process.Descendants())
            {
                if (e.IsForeign || e.Ancestors().Any(a => a.IsForeign)) continue;
                BranchRules.Check(e, bag);
                ImplementationRules.Check(e, bag);
                EventRules.Check(e, bag);
            }
        }
    }
}

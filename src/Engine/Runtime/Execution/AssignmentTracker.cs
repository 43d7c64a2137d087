using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Runtime.Execution;

/// <summary>
/// Finds the user tasks that got an assignee in one command, whatever the path (the model's assignee at creation, a
/// claim through either API, an assignment, a delegation, a resolution back to the owner): it remembers each loaded
/// instance's assignees and compares at commit. Independent of the history level, so the outbox never misses one.
/// </summary>
internal sealed class AssignmentTracker
{
    private Dictionary<string, Dictionary<string, string?>>? _before;

    /// <summary>Remembers the assignees of an instance as the command loaded it (new instances start with none).</summary>
    public void Observe(ProcessInstanceState s)
    {
        if (s.UserTasks.Count == 0) return;
        _before ??= new(StringComparer.Ordinal);
        if (_before.ContainsKey(s.Id)) return;
        _before[s.Id] = s.UserTasks.ToDictionary(t => t.Id, t => t.Assignee, StringComparer.Ordinal);
    }

    /// <summary>Adds a <see cref="TaskAssignment"/> for every task whose assignee is new or another than before.</summary>
    public void Emit(IEnumerable<Inst> instances, string? actor, Instant now, RuntimeChangeSet changes)
    {
        foreach (var i in instances)
        {
            if (i.S.UserTasks.Count == 0 || i.S.IsEnded) continue;
            Dictionary<string, string?>? before = null;
            _before?.TryGetValue(i.Id, out before);
            foreach (var task in i.S.UserTasks)
            {
                if (task.Assignee is not { Length: > 0 } assignee) continue;
                string? was = null;
                var existed = before is not null && before.TryGetValue(task.Id, out was);
                if (existed && was == assignee) continue;
                var kind = !existed ? TaskAssignmentKind.Created
                    : task.DelegationState == DelegationState.Pending ? TaskAssignmentKind.Delegated
                    : TaskAssignmentKind.Assigned;
                changes.Assignments.Add(new TaskAssignment(i.NextId("ha"), i.S.TenantId, i.Id, task.Id, assignee, actor, kind, now));
            }
        }
    }
}

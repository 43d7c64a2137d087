using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime;

// External task locks (Camunda 7 semantics). The lock lives in the instance document; each operation checks the lock
// and changes it in one command, so a worker that lost its lock (or never held it) can change nothing.
public sealed partial class WorkflowEngine
{
    /// <summary>
    /// fetchAndLock for one task: locks it for the worker when it can be fetched now (not suspended, available, not
    /// locked by anyone or the lock expired). False when it cannot, or another command changed the instance meanwhile.
    /// </summary>
    public bool TryLockExternalTask(string externalTaskId, string workerId, Duration lockDuration)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        try
        {
            return Run(r =>
            {
                var (_, task) = External(r, externalTaskId);
                if (!IsFetchable(task, r.Now)) return false;
                task.LockOwner = workerId;
                task.LockExpiresAt = r.Now + lockDuration;
                return true;
            }, userId: workerId);
        }
        catch (Store.ConcurrencyConflictException)
        {
            return false;
        }
    }

    /// <summary>True when a worker may fetch the task at <paramref name="now"/>.</summary>
    public static bool IsFetchable(ExternalTaskState task, Instant now)
    {
        ArgumentNullException.ThrowIfNull(task);
        return !task.Suspended && task.AvailableAt <= now && (task.LockOwner is null || task.LockExpiresAt is not { } until || until <= now);
    }

    /// <summary>Camunda's /lock: locks (or re-locks) a task for a worker; refused while another worker's lock holds.</summary>
    public void LockExternalTask(string externalTaskId, string workerId, Duration lockDuration)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        Run(r =>
        {
            var (_, task) = External(r, externalTaskId);
            if (task.LockOwner is { } owner && owner != workerId && task.LockExpiresAt is { } until && until > r.Now)
                throw new ExternalTaskLockedException($"External Task {task.Id} cannot be locked by worker '{workerId}'. It is locked by worker '{owner}'.");
            task.LockOwner = workerId;
            task.LockExpiresAt = r.Now + lockDuration;
        }, userId: workerId);
    }

    /// <summary>The lock owner extends its unexpired lock to now + <paramref name="newDuration"/>.</summary>
    public void ExtendExternalTaskLock(string externalTaskId, string workerId, Duration newDuration)
    {
        ArgumentException.ThrowIfNullOrEmpty(workerId);
        Run(r =>
        {
            var (_, task) = External(r, externalTaskId);
            if (task.LockOwner is null || task.LockExpiresAt is not { } until || until <= r.Now)
                throw new ExternalTaskLockedException($"The lock of the External Task {task.Id} cannot be extended: it is not locked (or the lock has expired).");
            if (task.LockOwner != workerId)
                throw new ExternalTaskLockedException($"The lock of the External Task {task.Id} cannot be extended by worker '{workerId}'. It is locked by worker '{task.LockOwner}'.");
            task.LockExpiresAt = r.Now + newDuration;
        }, userId: workerId);
    }

    /// <summary>Releases the lock (anyone may, as in Camunda); a task without a lock stays as it is.</summary>
    public void UnlockExternalTask(string externalTaskId) => Run(r =>
    {
        var (_, task) = External(r, externalTaskId);
        task.LockOwner = null;
        task.LockExpiresAt = null;
    });

    private static void RequireLockedBy(ExternalTaskState task, string workerId, string verb)
    {
        if (task.LockOwner != workerId)
            throw new ExternalTaskLockedException($"External Task {task.Id} cannot be {verb} by worker '{workerId}'. It is locked by worker '{task.LockOwner ?? "null"}'.");
    }
}

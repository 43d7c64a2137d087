namespace EGov.Workflows.Runtime;

/// <summary>
/// A tenant's quota of open process instances, seen by the engine at every instance it creates — a start by process id
/// or by message, a start timer's firing, a call activity's child, a signal start — so that no way of starting passes it
/// (issue 20). <paramref name="Open"/> answers how many instances of the tenant run now (a host may cache it);
/// <paramref name="Started"/> is told how many a command created once it committed.
/// </summary>
public sealed record InstanceQuota(long Limit, Func<long> Open, Action<int> Started);

/// <summary>
/// A command would create an instance beyond the tenant's <see cref="InstanceQuota"/>; it was rolled back, nothing of it was
/// stored. Requests answer 409 "Quota exceeded"; a start timer skips that firing; a job opens an incident.
/// </summary>
public sealed class InstanceQuotaException : WorkflowCommandException
{
    public InstanceQuotaException() { }
    public InstanceQuotaException(string message) : base(message) { }
    public InstanceQuotaException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The quota.</summary>
    public long Limit { get; init; }
    /// <summary>The instances running when the command began.</summary>
    public long Used { get; init; }
    /// <summary>The element that would have created the instance (a call activity, a start event), or null.</summary>
    public string? ElementId { get; init; }
}

using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence.Data;

/// <summary>How a provider gets a change set into the database: one transaction (or a share of one), all or nothing.</summary>
internal interface IChangeSetCommitter : IDisposable
{
    /// <exception cref="ConcurrencyConflictException">A new document's id exists, or a document changed since it was read.</exception>
    void Commit(RuntimeChangeSet changes);
}

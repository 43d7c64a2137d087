using NodaTime;

namespace EGov.Workflows.Runtime.Decisions;

/// <summary>One stored version of a decision: the whole DMN file it came from (as written back by the model), and its hash.</summary>
public sealed record StoredDecisionVersion(string Key, int Version, string File, string ContentHash, string Xml, Instant DeployedAt);

/// <summary>
/// A runtime store that keeps deployed decision versions (the durable stores): the decision repository writes each new
/// version before it is used and reads them all back when an engine starts, as process deployments are kept.
/// </summary>
public interface IDecisionVersionStore
{
    /// <summary>Every stored decision version of the tenant.</summary>
    IReadOnlyList<StoredDecisionVersion> DecisionVersions(string tenantId);

    /// <summary>Stores new versions in one transaction.</summary>
    /// <exception cref="Store.ConcurrencyConflictException">Another node stored a version with the same number meanwhile.</exception>
    void AddDecisionVersions(string tenantId, IReadOnlyList<StoredDecisionVersion> versions);
}

using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Store;

/// <summary>
/// Which root instances (cases) the operators' cockpit lists: every criterion is optional and they combine with AND.
/// <see cref="BusinessKey"/> matches the start of the Aktenzeichen; <see cref="StartedFrom"/> is inclusive,
/// <see cref="StartedTo"/> exclusive; <see cref="WithIncident"/> true = the case's tree has an open incident, false = none.
/// </summary>
public sealed record InstanceQuery(
    string? ProcessId = null, int? Version = null, InstanceStatus? Status = null, string? BusinessKey = null,
    Instant? StartedFrom = null, Instant? StartedTo = null, bool? WithIncident = null);

/// <summary>One root instance as a row of the cockpit's list: newest first, with its open incidents (whole tree).</summary>
public sealed record InstanceSummaryRow(
    string Id, string ProcessId, int Version, string? BusinessKey, InstanceStatus Status, Instant StartedAt, Instant? EndedAt, int OpenIncidents);

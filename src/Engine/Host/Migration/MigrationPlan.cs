namespace EGov.Workflows.Host.Migration;

/// <summary>
/// Body of POST /api/migrations and /api/migrations/validate: move running instances of a process from one deployed
/// version to another. <see cref="Mapping"/> maps old element ids to new ones; an active element that is not mapped
/// keeps its id when the target has an element of that id and kind. <see cref="InstanceIds"/> null = every running
/// instance of the source version.
/// </summary>
public sealed record MigrationPlan(
    string? ProcessId, int? FromVersion, int? ToVersion, Dictionary<string, string>? Mapping, List<string>? InstanceIds, int? BatchSize);

/// <summary>What validation found: valid when <see cref="Errors"/> is empty.</summary>
public sealed record MigrationValidation(
    bool Valid, IReadOnlyList<string> Errors, int Instances, IReadOnlyList<ActiveElementMapping> ActiveElements)
{
    public IReadOnlyList<string> InstanceIds { get; init; } = [];
}

/// <summary>An element where instances of the source version are active, where it goes, and how many instances stand there.</summary>
public sealed record ActiveElementMapping(string ElementId, string ElementKind, string? MappedTo, bool Explicit, int Instances);

/// <summary>What running a migration did: instances moved, per batch, and those that could not be moved (with why).</summary>
public sealed record MigrationResult(string ProcessId, int FromVersion, int ToVersion, int Migrated, int Batches, IReadOnlyList<MigrationFailure> Failed);

public sealed record MigrationFailure(string InstanceId, string Reason);

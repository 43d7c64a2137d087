using EGov.Workflows.Model;
using NodaTime;

namespace EGov.Workflows.Runtime;

/// <summary>
/// What the engine needs of a deployed version without its executable graph (issue 15: a node with hundreds of versions
/// starts without building any): the process's name, validity, legal basis and properties (what lists show), and its
/// start triggers (which messages, signals, timers and conditions start it). A durable store keeps it with the version;
/// the graph is built from the stored model on first use (<see cref="StoredVersion"/>).
/// </summary>
public sealed record VersionOutline
{
    /// <summary>The process's name attribute (null when it has none).</summary>
    public string? Name { get; init; }
    /// <summary><c>egov:validFrom</c> (null: since ever).</summary>
    public LocalDate? ValidFrom { get; init; }
    /// <summary><c>egov:validTo</c> (null: until the next version begins).</summary>
    public LocalDate? ValidTo { get; init; }
    /// <summary><c>egov:legalBasis</c>.</summary>
    public string? LegalBasis { get; init; }
    /// <summary>The process's <c>camunda:properties</c>.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
    /// <summary>The process level's start events that a message, signal, timer or condition triggers (none start events are left out).</summary>
    public IReadOnlyList<StartTrigger> Starts { get; init; } = [];

    /// <summary>Whether a start event of this kind with this name (message or signal name; any name when null) starts the version.</summary>
    public bool StartsBy(StartTriggerKind kind, string? name = null) =>
        Starts.Any(s => s.Kind == kind && (name is null || string.Equals(s.Name, name, StringComparison.Ordinal)));

    internal static VersionOutline Of(Graph.ProcessGraph g) => new()
    {
        Name = g.ProcessName, ValidFrom = g.ValidFrom, ValidTo = g.ValidTo, LegalBasis = g.LegalBasis, Properties = g.Properties,
        Starts = g.Root.Nodes.Where(n => n.Kind == Graph.NodeKind.StartEvent).Select(n => n.Trigger switch
        {
            Graph.Trigger.Message => new StartTrigger(StartTriggerKind.Message, n.Id, n.EventName),
            Graph.Trigger.Signal => new StartTrigger(StartTriggerKind.Signal, n.Id, n.EventName),
            Graph.Trigger.Timer => new StartTrigger(StartTriggerKind.Timer, n.Id, null),
            Graph.Trigger.Conditional => new StartTrigger(StartTriggerKind.Conditional, n.Id, null),
            _ => null,
        }).OfType<StartTrigger>().ToList(),
    };
}

/// <summary>A start event of a version's process level and what triggers it.</summary>
/// <param name="Name">The message's or signal's name; null for timers and conditions.</param>
public sealed record StartTrigger(StartTriggerKind Kind, string ElementId, string? Name);

/// <summary>What triggers a start event (none start events are started by id and not listed).</summary>
public enum StartTriggerKind { Message, Signal, Timer, Conditional }

/// <summary>
/// A version a durable store kept, deployed into an engine by its outline alone (<see cref="WorkflowEngine.DeployStored"/>):
/// <paramref name="Load"/> reads its model when the engine first needs its graph (an instance starts or continues on it),
/// and again after the graph was dropped from the engine's bounded cache.
/// </summary>
/// <param name="Source">The model text's name (a content hash, <see cref="WorkflowEngine.VersionSource"/>); null: none.</param>
public sealed record StoredVersion(string ProcessId, int Version, string File, string? Source, VersionOutline Outline, Func<Definitions> Load);

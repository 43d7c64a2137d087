using NodaTime;

namespace EGov.Workflows.Runtime;

/// <summary>
/// What one command (a start, a completion, a message, a job) may cost before it comes to rest. A parallel gateway fed
/// back into itself, a loop whose script takes a second per pass or a multi-instance of ten million would otherwise run
/// for minutes or days and take the node's memory; past a budget the command rolls back to the last commit and ends
/// as a refusal (requests: 422) or an incident (jobs), naming the element where it stopped.
/// </summary>
public sealed record CommandLimits
{
    /// <summary>Steps (element executions) one command may take. A loop without a wait state hits this in milliseconds.</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>Wall-clock time one command may take.</summary>
    public Duration MaxDuration { get; init; } = Duration.FromSeconds(30);

    /// <summary>Instances one multi-instance activity may create (its cardinality or collection size).</summary>
    public int MaxMultiInstance { get; init; } = 10_000;

    /// <summary>Tokens one process instance may hold at once.</summary>
    public int MaxTokensPerInstance { get; init; } = 10_000;

    /// <summary>Process instances one command may create (call activities, message and signal starts).</summary>
    public int MaxInstancesPerCommand { get; init; } = 1_000;

    /// <summary>The defaults above.</summary>
    public static CommandLimits Default { get; } = new();
}

/// <summary>A command went past a <see cref="CommandLimits"/> budget and was rolled back; nothing of it was stored.</summary>
public sealed class CommandBudgetException : WorkflowCommandException
{
    public CommandBudgetException() { }
    public CommandBudgetException(string message) : base(message) { }
    public CommandBudgetException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The element the command was at when it stopped (null when unknown).</summary>
    public string? ElementId { get; init; }
}

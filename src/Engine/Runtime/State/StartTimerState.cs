using NodaTime;

namespace EGov.Workflows.Runtime.State;

/// <summary>A timer start event of a deployed process: starts a new instance when due (index row, no instance yet).</summary>
public sealed class StartTimerState
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = RuntimeDefaults.Tenant;
    public string ProcessId { get; set; } = "";
    public string ElementId { get; set; } = "";
    public Instant DueAt { get; set; }
    public string TimerKind { get; set; } = "";
    public string TimerText { get; set; } = "";
    public int FiredCount { get; set; }
}

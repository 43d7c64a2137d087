using System.Text.Json.Nodes;

namespace EGov.Workflows.Sdk;

/// <summary>
/// A custom activity: one small class with declared inputs and outputs and one <see cref="ExecuteAsync"/>.
/// Bound in BPMN on a service task by <c>egov:activity="name"</c> or by <c>camunda:topic</c>
/// (see <see cref="ActivityAttribute"/>). Instances are created per execution; keep them stateless.
/// </summary>
public abstract class WorkflowActivity
{
    /// <summary>The inputs the activity reads (from input parameters of the task, else from process variables by name).</summary>
    public virtual IReadOnlyList<ActivityParameter> Inputs => [];

    /// <summary>The outputs the activity returns on completion (written as process variables unless mapped).</summary>
    public virtual IReadOnlyList<ActivityParameter> Outputs => [];

    /// <summary>Does the work: complete with outputs, wait to be resumed, throw a BPMN error, or fail technically.</summary>
    public abstract Task<ActivityResult> ExecuteAsync(ActivityContext context);

    /// <summary>
    /// Called when a waiting activity is resumed with a payload (e.g. a payment notice from an <see cref="ActivityCallback"/>),
    /// or with a null payload when its wake-up time (<see cref="ActivityResult.Wait(string?, JsonObject?, string?, DateTimeOffset?)"/>)
    /// has come. Completes by default.
    /// </summary>
    public virtual Task<ActivityResult> ResumeAsync(ActivityContext context, JsonNode? payload) =>
        Task.FromResult(ActivityResult.Complete(payload as JsonObject is { } o ? (JsonObject)o.DeepClone() : null));

    /// <summary>
    /// Called once after the engine has committed that this activity, while it waited, was interrupted — an interrupting
    /// boundary or event-subprocess event, a terminate end event, the instance cancelled — so the outside system can
    /// stop what it started (an open payment is cancelled at the provider). The context holds the activity's inputs and
    /// its declared outputs as they were at the interruption. Best effort: the interruption stands whatever this does;
    /// it must not throw (log what fails) and gets at most 30 seconds; it is not repeated if the node stops meanwhile.
    /// Does nothing by default.
    /// </summary>
    public virtual Task CancelAsync(ActivityContext context) => Task.CompletedTask;
}

/// <summary>Names an activity for BPMN binding: <c>egov:activity="fee-calculation"</c>, or a <c>camunda:topic</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ActivityAttribute(string name) : Attribute
{
    /// <summary>The name used in <c>egov:activity</c> (kebab-case by convention).</summary>
    public string Name { get; } = name;

    /// <summary>Optional external-task topic this activity serves in-process (<c>camunda:type="external" camunda:topic</c>).</summary>
    public string? Topic { get; init; }

    /// <summary>Optional Camunda Java class name this activity stands in for (<c>camunda:class</c>) in migrated models.</summary>
    public string? CamundaClass { get; init; }

    public string? Description { get; init; }

    /// <summary>
    /// Optional name an analyst reads in the designer (e.g. "Gebühr berechnen"): the element template generated from this
    /// declaration is called so (default: <see cref="Description"/>, else <see cref="Name"/>).
    /// </summary>
    public string? Title { get; init; }
}

/// <summary>
/// The kinds an input or output may have. Values are JSON: <see cref="Date"/> is a JSON string holding an ISO-8601 date
/// (<c>2026-12-03</c>, read with <see cref="ActivityContext.GetDate"/>); an instant is a string too
/// (<c>2026-12-03T10:15:00Z</c>, <see cref="ActivityContext.GetInstant"/>).
/// </summary>
public enum ActivityValueType { Any, String, Number, Boolean, Object, Array, Date }

/// <summary>One declared input or output of an activity.</summary>
public sealed record ActivityParameter(string Name, ActivityValueType Type = ActivityValueType.Any, bool Required = false, string? Description = null);

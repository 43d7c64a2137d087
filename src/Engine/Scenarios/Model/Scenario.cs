using System.Text.Json.Nodes;
using EGov.Workflows.Scenarios.Loading;
using NodaTime;

namespace EGov.Workflows.Scenarios.Model;

/// <summary>One scenario file (spec/scenarios.md), read and checked. Variables are JSON values; the runner hands the engine copies.</summary>
/// <param name="File">The file as it is shown in reports (relative to the current directory).</param>
/// <param name="FullPath">The absolute path; deploy entries resolve against its folder.</param>
public sealed record Scenario(
    string File,
    string FullPath,
    string Name,
    IReadOnlyList<DeployEntry> Deploy,
    string? Process,
    Instant Clock,
    DateTimeZone Zone,
    StartSpec Start,
    IReadOnlyList<ServiceSpec> Services,
    IReadOnlyList<Step> Steps)
{
    /// <summary>The virtual clock when no <c>clock:</c> is given.</summary>
    public static readonly Instant DefaultClock = Instant.FromUtc(2026, 1, 5, 8, 0);

    public const string DefaultZone = "Europe/Berlin";

    /// <summary><c>land:</c> the Land whose public holidays count for Fristen (default Hessen).</summary>
    public Time.Bundesland Land { get; init; } = Time.Bundesland.HE;

    public string Directory => Path.GetDirectoryName(FullPath) ?? ".";
}

/// <summary>A model to deploy, as written (relative to the scenario file).</summary>
public sealed record DeployEntry(string Path, TextPosition At);

/// <summary>How the instance starts: plainly or through a message start event, with variables, a business key and who starts it.</summary>
public sealed record StartSpec(JsonObject Variables, string? Message, string? BusinessKey, string? User = null)
{
    public static StartSpec Empty => new([], null, null);
}

/// <summary>What a service task does in this scenario. <see cref="Key"/> is an element id or <c>topic:NAME</c>.</summary>
/// <param name="Variables">Set when the task completes (also passed along with a BPMN error).</param>
/// <param name="Error">Throw a BPMN error with this errorCode instead of completing.</param>
/// <param name="Fail">Fail technically with this message…</param>
/// <param name="Times">…this many times, then complete; null: keep failing.</param>
public sealed record ServiceSpec(string Key, JsonObject Variables, string? Error, string? Fail, int? Times, TextPosition At)
{
    public const string TopicPrefix = "topic:";

    public bool IsTopic => Key.StartsWith(TopicPrefix, StringComparison.Ordinal);
    public string Target => IsTopic ? Key[TopicPrefix.Length..] : Key;
}

/// <summary>One entry of <c>steps</c>; <see cref="Number"/> is 1-based as in reports.</summary>
public abstract record Step(int Number, TextPosition At)
{
    /// <summary>The step as a short text for verbose output.</summary>
    public abstract string Describe();
}

/// <summary>
/// <c>complete: ID</c>: completes the oldest open task there. With <see cref="User"/> the task is completed as that user
/// (the rules that depend on who completes, e.g. <c>egov:fourEyes</c>, apply); with <see cref="Refused"/> the step expects
/// the engine to refuse the completion with a message containing that text, and the task stays open.
/// </summary>
public sealed record CompleteStep(int Number, TextPosition At, string ElementId, JsonObject Variables, string? User = null, string? Refused = null) : Step(Number, At)
{
    public override string Describe() => $"complete {ElementId}" + (User is null ? "" : $" as {User}") + (Refused is null ? "" : $" (refused: {Refused})") + Json.Suffix(Variables);
}

public sealed record MessageStep(int Number, TextPosition At, string MessageName, string? CorrelationKey, JsonObject Variables) : Step(Number, At)
{
    public override string Describe() => $"message {MessageName}" + (CorrelationKey is null ? "" : $" (correlationKey {CorrelationKey})") + Json.Suffix(Variables);
}

public sealed record SignalStep(int Number, TextPosition At, string SignalName, JsonObject Variables) : Step(Number, At)
{
    public override string Describe() => $"signal {SignalName}" + Json.Suffix(Variables);
}

public sealed record AdvanceStep(int Number, TextPosition At, string Text, Period Period) : Step(Number, At)
{
    public override string Describe() => $"advance {Text}";
}

public sealed record ExpectStep(int Number, TextPosition At, Expectation Expectation) : Step(Number, At)
{
    public override string Describe() => "expect " + Expectation.Describe();
}

/// <summary><c>start: NAME</c>: starts another case of the scenario's process (on the version valid today) and makes it the current one.</summary>
public sealed record StartStep(int Number, TextPosition At, string CaseName, JsonObject Variables, string? BusinessKey) : Step(Number, At)
{
    public override string Describe() => $"start {CaseName}" + (BusinessKey is null ? "" : $" (businessKey {BusinessKey})") + Json.Suffix(Variables);
}

/// <summary><c>case: NAME</c>: the following steps act on that case (<c>main</c> is the one the scenario started first).</summary>
/// <summary><c>verlaengern: Timer_Fiktion</c> with <c>um: P1M</c> and <c>begruendung</c>: §42a (2) VwVfG, the one extension of a Fiktion's Frist.</summary>
public sealed record ExtendFristStep(int Number, TextPosition At, string ElementId, Period Um, string Begruendung) : Step(Number, At)
{
    public override string Describe() => $"verlaengern {ElementId} um {NodaTime.Text.PeriodPattern.NormalizingIso.Format(Um)}";
}

public sealed record CaseStep(int Number, TextPosition At, string CaseName) : Step(Number, At)
{
    public override string Describe() => $"case {CaseName}";
}

/// <summary>The state an instance can be in, as <c>expect: { state: ... }</c> names it.</summary>
public enum InstanceState { Running, Completed, Terminated, Incident }

/// <summary>What an <c>expect</c> step checks; a null member is not checked.</summary>
public sealed record Expectation(
    InstanceState? State,
    IReadOnlyList<string>? Waiting,
    IReadOnlyList<string>? Completed,
    IReadOnlyList<string>? NotCompleted,
    IReadOnlyList<KeyValuePair<string, int>>? Counts,
    JsonObject? Variables,
    IReadOnlyList<string>? Incidents)
{
    /// <summary>The version of the process definition the case runs on.</summary>
    public int? Version { get; init; }
    /// <summary>The legal basis of that version (<c>egov:legalBasis</c>).</summary>
    public string? LegalBasis { get; init; }
    /// <summary><c>fristen: { Process_X: 2026-03-02 }</c>: the last day of each running Frist, by the element it is written on.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Fristen { get; init; }
    /// <summary><c>due: { Task_X: 2026-03-02 }</c>: the due day of the open user task at each element (<c>none</c>: no due date).</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Due { get; init; }

    public string Describe()
    {
        var parts = new List<string>();
        if (Version is { } v) parts.Add("version: " + v);
        if (LegalBasis is { } lb) parts.Add("legalBasis: " + lb);
        if (Fristen is not null) parts.Add("fristen: {" + string.Join(", ", Fristen.Select(c => $"{c.Key}: {c.Value}")) + "}");
        if (Due is not null) parts.Add("due: {" + string.Join(", ", Due.Select(c => $"{c.Key}: {c.Value}")) + "}");
        if (State is { } s) parts.Add("state: " + s.ToString().ToLowerInvariant());
        if (Waiting is not null) parts.Add("waiting: " + Json.List(Waiting));
        if (Completed is not null) parts.Add("completed: " + Json.List(Completed));
        if (NotCompleted is not null) parts.Add("notCompleted: " + Json.List(NotCompleted));
        if (Counts is not null) parts.Add("counts: {" + string.Join(", ", Counts.Select(c => $"{c.Key}: {c.Value}")) + "}");
        if (Variables is not null) parts.Add("variables: " + Json.Text(Variables));
        if (Incidents is not null) parts.Add("incidents: " + Json.List(Incidents));
        return "{ " + string.Join(", ", parts) + " }";
    }
}

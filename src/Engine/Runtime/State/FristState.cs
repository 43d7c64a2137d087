namespace EGov.Workflows.Runtime.State;

/// <summary>
/// A running legal deadline (Frist) of an instance: the case's (egov:frist on the process, or the service's
/// Bearbeitungsfrist), a user or receive task's, or a Frist timer's (a boundary or catch timer with egov:frist).
/// Dates are ISO texts (YYYY-MM-DD) in the engine's zone. Gone when its element is left; while a wait with
/// egov:fristHemmung runs it is suspended (<see cref="GehemmtSeit"/>) and afterwards extended by those days.
/// </summary>
public sealed class FristState
{
    public string Id { get; set; } = "";
    /// <summary>Where egov:frist is written: the process id (the case's Frist), a task, or a timer event.</summary>
    public string ElementId { get; set; } = "";
    /// <summary>The token of the task, or of the activity whose boundary timer it is; null for the case's Frist.</summary>
    public string? TokenId { get; set; }
    /// <summary>The boundary or catch timer job that fires when the Frist has passed (null: none, or suspended).</summary>
    public string? JobId { get; set; }
    /// <summary>The Frist as written (ISO 8601 period in years, months, weeks, days: P3M).</summary>
    public string Dauer { get; set; } = "";
    /// <summary>Ereignisfrist (the event day does not count) or Beginnfrist (the first day counts).</summary>
    public Time.FristArt Art { get; set; }
    /// <summary>The event day (Ereignisfrist) or first day (Beginnfrist).</summary>
    public string Beginn { get; set; } = "";
    /// <summary>Days of Hemmung so far (each day on which it lasted at least in part).</summary>
    public int Hemmungstage { get; set; }
    /// <summary>The first day of the running Hemmung, or null.</summary>
    public string? GehemmtSeit { get; set; }
    /// <summary>The token waiting at the element with egov:fristHemmung that suspends the Frist now.</summary>
    public string? GehemmtDurch { get; set; }
    /// <summary>The last day of the Frist now (after Hemmung and §193 BGB): it ends when this day ends.</summary>
    public string Ende { get; set; } = "";
    /// <summary>§42a VwVfG: when the Frist passes without a decision, the permit counts as granted (egov:fiktion).</summary>
    public bool Fiktion { get; set; }
    /// <summary>§42a (2) sentence 3 VwVfG: the one extension of the Fiktion's Frist (an ISO period, added to <see cref="Dauer"/>), or null.</summary>
    public string? Verlaengerung { get; set; }
    /// <summary>Why the extension is justified (the difficulty of the matter), as the authority gave it.</summary>
    public string? VerlaengerungGrund { get; set; }
    /// <summary>The day the Frist was extended (YYYY-MM-DD).</summary>
    public string? VerlaengertAm { get; set; }
}

namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>One entry of the FIT-Connect-style event log: the event type URI and when it happened.</summary>
public sealed record FitConnectEventDto(string Event, DateTimeOffset IssuedAt);

/// <summary>
/// The case's state in FIT-Connect's terms (docs/citizen-status.md says what is followed): FIT-Connect's submission
/// status (always <c>accepted</c>: <c>incomplete</c>, <c>submitted</c>-only, <c>forwarded</c> and <c>rejected</c>
/// do not occur, the case is created whole by this server) and the events of its event log with their type URIs
/// (<c>https://schema.fitko.de/fit-connect/events/…</c>). Not the signed Security Event Tokens themselves: FIT-Connect's
/// Zustelldienst issues and signs those; this is their content for portals that already read it.
/// </summary>
public sealed record FitConnectStatusDto(string CaseId, string Status, IReadOnlyList<FitConnectEventDto> Events);

internal static class FitConnectStatus
{
    public const string EventPrefix = "https://schema.fitko.de/fit-connect/events/";

    /// <summary>
    /// Submitted when the citizen applied, accepted as soon as the case runs (this server starts the case in the same
    /// request, so a case the citizen can see was always accepted); a rejection (reject-submission) does not occur here.
    /// </summary>
    public static FitConnectStatusDto Of(CitizenCaseDto c)
    {
        var accepted = c.Milestones.FirstOrDefault(m => m.ReachedAt is not null)?.ReachedAt ?? c.CreatedAt;
        return new FitConnectStatusDto(c.Id, "accepted",
            [new(EventPrefix + "submit-submission", c.CreatedAt), new(EventPrefix + "accept-submission", accepted < c.CreatedAt ? c.CreatedAt : accepted)]);
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Model;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>
/// Something the citizen must do now: <c>nachreichen</c> (a user task assigned to the citizen, or a receive task or message
/// catch event marked <c>egov:citizenAction</c> that waits), <c>rueckfrage</c> (a clerk's open question) or
/// <c>identifizierung</c> (an <c>eid-check</c> waits for a sign-in at a higher trust level: <see cref="Href"/> is the page
/// that asks for it, <c>/buerger/vorgaenge/{id}/identifizierung</c>). The id is opaque (never an element or task id); the
/// text comes from the model's <c>egov:citizenAction</c> or is the default.
/// </summary>
public sealed record CitizenActionDto(string Id, string Kind, string Text, DateTimeOffset? Since, string? Question = null, string? Href = null);

/// <summary>A Rückfrage as the citizen sees it: the question, when, and their answer (never who asked).</summary>
public sealed record CitizenInquiryDto(string Id, string Question, DateTimeOffset AskedAt, string? Answer, DateTimeOffset? AnsweredAt);

/// <summary>
/// The expected completion date: the day the current milestone was reached plus the median time cases of this process
/// version took from there to their end; null with fewer than the minimum of finished cases ("noch keine Schätzung").
/// </summary>
public sealed record ExpectedCompletionDto(DateOnly? Date, int BasedOnCases, string Text);

/// <summary>
/// The status of one citizen case as the status pages, the JSON API and the web component show it: nothing but
/// milestones (with dates), the current step (the last milestone reached), what the citizen must do, their Rückfragen,
/// the expected completion date, and the same in FIT-Connect's terms (<see cref="FitConnectStatus"/>).
/// </summary>
public sealed record CaseStatusDto(
    string Id, string Aktenzeichen, string Service, DateTimeOffset CreatedAt, string Status, IReadOnlyList<MilestoneDto> Milestones,
    string? CurrentStep, IReadOnlyList<CitizenActionDto> Actions, IReadOnlyList<CitizenInquiryDto> Inquiries,
    ExpectedCompletionDto ExpectedCompletion, FitConnectStatusDto FitConnect);

/// <summary>A waiting place the citizen can act on: the element (or user task) it answers, kept on the server side only.</summary>
internal sealed record CitizenWait(string ActionId, string ElementId, string? TaskId, string Text, DateTimeOffset? Since);

/// <summary>Builds a citizen case's status from the engine and the status store; reads only.</summary>
public sealed class CaseStatusBuilder(CitizenStatusStore store, CompletionEstimates estimates)
{
    /// <summary><c>egov:citizenAction="Unterlagen nachreichen"</c> on a receive task, message catch event or user task: it waits for the citizen; the text tells them what to do.</summary>
    public static readonly XName CitizenAction = Namespaces.Egov + "citizenAction";

    /// <summary>The message a Rückfrage's answer delivers to the case when it waits for one (a receive task or catch event of that message name).</summary>
    public const string InquiryAnsweredMessage = "Rueckfrage_beantwortet";

    public const string DefaultActionText = "Unterlagen nachreichen";

    public async Task<CaseStatusDto> BuildAsync(TenantEngine t, string owner, CitizenCase c, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(c);
        var basic = CitizenCases.Status(t, c);
        ProcessInstanceView? view = null;
        try { view = t.Engine.GetInstance(c.InstanceId); }
        catch (WorkflowNotFoundException) { /* deleted by retention */ }
        var running = view is not null && view.State is InstanceState.Running or InstanceState.Incident;
        var waits = running ? Waits(t, view!, owner) : [];
        var inquiries = await store.InquiriesAsync(t.TenantId, c.InstanceId, cancel);
        var actions = waits.Select(w => new CitizenActionDto(w.ActionId, "nachreichen", w.Text, w.Since)).ToList();
        if (running)
            actions.AddRange(inquiries.Where(i => i.AnsweredAt is null)
                .Select(i => new CitizenActionDto("r-" + i.Id, "rueckfrage", "Rückfrage beantworten", i.AskedAt, i.Question)));
        if (running && CitizenEidCheck.Open(t, c.InstanceId) is { } level)
            actions.Add(new CitizenActionDto(ActionId(c.InstanceId, "eid-check"), "identifizierung",
                $"Erneut mit der BundID anmelden (Vertrauensniveau „{level.German()}“)", EidCheckRequestedAt(view!),
                Href: $"/buerger/vorgaenge/{Uri.EscapeDataString(c.InstanceId)}/identifizierung"));
        var reached = basic.Milestones.Where(m => m.ReachedAt is not null).ToList();
        var current = reached.LastOrDefault();
        ExpectedCompletionDto expected;
        if (!running) expected = new ExpectedCompletionDto(null, 0, basic.Status == "abgeschlossen" ? "abgeschlossen" : "—");
        else if (current is null || view is null) expected = new ExpectedCompletionDto(null, 0, "noch keine Schätzung");
        else
        {
            var (median, n) = await estimates.MedianRemainingAsync(t, view.ProcessId, view.Version, current.Name, cancel);
            expected = median is { } m
                ? new ExpectedCompletionDto(DateOnly.FromDateTime(Berlin(Max(current.ReachedAt!.Value + m, DateTimeOffset.UtcNow))), n,
                    "voraussichtlich am " + Berlin(Max(current.ReachedAt!.Value + m, DateTimeOffset.UtcNow)).ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture))
                : new ExpectedCompletionDto(null, n, "noch keine Schätzung");
        }
        var status = running && actions.Count > 0 ? "Rückfrage" : basic.Status;
        return new CaseStatusDto(basic.Id, basic.Aktenzeichen, basic.Service, basic.CreatedAt, status, basic.Milestones,
            current?.Name ?? (running ? null : basic.Status), actions,
            inquiries.Select(i => new CitizenInquiryDto("r-" + i.Id, i.Question, i.AskedAt, i.Answer, i.AnsweredAt)).ToList(),
            expected, FitConnectStatus.Of(basic));
    }

    /// <summary>
    /// Where the case waits for the citizen: user tasks assigned to the owner, and waiting receive tasks or message catch
    /// events that carry <c>egov:citizenAction</c>. Never exposes element or task ids (the action id is a hash).
    /// </summary>
    internal static IReadOnlyList<CitizenWait> Waits(TenantEngine t, ProcessInstanceView view, string owner)
    {
        var result = new List<CitizenWait>();
        var elements = Elements(t, view);
        foreach (var task in t.Engine.OpenUserTasks(view.Id))
        {
            elements.TryGetValue(task.ElementId, out var element);
            var text = element?.Attribute(CitizenAction) is { Length: > 0 } x ? x.Trim() : null;
            if (!string.Equals(task.Assignee, owner, StringComparison.Ordinal)) continue;
            result.Add(new CitizenWait(ActionId(view.Id, task.Id), task.ElementId, task.Id, text ?? DefaultActionText, task.CreatedAt.ToDateTimeOffset()));
        }
        foreach (var elementId in view.Waiting.Distinct())
        {
            if (!elements.TryGetValue(elementId, out var element) || element is UserTask) continue;
            if (element.Attribute(CitizenAction) is not { Length: > 0 } text) continue;
            if (element is not (ReceiveTask or IntermediateCatchEvent)) continue;
            result.Add(new CitizenWait(ActionId(view.Id, elementId), elementId, null, text.Trim(), null));
        }
        return result;
    }

    private static Definitions? Definitions(TenantEngine t, ProcessInstanceView view) =>
        (t.Catalog.Find(view.ProcessId, view.Version) ?? t.Catalog.Latest(view.ProcessId))?.Definitions;

    /// <summary>Every element with an id of the case's process versions (the root's and those it called), by id.</summary>
    private static Dictionary<string, BpmnElement> Elements(TenantEngine t, ProcessInstanceView view)
    {
        var map = new Dictionary<string, BpmnElement>(StringComparer.Ordinal);
        foreach (var process in Definitions(t, view)?.Processes ?? [])
            foreach (var e in process.Descendants())
                if (e.Id is { } id) map.TryAdd(id, e);
        return map;
    }

    private static string ActionId(string instanceId, string key) =>
        "n-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instanceId + "\n" + key)))[..16];

    /// <summary>When the waiting eid-check asked for the sign-in (<c>eidCheck.angefordertAm</c>), when readable.</summary>
    private static DateTimeOffset? EidCheckRequestedAt(ProcessInstanceView view) =>
        view.Variables["eidCheck"]?["angefordertAm"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s)
        && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static readonly TimeZoneInfo BerlinZone = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Berlin", out var tz) ? tz : TimeZoneInfo.Utc;

    internal static DateTime Berlin(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, BerlinZone).DateTime;
}

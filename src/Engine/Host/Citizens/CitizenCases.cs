using System.Globalization;
using System.Net;
using System.Text;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EGov.Workflows.Host.Citizens;

/// <summary>A milestone of a case as a citizen sees it: its name from the model, and when it was reached (null: not yet).</summary>
public sealed record MilestoneDto(string Name, DateTimeOffset? ReachedAt);

/// <summary>A citizen's case: Aktenzeichen, the service, whether it is running or finished, and its milestones only.</summary>
public sealed record CitizenCaseDto(string Id, string Aktenzeichen, string Service, DateTimeOffset CreatedAt, string Status, IReadOnlyList<MilestoneDto> Milestones);

/// <summary>
/// "Meine Vorgänge": the signed-in citizen's cases (<c>GET /api/citizen/cases</c>, <c>GET /api/citizen/cases/{id}/status</c>,
/// the page <c>/buerger/vorgaenge</c>). Privacy: only cases whose owner is the citizen (<see cref="CitizenCaseStore"/>);
/// another's case answers the same 404 as an unknown one. A citizen sees only the milestones the analyst declared
/// (<c>egov:milestone="Antrag eingegangen"</c> on any element) with the date each was reached — never task names,
/// clerks, comments or variables.
/// </summary>
public static class CitizenCases
{
    public static readonly System.Xml.Linq.XName Milestone = Namespaces.Egov + "milestone";

    internal static IEndpointRouteBuilder MapCitizenCases(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/citizen/cases", async (HttpContext http, CitizenCaseStore cases) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var t = http.Tenant();
                var list = await cases.ListAsync(t.TenantId, citizen.Owner, cancel: http.RequestAborted);
                return Results.Ok(list.Select(c => Status(t, c)).ToList());
            })
            .WithName("CitizenCases").WithSummary("The signed-in citizen's own cases with their milestones (nothing internal)")
            .RequirePermission(Permission.CitizenSelf);

        app.MapGet("/api/citizen/cases/{id}/status", async (HttpContext http, string id, CitizenCaseStore cases, Status.CaseStatusBuilder builder) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var t = http.Tenant();
                var found = await cases.FindAsync(t.TenantId, citizen.Owner, id, http.RequestAborted)
                    ?? throw ApiProblemException.NotFound("Vorgang nicht gefunden");
                return Results.Ok(await builder.BuildAsync(t, citizen.Owner, found, http.RequestAborted));
            })
            .WithName("CitizenCaseStatus").WithSummary("One of the citizen's cases: status, milestones, current step, what the citizen must do, Rückfragen, expected completion, FIT-Connect status; another's or an unknown id: the same 404")
            .Produces<Status.CaseStatusDto>()
            .RequirePermission(Permission.CitizenSelf);

        app.MapGet("/buerger/vorgaenge", async (HttpContext http, CitizenCaseStore cases) =>
            {
                var citizen = CitizenSignIn.Current(http);
                var t = http.Tenant();
                var list = (await cases.ListAsync(t.TenantId, citizen.Owner, cancel: http.RequestAborted)).Select(c => Status(t, c)).ToList();
                return CitizenPages.Html(http, Page(list));
            })
            .WithName("PageCitizenCases").WithMetadata(new PageEndpoint()).RequirePermission(Permission.CitizenSelf).ExcludeFromDescription();
        return app;
    }

    /// <summary>The milestones of the case's model version, reached or not, from the instance's element history.</summary>
    public static CitizenCaseDto Status(TenantEngine t, CitizenCase c)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(c);
        Runtime.ProcessInstanceView? view = null;
        try { view = t.Engine.GetInstance(c.InstanceId); }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException) { /* deleted by retention: show what we know */ }
        var definition = view is null ? t.Catalog.Latest(c.ProcessId) : t.Catalog.Find(view.ProcessId, view.Version) ?? t.Catalog.Latest(c.ProcessId);
        var reached = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var record in view?.History ?? [])
        {
            var at = record.StartedAt.ToDateTimeOffset();
            if (!reached.TryGetValue(record.ElementId, out var first) || at < first) reached[record.ElementId] = at;
        }
        var milestones = new List<MilestoneDto>();
        var process = definition?.Definitions?.Processes.FirstOrDefault(p => p.Id == definition.ProcessId);
        foreach (var element in process?.Descendants() ?? [])
        {
            if (element.Attribute(Milestone) is not { Length: > 0 } name || element.Id is not { } elementId) continue;
            DateTimeOffset? when = reached.TryGetValue(elementId, out var at) ? at
                : view?.Waiting.Contains(elementId) == true ? DateTimeOffset.UtcNow : null;
            if (milestones.FirstOrDefault(m => m.Name == name.Trim()) is { } same)
            {
                if (same.ReachedAt is null && when is not null) milestones[milestones.IndexOf(same)] = same with { ReachedAt = when };
                continue;
            }
            milestones.Add(new MilestoneDto(name.Trim(), when));
        }
        var ordered = milestones.Where(m => m.ReachedAt is not null).OrderBy(m => m.ReachedAt).Concat(milestones.Where(m => m.ReachedAt is null)).ToList();
        var status = view is null ? "abgeschlossen" : view.State switch
        {
            Runtime.InstanceState.Completed => "abgeschlossen",
            Runtime.InstanceState.Terminated => "beendet",
            _ => "in Bearbeitung",
        };
        return new CitizenCaseDto(c.InstanceId, c.Aktenzeichen, definition?.Name ?? c.ProcessId, c.CreatedAt, status, ordered);
    }

    private static string Page(IReadOnlyList<CitizenCaseDto> cases)
    {
        var sb = new StringBuilder();
        if (cases.Count == 0) sb.Append("<p>Sie haben noch keine Anträge gestellt.</p>");
        foreach (var c in cases)
        {
            sb.Append("<section aria-labelledby=\"v-").Append(E(c.Id)).Append("\"><h2 id=\"v-").Append(E(c.Id)).Append("\">").Append(E(c.Service)).Append("</h2>");
            sb.Append("<p><a href=\"/buerger/vorgaenge/").Append(E(Uri.EscapeDataString(c.Id))).Append("\">Stand und Rückfragen ansehen</a></p>");
            sb.Append("<p>Aktenzeichen <strong>").Append(E(c.Aktenzeichen)).Append("</strong> · gestellt am ")
                .Append(E(German(c.CreatedAt))).Append(" · ").Append(E(c.Status)).Append("</p><ol class=\"meilensteine\">");
            foreach (var m in c.Milestones)
                sb.Append("<li>").Append(m.ReachedAt is { } at ? "✓ " : "").Append(E(m.Name))
                    .Append(m.ReachedAt is { } d ? " – " + E(German(d)) : " – noch offen").Append("</li>");
            sb.Append("</ol></section>");
        }
        return CitizenPages.Layout("Meine Vorgänge", sb.ToString());
    }

    private static string German(DateTimeOffset t) =>
        TimeZoneInfo.ConvertTime(t, Berlin).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture);

    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Berlin", out var tz) ? tz : TimeZoneInfo.Utc;

    private static string E(string s) => WebUtility.HtmlEncode(s);
}

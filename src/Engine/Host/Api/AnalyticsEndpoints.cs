using System.Globalization;
using System.Text;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Model;
using EGov.Workflows.Persistence.Analytics;
using EGov.Workflows.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// KVP analytics behind the page <c>/analyse/{processId}</c> (issue 11 item 6): how a process really ran over a period —
/// instances started and ended, lead time, per element count and time spent, the wait before a user task was claimed,
/// the branches taken at each gateway, incidents and missed Fristen — from the pre-aggregated history
/// (<see cref="SqlProcessAnalytics"/>). Needs a durable store; a period without instances answers zeros, not an error.
/// </summary>
internal static class AnalyticsEndpoints
{
    /// <summary>The longest period one request may ask for (ten years of days).</summary>
    private const int MaxDays = 3660;

    public static void MapAnalyticsEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/analytics/{processId}", (HttpContext http, string processId, string? from, string? to, int? version) =>
                Results.Ok(Compute(http, processId, from, to, version)))
            .WithName("GetProcessAnalytics").RequirePermission(Permission.Analytics)
            .WithSummary("KVP figures of a process over a period (?from=&to= ISO dates, both inclusive, in the engine's zone; default the last 90 days) and version (?version=; default every version): instances started/completed/cancelled, lead time median and p90 (exact) overall and per ISO week, per element count, cancelled, median and p90 time spent, claim wait of user tasks, incidents and missed Fristen (Frist timers that fired, elements completed after their own egov:frist passed, open user tasks past it), per gateway how often each outgoing flow was taken. Durations in milliseconds; element percentiles from 4 % histogram buckets (exact when a bucket's values are equal). 404 for an unknown process or version, 400 for a bad period, 501 on the in-memory store")
            .Produces<AnalyticsDto>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status501NotImplemented);

        api.MapGet("/analytics/{processId}/csv", (HttpContext http, string processId, string? from, string? to, int? version) =>
            {
                var dto = Compute(http, processId, from, to, version);
                var name = $"analyse-{processId}-{(version is { } v ? "v" + v.ToString(CultureInfo.InvariantCulture) : "alle")}-{dto.From}-{dto.To}.csv";
                return Results.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Csv(dto))).ToArray(), "text/csv; charset=utf-8", name);
            })
            .WithName("GetProcessAnalyticsCsv").RequirePermission(Permission.Analytics)
            .WithSummary("The same figures as CSV (UTF-8 with BOM, semicolon-separated, German headers, durations in seconds with a decimal comma): one line per element, gateway flow and week, for a spreadsheet")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static AnalyticsDto Compute(HttpContext http, string processId, string? from, string? to, int? version)
    {
        var t = http.Tenant();
        var analytics = http.RequestServices.GetService<IProcessAnalytics>()
            ?? throw new ApiProblemException(501, "Analytics need a durable store",
                "the analytics are computed from the history in a durable store: start the server with --store sqlite:PATH or postgres:CONNECTION");
        var versions = t.Catalog.All().Where(d => d.ProcessId == processId).OrderByDescending(d => d.Version).ToList();
        if (versions.Count == 0) throw ApiProblemException.NotFound($"process '{processId}' is not deployed for tenant '{t.TenantId}'");
        if (version is { } v && versions.All(d => d.Version != v))
            throw ApiProblemException.NotFound($"process '{processId}' has no version {v} (deployed: {string.Join(", ", versions.Select(d => d.Version).Order())})");
        var zone = (analytics as SqlProcessAnalytics)?.Zone ?? DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var today = SystemClock.Instance.GetCurrentInstant().InZone(zone).Date;
        var end = Date(to, "to") ?? today;
        var start = Date(from, "from") ?? end.PlusDays(-89);
        if (end < start) throw ApiProblemException.BadRequest($"the period ends ({Iso(end)}) before it begins ({Iso(start)})", "from ≤ to");
        if (Period.Between(start, end, PeriodUnits.Days).Days >= MaxDays)
            throw ApiProblemException.BadRequest($"the period from {Iso(start)} to {Iso(end)} is longer than {MaxDays} days", $"at most {MaxDays} days");
        var figures = analytics.Figures(new AnalyticsQuery(t.TenantId, processId, version, start, end));
        var models = version is { } only ? versions.Where(d => d.Version == only).ToList() : versions;
        return AnalyticsDto.Of(processId, version, start, end, figures, ModelFacts.Of(processId, models));
    }

    private static LocalDate? Date(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parsed = LocalDatePattern.Iso.Parse(text.Trim());
        return parsed.Success ? parsed.Value : throw ApiProblemException.BadRequest($"{name} '{text}' is not a date", "an ISO date, e.g. 2026-12-03");
    }

    internal static string Iso(LocalDate d) => LocalDatePattern.Iso.Format(d);

    private static string Csv(AnalyticsDto d)
    {
        static string Q(string? s) => s is null ? "" : s.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
        static string S(long? ms) => ms is { } v ? (v / 1000.0).ToString("0.###", Formatting.GermanNumbers.Format) : "";
        var sb = new StringBuilder();
        sb.Append("Prozess;Version;Von;Bis\r\n").Append(Q(d.ProcessId)).Append(';').Append(d.Version?.ToString(CultureInfo.InvariantCulture) ?? "alle")
            .Append(';').Append(d.From).Append(';').Append(d.To).Append("\r\n\r\n");
        sb.Append("Gestartet;Abgeschlossen;Abgebrochen;Durchlaufzeit Anzahl;Durchlaufzeit Median (s);Durchlaufzeit p90 (s);Vorfälle;Fristen versäumt;davon Vorgangsfrist abgeschlossen;davon Vorgangsfrist offen\r\n")
            .Append(d.Instances.Started).Append(';').Append(d.Instances.Completed).Append(';').Append(d.Instances.Cancelled).Append(';')
            .Append(d.LeadTime.Count).Append(';').Append(S(d.LeadTime.MedianMs)).Append(';').Append(S(d.LeadTime.P90Ms)).Append(';')
            .Append(d.Incidents).Append(';').Append(d.FristenMissed).Append(';').Append(d.CaseFristenMissed).Append(';').Append(d.CaseFristenOpenPast).Append("\r\n\r\n");
        sb.Append("Element;Name;Typ;Anzahl;Abgebrochen;Dauer Median (s);Dauer p90 (s);Übernahmen;Wartezeit bis Übernahme Median (s);Wartezeit bis Übernahme p90 (s);Vorfälle;Fristen versäumt\r\n");
        foreach (var e in d.Elements)
            sb.Append(Q(e.ElementId)).Append(';').Append(Q(e.Name)).Append(';').Append(Q(e.Type)).Append(';').Append(e.Count).Append(';').Append(e.Cancelled).Append(';')
                .Append(S(e.Duration.MedianMs)).Append(';').Append(S(e.Duration.P90Ms)).Append(';').Append(e.ClaimWait.Count).Append(';')
                .Append(S(e.ClaimWait.MedianMs)).Append(';').Append(S(e.ClaimWait.P90Ms)).Append(';').Append(e.Incidents).Append(';').Append(e.FristenMissed).Append("\r\n");
        sb.Append("\r\nVerzweigung;Name;Fluss;Flussname;Ziel;Anzahl\r\n");
        foreach (var g in d.Gateways)
            foreach (var f in g.Flows)
                sb.Append(Q(g.GatewayId)).Append(';').Append(Q(g.Name)).Append(';').Append(Q(f.FlowId)).Append(';').Append(Q(f.Name)).Append(';')
                    .Append(Q(f.TargetId)).Append(';').Append(f.Count).Append("\r\n");
        sb.Append("\r\nWoche ab;Abgeschlossen;Durchlaufzeit Median (s);Durchlaufzeit p90 (s)\r\n");
        foreach (var w in d.Weeks)
            sb.Append(w.WeekStart).Append(';').Append(w.Count).Append(';').Append(S(w.MedianMs)).Append(';').Append(S(w.P90Ms)).Append("\r\n");
        return sb.ToString();
    }
}

/// <summary>What the analytics take from the models of the versions asked for: element names and kinds, gateways with their outgoing flows, Frist timers.</summary>
internal sealed record ModelFacts(
    IReadOnlyDictionary<string, (string? Name, string Type)> Elements,
    IReadOnlyList<(string Id, string? Name, IReadOnlyList<(string Id, string? Name, string? Target)> Flows)> Gateways,
    IReadOnlySet<string> FristTimers, IReadOnlySet<string>? FristElements = null)
{
    /// <summary>The facts of the versions, the newest first (an element keeps the newest version's name).</summary>
    public static ModelFacts Of(string processId, IReadOnlyList<DeployedDefinition> versions)
    {
        var elements = new Dictionary<string, (string?, string)>(StringComparer.Ordinal);
        var gateways = new Dictionary<string, (string Id, string? Name, IReadOnlyList<(string, string?, string?)> Flows)>(StringComparer.Ordinal);
        var timers = new HashSet<string>(StringComparer.Ordinal);
        var fristen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in versions)
        {
            var process = d.Definitions?.Processes.FirstOrDefault(p => p.Id == processId);
            if (process is null) continue;
            foreach (var e in process.Descendants().OfType<FlowNode>())
            {
                if (e.Id is not { } id) continue;
                elements.TryAdd(id, (e.ElementName, e.Name.LocalName));
                if (e is Gateway && e.Outgoing.Count > 1 && !gateways.ContainsKey(id))
                    gateways[id] = (id, e.ElementName, e.Outgoing.Where(f => f.Id is not null).Select(f => (f.Id!, f.ElementName, f.TargetRef)).ToList());
                if (e is BoundaryEvent or IntermediateCatchEvent && !string.IsNullOrWhiteSpace(e.Attribute(EgovAttributes.Frist)))
                    timers.Add(id);
                else if (e.Name.LocalName is "userTask" or "receiveTask" && !string.IsNullOrWhiteSpace(e.Attribute(EgovAttributes.Frist)))
                    fristen.Add(id);
            }
        }
        return new ModelFacts(elements, gateways.Values.Select(g => (g.Id, g.Name, g.Flows)).ToList(), timers, fristen);
    }
}

/// <summary>A duration's median and 90th percentile in milliseconds over <see cref="Count"/> cases (null without cases).</summary>
public sealed record DurationDto(long Count, long? MedianMs, long? P90Ms)
{
    internal static DurationDto From(DurationStats s) => new(s.Count, s.MedianMs, s.P90Ms);
}

/// <summary>Instances of the period: started in it, and ended in it (completed, or cancelled).</summary>
public sealed record InstanceFiguresDto(long Started, long Completed, long Cancelled);

/// <summary>
/// One element (of the model, or met in the history): ended element instances (of them cancelled), time spent, the wait
/// before a user task was claimed, incidents created at it, and how many Fristen were missed there: a Frist timer that
/// fired, an element instance that completed after its own egov:frist had passed, an open user task still open after it.
/// </summary>
public sealed record ElementAnalyticsDto(string ElementId, string? Name, string? Type, long Count, long Cancelled, DurationDto Duration, DurationDto ClaimWait,
    long Incidents, long FristenMissed);

/// <summary>An outgoing flow of a gateway and how often a token took it.</summary>
public sealed record FlowAnalyticsDto(string FlowId, string? Name, string? TargetId, long Count);

/// <summary>A gateway with more than one outgoing flow and how often each was taken.</summary>
public sealed record GatewayAnalyticsDto(string GatewayId, string? Name, IReadOnlyList<FlowAnalyticsDto> Flows);

/// <summary>The lead time of the instances that completed in one ISO week (Monday).</summary>
public sealed record WeekAnalyticsDto(string WeekStart, long Count, long? MedianMs, long? P90Ms);

/// <summary>
/// The KVP figures of a process over a period and version (null: every version). <c>fristenMissed</c> counts every Frist
/// passed: the elements' and the cases' own; <c>caseFristenMissed</c> the cases that completed after their own Frist
/// (egov:frist on the process, or the service's Bearbeitungsfrist), <c>caseFristenOpenPast</c> the running cases past it.
/// </summary>
public sealed record AnalyticsDto(string ProcessId, int? Version, string From, string To, InstanceFiguresDto Instances, DurationDto LeadTime,
    IReadOnlyList<WeekAnalyticsDto> Weeks, IReadOnlyList<ElementAnalyticsDto> Elements, IReadOnlyList<GatewayAnalyticsDto> Gateways,
    IReadOnlyDictionary<string, long> FlowsTaken, long Incidents, long FristenMissed)
{
    public long CaseFristenMissed { get; init; }
    public long CaseFristenOpenPast { get; init; }

    internal static AnalyticsDto Of(string processId, int? version, LocalDate from, LocalDate to, ProcessFigures f, ModelFacts model)
    {
        var measured = f.Elements.ToDictionary(e => e.ElementId, StringComparer.Ordinal);
        var ids = model.Elements.Keys.Concat(measured.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var elements = ids.Select(id =>
        {
            var e = measured.GetValueOrDefault(id);
            var baseId = id.EndsWith("#multiInstanceBody", StringComparison.Ordinal) ? id[..^"#multiInstanceBody".Length] : id;
            var (name, type) = model.Elements.TryGetValue(baseId, out var m) ? m : (null, null);
            if (id != baseId) type = "multiInstanceBody";
            var count = e?.Count ?? 0;
            var cancelled = e?.Cancelled ?? 0;
            return new ElementAnalyticsDto(id, name, type, count, cancelled, DurationDto.From(e?.Duration ?? DurationStats.None),
                DurationDto.From(e?.ClaimWait ?? DurationStats.None), e?.Incidents ?? 0,
                // Every Frist passed: a Frist timer that fired, an element that completed after its own Frist, and an open
                // user task still open after its own Frist.
                (model.FristTimers.Contains(id) ? count - cancelled : 0) + (e?.FristenMissed ?? 0)
                + (model.FristElements?.Contains(id) == true ? e?.FristenOpenPast ?? 0 : 0));
        }).ToList();
        var gateways = model.Gateways.Select(g => new GatewayAnalyticsDto(g.Id, g.Name,
            g.Flows.Select(x => new FlowAnalyticsDto(x.Id, x.Name, x.Target, f.FlowsTaken.GetValueOrDefault(x.Id))).ToList())).ToList();
        var weeks = f.Weeks.Select(w => new WeekAnalyticsDto(AnalyticsEndpoints.Iso(w.WeekStart), w.LeadTime.Count, w.LeadTime.MedianMs, w.LeadTime.P90Ms)).ToList();
        return new AnalyticsDto(processId, version, AnalyticsEndpoints.Iso(from), AnalyticsEndpoints.Iso(to),
            new InstanceFiguresDto(f.Started, f.Completed, f.Cancelled), DurationDto.From(f.LeadTime), weeks, elements, gateways,
            f.FlowsTaken, elements.Sum(e => e.Incidents), elements.Sum(e => e.FristenMissed) + f.CaseFristenMissed + f.CaseFristenOpenPast)
        {
            CaseFristenMissed = f.CaseFristenMissed,
            CaseFristenOpenPast = f.CaseFristenOpenPast,
        };
    }
}

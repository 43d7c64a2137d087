using System.Globalization;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Host.Cockpit;

/// <summary>Turns the cockpit's filter (query string or batch body) into a store query; bad values are 400 with what was expected.</summary>
public static class InstanceFilter
{
    public const string States = "running, completed, terminated or incident";

    public static InstanceQuery ToQuery(InstanceFilterDto f)
    {
        ArgumentNullException.ThrowIfNull(f);
        InstanceStatus? status = null;
        var withIncident = f.WithIncident;
        switch (f.State?.Trim().ToLowerInvariant())
        {
            case null or "": break;
            case "running": status = InstanceStatus.Running; break;
            case "completed": status = InstanceStatus.Completed; break;
            case "terminated": status = InstanceStatus.Terminated; break;
            case "incident":
                status = InstanceStatus.Running;
                if (withIncident == false) throw ApiProblemException.BadRequest("state=incident and withIncident=false exclude each other", States);
                withIncident = true;
                break;
            default: throw ApiProblemException.BadRequest($"state '{f.State}' is unknown", States);
        }
        if (f.Version is < 1) throw ApiProblemException.BadRequest($"version {f.Version} is not a version", "version ≥ 1");
        if (f.BusinessKey is { Length: > 200 }) throw ApiProblemException.BadRequest("businessKey is longer than 200 characters", "the start of an Aktenzeichen");
        if (f.StartedFrom is { } a && f.StartedTo is { } b && b < a)
            throw ApiProblemException.BadRequest("startedTo lies before startedFrom", "startedFrom ≤ startedTo");
        return new InstanceQuery(
            string.IsNullOrWhiteSpace(f.ProcessId) ? null : f.ProcessId.Trim(), f.Version, status,
            string.IsNullOrWhiteSpace(f.BusinessKey) ? null : f.BusinessKey.Trim(),
            f.StartedFrom is { } from ? Instant.FromDateTimeOffset(from) : null,
            f.StartedTo is { } to ? Instant.FromDateTimeOffset(to) : null,
            withIncident);
    }

    /// <summary>A time of the query string: an ISO 8601 date-time with offset, or a date (the day's start, UTC).</summary>
    public static DateTimeOffset? Time(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (DateTimeOffset.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day)) return day;
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)) return at;
        throw ApiProblemException.BadRequest($"{name} '{text}' is no date or date-time", "YYYY-MM-DD or an ISO 8601 date-time");
    }

    /// <summary>Every id the filter matches (newest first), at most <paramref name="max"/>; more is refused with 400.</summary>
    public static List<string> AllIds(IRuntimeStore store, string tenantId, InstanceQuery query, int max)
    {
        ArgumentNullException.ThrowIfNull(store);
        var ids = new List<string>();
        const int page = 1000;
        for (var offset = 0; ; offset += page)
        {
            var rows = store.InstancesPage(tenantId, query, offset, page);
            if (offset == 0 && rows.Total > max)
                throw ApiProblemException.BadRequest($"the filter matches {rows.Total} cases; a batch takes at most {max}", "a narrower filter");
            ids.AddRange(rows.Items.Select(r => r.Id));
            if (rows.Items.Count < page) break;
        }
        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    public static string StateName(InstanceStatus s) => s switch
    {
        InstanceStatus.Running => "running",
        InstanceStatus.Completed => "completed",
        _ => "terminated",
    };
}

using System.Collections.Concurrent;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>
/// How long cases of one process version still took from a milestone to their end: the median over the finished citizen
/// cases of that version (the newest <see cref="SampleSize"/> citizen cases of the process are looked at), from the first
/// time the case reached an element with that milestone name to the end of its last element. Fewer than
/// <see cref="MinimumCases"/> finished cases: no estimate. An estimate is kept for <see cref="CacheFor"/>; too little history
/// is never kept, so the first estimate appears as soon as the history allows.
/// </summary>
public sealed class CompletionEstimates(CitizenStatusStore store, TimeProvider? time = null)
{
    public const int MinimumCases = 5;
    public const int SampleSize = 200;
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(string, string, int, string), (DateTimeOffset At, TimeSpan Median, int Count)> _cache = new();

    /// <summary>The median remaining time from <paramref name="milestone"/> and how many finished cases it rests on (median null below the minimum).</summary>
    public async Task<(TimeSpan? Median, int Cases)> MedianRemainingAsync(TenantEngine t, string processId, int version, string milestone, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(t);
        var key = (t.TenantId, processId, version, milestone);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && now - hit.At < CacheFor) return (hit.Median, hit.Count);
        var milestoneElements = (t.Catalog.Find(processId, version)?.Definitions?.Processes ?? [])
            .SelectMany(p => p.Descendants())
            .Where(e => e.Id is not null && e.Attribute(CitizenCases.Milestone)?.Trim() == milestone)
            .Select(e => e.Id!).ToHashSet(StringComparer.Ordinal);
        var samples = new List<TimeSpan>();
        foreach (var id in await store.CaseInstancesOfProcessAsync(t.TenantId, processId, SampleSize, cancel))
        {
            ProcessInstanceView view;
            try { view = t.Engine.GetInstance(id); }
            catch (WorkflowNotFoundException) { continue; }
            if (view.Version != version || view.State != InstanceState.Completed || view.History.Count == 0) continue;
            var reached = view.History.Where(h => milestoneElements.Contains(h.ElementId)).Select(h => h.StartedAt).DefaultIfEmpty().Min();
            if (!view.History.Any(h => milestoneElements.Contains(h.ElementId))) continue;
            var ended = view.History.Max(h => h.EndedAt);
            samples.Add((ended - reached).ToTimeSpan());
        }
        if (samples.Count < MinimumCases) return (null, samples.Count);
        samples.Sort();
        var mid = samples.Count / 2;
        var median = samples.Count % 2 == 1 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
        _cache[key] = (now, median, samples.Count);
        return (median, samples.Count);
    }
}

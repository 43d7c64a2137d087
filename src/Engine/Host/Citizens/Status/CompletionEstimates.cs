using System.Collections.Concurrent;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>
/// How long cases of one process version still took from a milestone to their end: the median over the finished cases of
/// that version — every completed case, also those staff started, the most recently ended <see cref="SampleSize"/> — from
/// the first time the case reached an element with that milestone name to its end. The store answers it with one query
/// (<see cref="IRuntimeStore.RemainingDurations"/>; SQL on SQLite and PostgreSQL). Fewer than <see cref="MinimumCases"/>
/// finished cases: no estimate. An estimate is kept for <see cref="CacheFor"/>; too little history is never kept, so the
/// first estimate appears as soon as the history allows.
/// </summary>
public sealed class CompletionEstimates(IRuntimeStore store, TimeProvider? time = null)
{
    public const int MinimumCases = 5;
    public const int SampleSize = 500;
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(string, string, int, string), (DateTimeOffset At, TimeSpan Median, int Count)> _cache = new();

    /// <summary>The median remaining time from <paramref name="milestone"/> and how many finished cases it rests on (median null below the minimum).</summary>
    public Task<(TimeSpan? Median, int Cases)> MedianRemainingAsync(TenantEngine t, string processId, int version, string milestone, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(t);
        var key = (t.TenantId, processId, version, milestone);
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && now - hit.At < CacheFor) return Task.FromResult<(TimeSpan?, int)>((hit.Median, hit.Count));
        cancel.ThrowIfCancellationRequested();
        var milestoneElements = (t.Catalog.Find(processId, version)?.Definitions?.Processes ?? [])
            .SelectMany(p => p.Descendants())
            .Where(e => e.Id is not null && e.Attribute(CitizenCases.Milestone)?.Trim() == milestone)
            .Select(e => e.Id!).ToHashSet(StringComparer.Ordinal);
        var samples = store.RemainingDurations(t.TenantId, processId, version, milestoneElements, SampleSize)
            .Select(d => d.ToTimeSpan()).Where(d => d >= TimeSpan.Zero).ToList();
        if (samples.Count < MinimumCases) return Task.FromResult<(TimeSpan?, int)>((null, samples.Count));
        samples.Sort();
        var mid = samples.Count / 2;
        var median = samples.Count % 2 == 1 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;
        _cache[key] = (now, median, samples.Count);
        return Task.FromResult<(TimeSpan?, int)>((median, samples.Count));
    }
}

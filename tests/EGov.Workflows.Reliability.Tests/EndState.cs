using System.Collections.Concurrent;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>Waits until the work is done, then lists everything that is not as the rules say (empty: all is well).</summary>
public static class EndState
{
    /// <summary>
    /// Polls the database until <paramref name="expected"/> instances are completed. Not a timing assertion: it fails only
    /// when nothing ends (no element instance, no instance) for <paramref name="stall"/>, i.e. the run would never finish,
    /// however slow a loaded machine makes it. Stops early at the first incident, which no retry would resolve.
    /// </summary>
    public static async Task WaitUntilCompletedAsync(StoreProbe probe, int expected, TimeSpan stall, string replay)
    {
        var lastProgress = DateTime.UtcNow;
        var (completed, ended) = (-1, -1);
        while (true)
        {
            var now = (await probe.CountAsync("instances", $"{StoreProbe.OfTheModel} AND status = 'Completed'"), await probe.CountAsync("history_element_instances"));
            if (now.Item1 >= expected) return;
            if (now != (completed, ended)) (completed, ended, lastProgress) = (now.Item1, now.Item2, DateTime.UtcNow);
            else if (DateTime.UtcNow - lastProgress > stall) break;
            var incidents = await probe.IncidentsAsync();
            incidents.ShouldBeEmpty($"incidents instead of completion ({replay})");
            await Task.Delay(500);
        }
        var jobs = await probe.CountAsync("jobs");
        completed.ShouldBe(expected, $"completed instances when nothing had ended for {stall.TotalSeconds:0} s; {jobs} jobs still open ({replay})");
    }

    /// <summary>
    /// Polls the database until no instance matches <paramref name="where"/> (e.g. not completed); fails only when the count
    /// has not moved for <paramref name="stall"/> (not a timing assertion), or at the first incident.
    /// </summary>
    public static async Task WaitUntilNoneAsync(StoreProbe probe, string where, TimeSpan stall, string replay)
    {
        var lastProgress = DateTime.UtcNow;
        var left = -1;
        while (true)
        {
            var now = await probe.CountAsync("instances", where);
            if (now == 0) return;
            if (now != left) (left, lastProgress) = (now, DateTime.UtcNow);
            else if (DateTime.UtcNow - lastProgress > stall) break;
            (await probe.IncidentsAsync()).ShouldBeEmpty($"incidents instead of completion ({replay})");
            await Task.Delay(500);
        }
        left.ShouldBe(0, $"instances where {where}, unchanged for {stall.TotalSeconds:0} s ({replay})");
    }

    /// <summary>Every rule of the run: one instance per business key, each completed and right, no element twice, nothing left over.</summary>
    public static async Task<List<string>> ProblemsAsync(InstanceLoad load, IReadOnlyList<EngineClient> clients, StoreProbe probe)
    {
        var problems = new ConcurrentBag<string>();
        var byKey = await probe.InstancesByBusinessKeyAsync();
        for (var n = 0; n < load.Count; n++)
        {
            var key = InstanceLoad.BusinessKey(n);
            var found = byKey.GetValueOrDefault(key) ?? [];
            if (found.Count != 1) problems.Add($"business key {key}: {found.Count} instances [{string.Join(",", found.Select(f => $"{f.Id} {f.Status}"))}], expected exactly one");
            else if (load.Instances.TryGetValue(n, out var id) && id != found[0].Id) problems.Add($"business key {key}: the server answered {id}, the database has {found[0].Id}");
        }
        var total = byKey.Values.Sum(v => v.Count);
        if (total != load.Count) problems.Add($"{total} instances in the database, {load.Count} started");
        foreach (var d in await probe.DuplicateHistoryAsync()) problems.Add($"element instance recorded more than once: {d}");
        if (await probe.CountAsync("jobs") is var jobs and > 0) problems.Add($"{jobs} jobs left over");
        foreach (var refused in load.Refused) problems.Add($"start refused: {refused}");

        var next = 0;
        await Parallel.ForEachAsync(load.Instances, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (kv, _) =>
        {
            var client = clients[Interlocked.Increment(ref next) % clients.Count];
            var instance = await client.InstanceAsync(kv.Value);
            var history = await client.HistoryAsync(kv.Value);
            foreach (var p in ReliabilityModel.Problems(kv.Key, kv.Value, instance, history)) problems.Add(p);
        });
        return problems.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A failure message that shows the first problems, how many there are, and how to replay the run.</summary>
    public static string Describe(List<string> problems, string replay) =>
        $"{problems.Count} problems (replay: {replay}):\n  " + string.Join("\n  ", problems.Take(25));
}

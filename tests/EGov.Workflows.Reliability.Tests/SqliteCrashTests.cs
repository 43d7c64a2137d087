using System.Diagnostics;
using Xunit.Abstractions;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// (Issue 4, item 11a) One <c>egov serve</c> on a SQLite file, killed with SIGKILL at random moments while it starts
/// instances and runs their jobs and timers, and restarted on the same file: nothing is lost and nothing happens twice.
/// </summary>
public sealed class SqliteCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KilledAtRandomMoments_EveryInstanceCompletesExactlyOnce_NoStepTwice_NoVariableLost()
    {
        var settings = ReliabilitySettings.For(ciInstances: 60, fullInstances: 1000);
        var replay = settings.Replay;
        output.WriteLine($"SQLite crash run: {settings.Instances} instances, {settings.Kills} kills, seed {settings.Seed} (replay: {replay})");
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        var db = Path.Combine(folder.Path, "data", "egov.db");
        var probe = StoreProbe.Sqlite(db);
        var random = new Random(settings.Seed);
        var load = new InstanceLoad(settings.Instances);
        var clock = Stopwatch.StartNew();
        var killsWithWorkInFlight = 0;

        for (var kill = 1; kill <= settings.Kills; kill++)
        {
            var delay = TimeSpan.FromMilliseconds(random.Next(200, 2500));
            // No --node-id: what a plain `./egov serve` does after a crash is the point.
            var server = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
            await using (server)
            {
                // A share of the instances per life of the server; the kill comes while they start or while their jobs run.
                var wave = (settings.Instances - load.Acknowledged) / (settings.Kills - kill + 2);
                using var stop = new CancellationTokenSource();
                var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var starting = load.StartAsync([server.Client], Math.Max(wave, 1), parallel: 4, stop.Token, first);
                await Task.WhenAny(first.Task, starting);
                await Task.Delay(delay);
                await server.KillAsync();
                await stop.CancelAsync();
                await starting;
            }
            await load.SettleAsync(probe);
            var open = await probe.CountAsync("instances", "status <> 'Completed'");
            var jobs = await probe.CountAsync("jobs");
            var ended = await probe.CountAsync("history_element_instances");
            if (open > 0 && jobs > 0) killsWithWorkInFlight++;
            output.WriteLine($"kill {kill} at {clock.Elapsed.TotalSeconds:0.0} s ({delay.TotalMilliseconds:0} ms after the first start answered): " +
                             $"{load.Acknowledged} started, {open} not completed, {jobs} jobs open, {ended} element instances ended so far");
        }

        var last = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
        await using (last)
        {
            using var never = new CancellationTokenSource();
            await load.StartAsync([last.Client], settings.Instances, parallel: 4, never.Token);
            load.AllStarted.ShouldBeTrue($"every start answered by the last server ({replay})");
            await EndState.WaitUntilCompletedAsync(probe, settings.Instances, TimeSpan.FromMinutes(3) + settings.Instances * TimeSpan.FromMilliseconds(300), replay);
            output.WriteLine($"all {settings.Instances} completed at {clock.Elapsed.TotalSeconds:0.0} s");
            var problems = await EndState.ProblemsAsync(load, [last.Client], probe);
            problems.ShouldBeEmpty(EndState.Describe(problems, replay));
        }
        // Every kill must have hit unfinished work, or the run proved nothing about crashes.
        killsWithWorkInFlight.ShouldBe(settings.Kills, $"kills that met open instances and jobs ({replay})");
        output.WriteLine($"checked in {clock.Elapsed.TotalSeconds:0.0} s: {settings.Instances} instances, {settings.Kills} kills, no duplicate, no lost variable");
    }
}

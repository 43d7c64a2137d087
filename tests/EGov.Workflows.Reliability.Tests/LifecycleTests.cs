using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// (Issue 15, items 3 and 5) Routine operations on a real <c>egov serve</c> under load: an online backup taken while
/// starts and jobs commit, restored into a new file, holds every start answered before it began and passes SQLite's
/// integrity check; a restore over the live database is refused. SIGTERM while starts and jobs run: the server refuses new
/// requests (503), answers those in flight, hands back its leases and exits 0 within its --shutdown-timeout; after a
/// restart every instance completes with each step run exactly once.
/// </summary>
public sealed class LifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task BackupUnderLoad_RestoredHoldsEveryStartAnsweredBeforeIt_AndPassesTheIntegrityCheck()
    {
        var settings = ReliabilitySettings.For(ciInstances: 80, fullInstances: 1000);
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        var db = Path.Combine(folder.Path, "data", "egov.db");
        var backup = Path.Combine(folder.Path, "backups", "egov-backup.db");
        var restored = Path.Combine(folder.Path, "restored", "egov.db");
        // A paced load with room to spare (at most 40 starts a second of ten times the instances), stopped only after the backup
        // and the refused restore: with a fixed count it could end before the backup did, and then it was not under load.
        var load = new InstanceLoad(settings.Instances * 10) { Pace = TimeSpan.FromMilliseconds(100) };

        var server = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
        IReadOnlyDictionary<int, string> answeredBefore;
        await using (server)
        {
            using var stop = new CancellationTokenSource();
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var starting = load.StartAsync([server.Client], load.Count, parallel: 4, stop.Token, first);
            await Task.WhenAny(first.Task, starting);
            while (load.Acknowledged < settings.Instances / 3 && !starting.IsCompleted) await Task.Delay(50);

            answeredBefore = new Dictionary<int, string>(load.Instances); // every start answered before the backup began
            var (code, text) = await EgovServe.RunCliAsync(folder.Path, "backup", "--store", $"sqlite:{db}", "--to", backup);
            var answeredAfterBackup = load.Acknowledged;
            output.WriteLine(text);
            code.ShouldBe(0, text);
            starting.IsCompleted.ShouldBeFalse("the load still ran when the backup finished (else it was not taken under load)");

            // Over the live database: refused, the server keeps its file.
            var (refusedCode, refusedText) = await EgovServe.RunCliAsync(folder.Path, "restore", "--from", backup, "--store", $"sqlite:{db}", "--force");
            refusedCode.ShouldBe(1, refusedText);
            refusedText.ShouldContain("in use");

            await stop.CancelAsync();
            await starting;
            load.Refused.ShouldBeEmpty();
            output.WriteLine($"{answeredBefore.Count} starts answered before the backup, {answeredAfterBackup} when it ended, {load.Acknowledged} in all");
        }

        var (restoreCode, restoreText) = await EgovServe.RunCliAsync(folder.Path, "restore", "--from", backup, "--store", $"sqlite:{restored}");
        output.WriteLine(restoreText);
        restoreCode.ShouldBe(0, restoreText);

        var probe = StoreProbe.Sqlite(restored);
        var byKey = await probe.InstancesByBusinessKeyAsync();
        var missing = answeredBefore.Where(kv => !byKey.TryGetValue(InstanceLoad.BusinessKey(kv.Key), out var f) || f.Single().Id != kv.Value).ToList();
        missing.ShouldBeEmpty($"starts answered before the backup but not in it: {string.Join(", ", missing.Take(10).Select(m => m.Value))}");
        byKey.Values.Sum(v => v.Count).ShouldBeLessThanOrEqualTo(load.Acknowledged + load.Uncertain);
        (await probe.DuplicateHistoryAsync()).ShouldBeEmpty();
        using (var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = restored, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA integrity_check;";
            cmd.ExecuteScalar().ShouldBe("ok");
        }

        // The restored database serves: a server starts on it and the restored cases run to completion.
        var again = await EgovServe.StartAsync($"sqlite:{restored}", processes, nodeId: null, folder.Path);
        await using (again)
        {
            var inBackup = byKey.Values.Sum(v => v.Count);
            await EndState.WaitUntilCompletedAsync(probe, inBackup, stall: TimeSpan.FromMinutes(2), settings.Replay);
            (await probe.DuplicateHistoryAsync()).ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Serve_OnADatabaseANewerBuildMigrated_RefusesToStart_WithExitCode1_AndWhatToDo()
    {
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        var db = Path.Combine(folder.Path, "data", "egov.db");
        await EgovServe.ClientFor($"sqlite:{db}", folder.Path); // creates the database as this build's tools do
        using (var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString()))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (9999, 'from_a_newer_build', '2027-01-01');";
            cmd.ExecuteNonQuery();
        }

        var (code, text) = await EgovServe.RunCliAsync(folder.Path, "serve", "--urls", "http://127.0.0.1:0", "--store", $"sqlite:{db}", "--processes", processes);

        output.WriteLine(text);
        code.ShouldBe(1, text);
        text.ShouldContain("schema version 9999, which this build does not know");
        text.ShouldContain("Run the newer build on it, or restore a backup taken before the upgrade");
        text.ShouldNotContain("listening on");
    }

    [Fact]
    public async Task Sigterm_UnderLoad_RefusesNewWork_AnswersInFlight_ReleasesLeases_ExitsInTime_AndNothingIsLostOrRunTwice()
    {
        var settings = ReliabilitySettings.For(ciInstances: 60, fullInstances: 1000);
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        var db = Path.Combine(folder.Path, "data", "egov.db");
        var probe = StoreProbe.Sqlite(db);
        var load = new InstanceLoad(settings.Instances) { RetryWhenUnavailable = true };
        var timeout = TimeSpan.FromSeconds(20);
        string[] args = ["--shutdown-timeout", ((int)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)];

        var server = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path, extraArguments: args);
        (int ExitCode, TimeSpan Took) stopped;
        using (var stop = new CancellationTokenSource())
        {
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var starting = load.StartAsync([server.Client], settings.Instances, parallel: 4, stop.Token, first);
            await Task.WhenAny(first.Task, starting);
            while (load.Acknowledged < settings.Instances / 2 && !starting.IsCompleted) await Task.Delay(50);
            var jobsBefore = await probe.CountAsync("jobs");

            stopped = await server.TerminateAsync(timeout + TimeSpan.FromSeconds(30));
            var text = server.Output;
            output.WriteLine($"SIGTERM with {load.Acknowledged} starts answered and {jobsBefore} jobs open: exit {stopped.ExitCode} after {stopped.Took.TotalSeconds:0.0} s; " +
                             $"{load.Unavailable} starts answered 503, {load.Broken} connections broken mid-request");
            output.WriteLine(string.Join('\n', text.Split('\n').Where(l => l.Contains("stop", StringComparison.Ordinal))));
            stopped.ExitCode.ShouldBe(0, text);
            stopped.Took.ShouldBeLessThan(timeout + TimeSpan.FromSeconds(10), "the stop takes at most the shutdown timeout (plus the process's own exit)");
            text.ShouldContain("egov serve: stopped");
            (await probe.LeaseOwnersAsync()).ShouldBeEmpty("a stopped node holds no job leases");
            jobsBefore.ShouldBeGreaterThan(0, "jobs were open when SIGTERM came (else the stop proved nothing about jobs)");
            load.Unavailable.ShouldBeGreaterThan(0, "starts sent while the server was stopping are answered 503 (it took no new work)");

            await stop.CancelAsync();
            await starting;
            await server.DisposeAsync();
        }
        load.Broken.ShouldBe(0, $"every request the server had received was answered (201, or 503 once it was stopping): {string.Join("; ", load.BrokenBy)}");
        await load.SettleAsync(probe);

        var last = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
        await using (last)
        {
            using var never = new CancellationTokenSource();
            await load.StartAsync([last.Client], settings.Instances, parallel: 4, never.Token);
            load.AllStarted.ShouldBeTrue(settings.Replay);
            await EndState.WaitUntilCompletedAsync(probe, settings.Instances, stall: TimeSpan.FromMinutes(3), settings.Replay);
            var problems = await EndState.ProblemsAsync(load, [last.Client], probe);
            problems.ShouldBeEmpty(EndState.Describe(problems, settings.Replay));
        }
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// (Issue 21) Faults injected into real <c>egov serve</c> processes under load, each ending with one line of the faults
/// table that <c>scripts/reliability.sh --faults</c> prints: how many starts were acknowledged, lost (must be 0),
/// duplicated (0), stuck after recovery (0), how the fault was reported, and how long recovery took. PostgreSQL is stopped
/// and crashed on a cluster each test starts for itself (<see cref="OwnPostgres"/>). A full disk and a read-only volume
/// are a small tmpfs of the test's own (<see cref="SmallDisk"/>: needs root, skipped with the reason elsewhere); the
/// persistence tests (StorageFaultTests) cover the same faults in-process on real SQLite files and PostgreSQL.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KillDashNine_UnderLoad_NothingLostOrDuplicated_NothingStuckAfterTheRestart()
    {
        var settings = ReliabilitySettings.For(ciInstances: 40, fullInstances: 500, ciKills: 1, fullKills: 1);
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        var db = Path.Combine(folder.Path, "data", "egov.db");
        var probe = StoreProbe.Sqlite(db);
        var load = new InstanceLoad(settings.Instances);
        string reported;
        TimeSpan recovered;

        var server = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
        await using (server)
        {
            using var stop = new CancellationTokenSource();
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var starting = load.StartAsync([server.Client], settings.Instances / 2, parallel: 4, stop.Token, first);
            await Task.WhenAny(first.Task, starting);
            await Task.Delay(TimeSpan.FromMilliseconds(new Random(settings.Seed).Next(300, 1500)));
            await server.KillAsync();
            await stop.CancelAsync();
            await starting;
            reported = load.Uncertain > 0 ? $"{load.Uncertain} requests without answer (connection reset)" : "connection refused";
        }
        var killedAt = Stopwatch.StartNew();
        var restarted = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
        await using (restarted)
        {
            await WaitReadyAsync(restarted.BaseAddress);
            recovered = killedAt.Elapsed;
            await load.SettleAsync(probe);
            await load.StartAsync([restarted.Client], settings.Instances, parallel: 4, CancellationToken.None);
            await Report("kill -9 of the server (SQLite)", load, probe, [restarted.Client], reported, recovered, settings.Replay);
        }
    }

    [Fact]
    public async Task DatabaseFilesMovedAwayWhileServing_WritesAreRefused_AndWithTheFilesBackNothingIsLost()
    {
        var settings = ReliabilitySettings.For(ciInstances: 30, fullInstances: 300, ciKills: 1, fullKills: 1);
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        var db = Path.Combine(folder.Path, "data", "egov.db");
        var aside = Path.Combine(folder.Path, "aside");
        Directory.CreateDirectory(aside);
        var probe = StoreProbe.Sqlite(db);
        var load = new InstanceLoad(settings.Instances);
        string reported;
        TimeSpan recovered;

        var server = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
        await using (server)
        {
            await load.StartAsync([server.Client], settings.Instances / 2, parallel: 4, CancellationToken.None);
            var files = new[] { "egov.db", "egov.db-wal", "egov.db-shm" };
            foreach (var f in files.Where(f => File.Exists(Path.Combine(folder.Path, "data", f))))
                File.Move(Path.Combine(folder.Path, "data", f), Path.Combine(aside, f));

            // While the files are away: every start refused with a problem that says why, readiness 503 with the reason.
            var answer = await server.Client.PostAsync($"api/process-definitions/{ReliabilityModel.ProcessId}/start",
                new { variables = ReliabilityModel.StartVariables(-1), businessKey = "nach-dem-fehler" });
            answer.Status.ShouldBe(503, answer.Body);
            var title = JsonNode.Parse(answer.Body)!["title"]!.GetValue<string>();
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            using var ready = await http.GetAsync("health/ready");
            ((int)ready.StatusCode).ShouldBe(503);
            var reason = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["reason"]?.GetValue<string>();
            reported = $"503 \"{title}\" on writes; /health/ready 503 \"{reason}\"";
            await server.KillAsync();

            var backAt = Stopwatch.StartNew();
            foreach (var f in Directory.GetFiles(aside)) File.Move(f, Path.Combine(folder.Path, "data", Path.GetFileName(f)));
            var restarted = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
            await using (restarted)
            {
                await WaitReadyAsync(restarted.BaseAddress);
                recovered = backAt.Elapsed;
                (await probe.CountAsync("instances", "business_key = 'nach-dem-fehler'")).ShouldBe(0, "the refused start left nothing");
                await load.StartAsync([restarted.Client], settings.Instances, parallel: 4, CancellationToken.None);
                await Report("database files moved away while serving (SQLite)", load, probe, [restarted.Client], reported, recovered, settings.Replay);
            }
        }
    }

    /// <summary>
    /// The disk under a serving SQLite node fills up (a 64 MB tmpfs of its own, filled to the last byte from outside): starts
    /// are refused with 503 "Storage full", and readiness, when it fails, says "disk full"; once the space is freed the node
    /// works again on its own, without a restart, and every start is there once, every case completes (its jobs ran again).
    /// </summary>
    [SmallDiskFact]
    public async Task DiskFullUnderAServingNode_StartsAre503_AndWithSpaceFreedItRecoversWithoutARestart()
    {
        var settings = ReliabilitySettings.For(ciInstances: 60, fullInstances: 400, ciKills: 1, fullKills: 1);
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        using var disk = SmallDisk.Mount(Path.Combine(folder.Path, "data"), megabytes: 64);
        var db = Path.Combine(disk.Path, "egov.db");
        var probe = StoreProbe.Sqlite(db);
        var load = new InstanceLoad(settings.Instances);
        string reported;
        TimeSpan recovered;

        var server = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
        await using (server)
        {
            await load.StartAsync([server.Client], settings.Instances / 3, parallel: 4, CancellationToken.None);
            var filled = disk.Fill();
            // SQLite may still write into pages its files already hold: start one at a time until the disk says no (bounded).
            for (var tries = 0; load.Unavailable == 0 && tries < settings.Instances / 3; tries++)
                await load.StartAsync([server.Client], 1, parallel: 1, CancellationToken.None);
            load.Unavailable.ShouldBeGreaterThan(0, $"a start was refused once the disk was full ({filled / 1024} KB filled)");
            var title = Title(load.FirstUnavailable);
            title.ShouldBe("Storage full", load.FirstUnavailable);
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            // Readiness writes one small row: in space the database's files already hold (a WAL grown by the refused
            // transaction) that write may still succeed, and then the node is honestly ready for small commits (ci9 saw it
            // once). So it is read for a few seconds (answers are cached for a second); when it says 503, the reason must be
            // the disk.
            string readiness = "/health/ready stayed 200 (its small probe write still fitted)";
            for (var until = DateTime.UtcNow.AddSeconds(5); DateTime.UtcNow < until; await Task.Delay(250))
            {
                using var ready = await http.GetAsync("health/ready");
                if ((int)ready.StatusCode != 503) continue;
                var reason = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["reason"]?.GetValue<string>();
                reason.ShouldBe("disk full");
                readiness = $"/health/ready 503 \"{reason}\"";
                break;
            }
            reported = $"503 \"{title}\" on writes ({load.Unavailable} starts); {readiness}";

            disk.Free();
            var freedAt = Stopwatch.StartNew();
            await WaitReadyAsync(server.BaseAddress);
            recovered = freedAt.Elapsed;
            await load.SettleAsync(probe);
            await load.StartAsync([server.Client], settings.Instances, parallel: 4, CancellationToken.None);
            await Report("disk full under a serving node (SQLite on a 64 MB tmpfs, filled from outside)", load, probe, [server.Client], reported,
                recovered, settings.Replay, "from freeing the space to /health/ready 200, no restart");
        }
    }

    /// <summary>
    /// The volume comes back read-only under a node that starts on it (a tmpfs remounted read-only from outside while no node
    /// runs; the kernel refuses the remount while a node has the database open for writing): the node says so — it does not
    /// start, or starts not ready and refuses writes with 503 "Database read-only" — and after the remount read-write the same
    /// node is ready again without a restart (or, when it refused to start, a node started then), and nothing is lost,
    /// duplicated or stuck.
    /// </summary>
    [SmallDiskFact]
    public async Task ANodeStartingOnAReadOnlyVolume_SaysSo_AndOnTheWritableVolumeNothingIsLost()
    {
        var settings = ReliabilitySettings.For(ciInstances: 40, fullInstances: 400, ciKills: 1, fullKills: 1);
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        using var disk = SmallDisk.Mount(Path.Combine(folder.Path, "data"), megabytes: 64);
        var db = Path.Combine(disk.Path, "egov.db");
        var probe = StoreProbe.Sqlite(db);
        var load = new InstanceLoad(settings.Instances);
        var reported = "";
        TimeSpan recovered;

        var first = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
        await using (first)
        {
            using var stop = new CancellationTokenSource();
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var starting = load.StartAsync([first.Client], settings.Instances / 2, parallel: 4, stop.Token, started);
            await Task.WhenAny(started.Task, starting);
            await first.KillAsync(); // with its jobs in flight: they wait for the next life
            await stop.CancelAsync();
            await starting;
        }
        disk.RemountReadOnly();
        EgovServe? onReadOnly = null;
        try
        {
            onReadOnly = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
        }
        catch (InvalidOperationException refused) when (refused.Message.Contains("did not start", StringComparison.Ordinal))
        {
            // Refusing to start is an honest answer when it says why, in one line, without a stack trace.
            refused.Message.ShouldContain("read-only", Case.Insensitive);
            refused.Message.ShouldNotContain("   at ");
            reported = $"serve refused to start: {refused.Message.Split('\n').Skip(1).FirstOrDefault(l => l.Contains("read-only", StringComparison.OrdinalIgnoreCase))?.Trim()}";
        }
        if (onReadOnly is not null)
        {
            await using (onReadOnly)
            {
                using var http = new HttpClient { BaseAddress = onReadOnly.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
                using var ready = await http.GetAsync("health/ready");
                ((int)ready.StatusCode).ShouldBe(503);
                var reason = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["reason"]?.GetValue<string>();
                var answer = await onReadOnly.Client.PostAsync($"api/process-definitions/{ReliabilityModel.ProcessId}/start",
                    new { variables = ReliabilityModel.StartVariables(-1), businessKey = "auf-dem-schreibgeschuetzten" });
                answer.Status.ShouldBe(503, answer.Body);
                reported = $"started not ready: /health/ready 503 \"{reason}\"; writes 503 \"{Title(answer.Body)}\"";
                (await probe.CountAsync("instances", "business_key = 'auf-dem-schreibgeschuetzten'")).ShouldBe(0, "nothing written on the read-only volume");

                // The operator remounts the volume read-write: the node that started on it is ready again on its own and
                // takes the rest of the load — no restart (SQLite's pool held the read-only connections; the probe lets them go).
                disk.RemountWritable();
                var healed = Stopwatch.StartNew();
                await WaitReadyAsync(onReadOnly.BaseAddress);
                recovered = healed.Elapsed;
                await load.SettleAsync(probe);
                await load.StartAsync([onReadOnly.Client], settings.Instances, parallel: 4, CancellationToken.None);
                await Report("a node starting on a volume remounted read-only (SQLite on a tmpfs)", load, probe, [onReadOnly.Client], reported, recovered,
                    settings.Replay, "from the remount read-write to /health/ready 200 of the same node, not restarted");
                return;
            }
        }

        (await probe.CountAsync("instances", "business_key = 'auf-dem-schreibgeschuetzten'")).ShouldBe(0, "nothing written on the read-only volume");
        disk.RemountWritable();
        var writableAt = Stopwatch.StartNew();
        var restarted = await EgovServe.StartAsync($"sqlite:{db}", processes, nodeId: null, folder.Path);
        await using (restarted)
        {
            await WaitReadyAsync(restarted.BaseAddress);
            recovered = writableAt.Elapsed;
            await load.SettleAsync(probe);
            await load.StartAsync([restarted.Client], settings.Instances, parallel: 4, CancellationToken.None);
            await Report("a node starting on a volume remounted read-only (SQLite on a tmpfs)", load, probe, [restarted.Client], reported, recovered,
                settings.Replay, "from the remount read-write to /health/ready 200 of a node started on it");
        }
    }

    /// <summary>The title of a problem answer (or of the client's message that carries its body).</summary>
    private static string? Title(string? answer) =>
        answer is null ? null : System.Text.RegularExpressions.Regex.Match(answer, "\"title\"\\s*:\\s*\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : answer;

    /// <summary>
    /// PostgreSQL stopped (<c>pg_ctl stop -m fast</c>) or crashed (kill -9 of the postmaster) under load, then started again
    /// on the same data: starts during the outage answer 503 and readiness says why; afterwards every start is there once,
    /// every case completes (the jobs that failed during the outage are run again), and the node recovers on its own.
    /// </summary>
    [OwnPostgresTheory]
    [InlineData("halt")]
    [InlineData("crash")]
    public async Task PostgresStoppedOrCrashedUnderLoad_StartsAre503_AndAfterTheRestartNothingIsLostDuplicatedOrStuck(string how)
    {
        var settings = ReliabilitySettings.For(ciInstances: 40, fullInstances: 400, ciKills: 1, fullKills: 1);
        await using var pg = await OwnPostgres.StartAsync();
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        var store = $"postgres:{pg.Connection}";
        var probe = StoreProbe.Postgres(pg.Connection);
        var load = new InstanceLoad(settings.Instances);
        string reported;
        TimeSpan recovered;

        var server = await EgovServe.StartAsync(store, processes, "node-1", folder.Path);
        await using (server)
        {
            using var stop = new CancellationTokenSource();
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var starting = load.StartAsync([server.Client], settings.Instances / 2, parallel: 4, stop.Token, first);
            await Task.WhenAny(first.Task, starting);
            await Task.Delay(TimeSpan.FromMilliseconds(new Random(settings.Seed).Next(300, 1500)));
            if (how == "halt") await pg.HaltAsync(); else await pg.CrashAsync();
            var downAt = Stopwatch.StartNew();

            // While it is away: a start answers 503 with a title that says so, readiness 503 with the reason.
            var answer = await server.Client.PostAsync($"api/process-definitions/{ReliabilityModel.ProcessId}/start",
                new { variables = ReliabilityModel.StartVariables(-1), businessKey = "waehrend-des-ausfalls" });
            answer.Status.ShouldBe(503, answer.Body);
            var title = JsonNode.Parse(answer.Body)!["title"]!.GetValue<string>();
            using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            using (var ready = await http.GetAsync("health/ready"))
            {
                ((int)ready.StatusCode).ShouldBe(503);
                var reason = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["reason"]?.GetValue<string>();
                reported = $"503 \"{title}\" on writes; /health/ready 503 \"{reason}\"";
            }
            var outage = TimeSpan.FromSeconds(3) - downAt.Elapsed;
            if (outage > TimeSpan.Zero) await Task.Delay(outage);
            await stop.CancelAsync();
            await starting;
            reported += load.Unavailable > 0 ? $"; {load.Unavailable} starts of the load answered 503" : "";

            await pg.ResumeAsync();
            var backAt = Stopwatch.StartNew();
            await WaitReadyAsync(server.BaseAddress);
            recovered = backAt.Elapsed;
            (await probe.CountAsync("instances", "business_key = 'waehrend-des-ausfalls'")).ShouldBe(0, "the refused start left nothing");
            await load.SettleAsync(probe);
            await load.StartAsync([server.Client], settings.Instances, parallel: 4, CancellationToken.None);
            await Report(how == "halt" ? "PostgreSQL stopped (pg_ctl stop -m fast) under load" : "PostgreSQL crashed (kill -9 of the postmaster) under load",
                load, probe, [server.Client], reported, recovered, settings.Replay, "from PostgreSQL's restart to /health/ready 200");
        }
    }

    /// <summary>
    /// Two nodes on one PostgreSQL; the second is killed (SIGKILL) while it holds job leases. Its jobs are taken over by the
    /// first once their lease (10 s here, <c>--job-lease</c>) ends, without a restart of the killed node; every case completes
    /// exactly once.
    /// </summary>
    [OwnPostgresFact]
    public async Task ANodeKilledHoldingJobLeases_ItsJobsAreTakenOverAfterTheLease_NothingLostDuplicatedOrStuck()
    {
        const int leaseSeconds = 10;
        var settings = ReliabilitySettings.For(ciInstances: 40, fullInstances: 400, ciKills: 1, fullKills: 1);
        await using var pg = await OwnPostgres.StartAsync();
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        var store = $"postgres:{pg.Connection}";
        var probe = StoreProbe.Postgres(pg.Connection);
        var load = new InstanceLoad(settings.Instances);
        string[] lease = ["--job-lease", leaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)];

        var survivor = await EgovServe.StartAsync(store, processes, "node-1", folder.Path, extraArguments: lease);
        await using (survivor)
        {
            var victim = await EgovServe.StartAsync(store, processes, "node-2", folder.Path, extraArguments: lease);
            int held;
            await using (victim)
            {
                using var stop = new CancellationTokenSource();
                var starting = load.StartAsync([survivor.Client, victim.Client], settings.Instances, parallel: 4, stop.Token);
                // Kill node-2 at a moment it holds leases (bounded wait; the load keeps both nodes busy).
                var until = DateTime.UtcNow.AddMinutes(3);
                while ((held = (await probe.LeaseOwnersAsync()).GetValueOrDefault("node-2")) == 0 && !starting.IsCompleted && DateTime.UtcNow < until)
                    await Task.Delay(20);
                await victim.KillAsync();
                await stop.CancelAsync();
                await starting;
            }
            var killedAt = Stopwatch.StartNew();
            held = Math.Max(held, (await probe.LeaseOwnersAsync()).GetValueOrDefault("node-2"));
            // The survivor takes the dead node's jobs once their lease ends: wait until node-2 holds none (bounded by a stall).
            var stalled = DateTime.UtcNow.AddMinutes(3);
            while ((await probe.LeaseOwnersAsync()).GetValueOrDefault("node-2") > 0 && DateTime.UtcNow < stalled) await Task.Delay(100);
            var recovered = killedAt.Elapsed;
            (await probe.LeaseOwnersAsync()).GetValueOrDefault("node-2").ShouldBe(0, "the killed node's leases were taken over");

            await load.SettleAsync(probe);
            await load.StartAsync([survivor.Client], settings.Instances, parallel: 4, CancellationToken.None);
            var reported = $"node-2 killed holding {held} job leases; node-1 took them over (lease {leaseSeconds} s); {load.Unavailable} starts answered 503";
            await Report("a node killed while holding job leases (PostgreSQL, two nodes)", load, probe, [survivor.Client], reported, recovered,
                settings.Replay, "from the kill until no lease of the dead node remained");
        }
    }

    /// <summary>Polls /health/ready until it answers 200 (bounded by a generous stall, not a timing assertion).</summary>
    private static async Task WaitReadyAsync(Uri baseAddress)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var until = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var r = await http.GetAsync("health/ready");
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new InvalidOperationException($"{baseAddress} not ready within 3 minutes");
    }

    /// <summary>Waits for completion, counts lost, duplicated and stuck cases, prints the faults-table line and asserts all three are 0.</summary>
    private async Task Report(string fault, InstanceLoad load, StoreProbe probe, IReadOnlyList<EngineClient> clients, string reported, TimeSpan recovered, string replay,
        string? recoveredMeans = null)
    {
        load.AllStarted.ShouldBeTrue($"every start answered after recovery; refused: {string.Join("; ", load.Refused.Take(3))} ({replay})");
        await EndState.WaitUntilCompletedAsync(probe, load.Count, stall: TimeSpan.FromMinutes(3), replay);
        var byKey = await probe.InstancesByBusinessKeyAsync();
        var lost = load.Instances.Keys.Count(n => byKey.GetValueOrDefault(InstanceLoad.BusinessKey(n)) is not { Count: > 0 });
        var duplicated = byKey.Values.Count(v => v.Count > 1);
        var stuck = byKey.Values.SelectMany(v => v).Count(i => i.Status != "Completed");
        output.WriteLine($"fault | {fault} | acknowledged {load.Acknowledged} | lost {lost} | duplicated {duplicated} | stuck {stuck} | reported: {reported} | recovered in {recovered.TotalSeconds:0.0} s{(recoveredMeans is null ? "" : $" ({recoveredMeans})")}");
        var problems = await EndState.ProblemsAsync(load, clients, probe);
        problems.ShouldBeEmpty(EndState.Describe(problems, replay));
        (lost, duplicated, stuck).ShouldBe((0, 0, 0));
    }
}

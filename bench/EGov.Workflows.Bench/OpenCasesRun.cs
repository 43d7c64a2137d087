using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Host;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Persistence;
using EGov.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Bench;

/// <summary>
/// W8 "a million open cases" (issue 15 item 1), in two child processes so the serving node's memory is its own:
/// <list type="number">
/// <item><c>seed</c>: N instances of a realistic service (a user task with candidate groups, a due date and a
/// non-interrupting Frist timer on it, 20 variables), spread over 5 tenants, started through the engine with 64 commands
/// at once and left waiting — the start rate and the database size; before it, W3 (start + complete) on the empty
/// tables for the same time as the later one, as a baseline;</item>
/// <item><c>serve</c>: <c>egov serve</c>'s own host opened on those tables (in this process, loopback), then: W3 through
/// the host's engine with the N cases open, and a signed-in operator opening case pages — the instance (state and
/// variables), its history and its variable history, three requests per page, measured at the client; the node's RSS and
/// heap while it serves.</item>
/// </list>
/// Nothing is bulk-loaded: every open case went through the engine's start command.
/// </summary>
public static class OpenCasesRun
{
    public const int Tenants = 5, Groups = 50, Variables = 20;
    private const string Password = "ein-langes-Passwort-fuer-die-Messung-1";

    /// <summary>A service as the catalogue has them: the clerk's task for a group, its due date (Frist), and a Frist timer that escalates without ending the task.</summary>
    public const string Model = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0" id="W8" targetNamespace="bench">
          <process id="W8" name="Antrag auf Erlaubnis" isExecutable="true">
            <startEvent id="Eingang" name="Antrag eingegangen" />
            <sequenceFlow id="f1" sourceRef="Eingang" targetRef="Bearbeiten" />
            <userTask id="Bearbeiten" name="Antrag bearbeiten" camunda:candidateGroups="${gruppe}" camunda:priority="${prio}" egov:frist="P1M" />
            <boundaryEvent id="FristUeberschritten" name="Frist überschritten" attachedToRef="Bearbeiten" cancelActivity="false" egov:frist="P3M">
              <timerEventDefinition />
            </boundaryEvent>
            <sequenceFlow id="f3" sourceRef="FristUeberschritten" targetRef="Erinnert" />
            <endEvent id="Erinnert" name="Erinnerung gesendet" />
            <sequenceFlow id="f2" sourceRef="Bearbeiten" targetRef="Beschieden" />
            <endEvent id="Beschieden" name="Bescheid erteilt" />
          </process>
        </definitions>
        """;

    /// <summary>The figures of the first child that the second one needs (and reports beside its own).</summary>
    private static string IdsFile(RunSpec spec) => Path.Combine(spec.WorkDir, spec.RunId + ".ids");

    public static BenchResult Seed(RunSpec spec)
    {
        ThreadPool.SetMinThreads(EgovRuns.DurableExecutors + 8, EgovRuns.DurableExecutors + 8);
        using var store = BenchStore.Create(spec.Store, spec.WorkDir, spec.RunId, spec.Postgres);
        var clock = SystemClock.Instance;
        var defs = new BpmnReader().ReadString(Model, "w8.bpmn");
        if (defs.Definitions is null || defs.HasErrors) throw new InvalidOperationException("W8: " + string.Join("; ", defs.Errors));
        var deployments = new EGov.Workflows.Persistence.Deployments.DurableDeployments((EfRuntimeStore)store.Store);
        var engines = Enumerable.Range(0, Tenants).Select(t =>
        {
            var e = new WorkflowEngine(new WorkflowEngineOptions { Store = store.Store, Clock = clock, TenantId = $"t{t}" });
            deployments.Deploy(e, "w8.bpmn", defs.Definitions); // stored, so the serving node restores the version
            return e;
        }).ToArray();

        // Baseline: W3 on the empty tables (tenant t0), as long as the W3 run with the cases open will last.
        var w3 = W3(engines[0]);
        Driver.ForSeconds(Math.Min(2, spec.MeasureSeconds), EgovRuns.DurableExecutors, w3); // warm-up
        var baseline = Driver.ForSeconds(spec.MeasureSeconds, EgovRuns.DurableExecutors, w3);

        var ids = new List<string>();
        var warm = Math.Min(2_000, Math.Max(100, spec.N / 100));
        Driver.Concurrent(warm, spec.InFlight, i => engines[i % Tenants].StartProcess("W8", Variables20(i), $"AZ-W{i:D7}"), EgovRuns.DurableExecutors);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (seconds, lat) = Driver.Concurrent(spec.N - warm, spec.InFlight, i =>
        {
            var k = i + warm;
            var id = engines[k / Groups % Tenants].StartProcess("W8", Variables20(k), $"AZ-{k:D7}");
            if (k / Groups % Tenants == 0 && k % 37 == 0) lock (ids) ids.Add(id);
        }, EgovRuns.DurableExecutors);
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var check = engines[0].GetInstance(ids[0]);
        if (check.State != InstanceState.Running || !check.Waiting.Contains("Bearbeiten"))
            throw new InvalidOperationException($"W8: instance {check.Id} does not wait at the task ({check.State})");
        File.WriteAllLines(IdsFile(spec), ids.Take(5_000));
        var size = store.Figures()!;
        var (p50, p99) = lat.Percentiles();
        store.Keep = true; // the serving child opens the same tables
        return new BenchResult
        {
            Workload = "W8", Store = spec.Store, Engine = "egov", Mode = "start", Instances = spec.N, InFlight = spec.InFlight,
            InstancesPerSecond = (spec.N - warm) / seconds, P50Ms = p50, P99Ms = p99, ElapsedSeconds = seconds, PeakRssMb = Proc.PeakRssMb(),
            CpuMsPerInstance = cpu.TotalMilliseconds / (spec.N - warm), DatabaseMb = size.StoredBytes / 1048576.0,
            StoredBytesPerInstance = size.StoredBytes / (double)spec.N, RowsPerInstance = size.Rows / (double)spec.N,
            BaselinePerSecond = baseline.Count / baseline.Seconds,
            Note = $"{spec.N:N0} open cases ({Tenants} tenants, {Groups} groups, {Variables} variables, user task with due date and Frist timer), "
                   + $"started through the engine, 64 commands at once; database {size.StoredBytes / 1048576.0:N0} MB; "
                   + $"W3 on the empty tables before: {baseline.Count / baseline.Seconds:N0}/s",
        };
    }

    /// <summary>Twenty variables of a typical application: names, an address, dates, amounts, flags, a small object, the group and priority.</summary>
    private static JsonObject Variables20(int i) => new()
    {
        ["gruppe"] = $"g{i % Groups}",
        ["prio"] = (40 + i % 5 * 10).ToString(CultureInfo.InvariantCulture),
        ["vorname"] = "Erika", ["nachname"] = $"Mustermann-{i}", ["geburtsdatum"] = "1980-04-12",
        ["strasse"] = "Hauptstraße", ["hausnummer"] = (i % 200 + 1).ToString(CultureInfo.InvariantCulture), ["plz"] = "10115", ["ort"] = "Berlin",
        ["email"] = $"antrag{i}@example.org", ["telefon"] = "030 1234567", ["eingangAm"] = "2026-12-01", ["gebuehr"] = 25.5 + i % 10,
        ["zahlungsart"] = "giropay", ["bezahlt"] = i % 3 != 0, ["anzahl"] = i % 7, ["kennzeichen"] = $"B-EG {i % 9000 + 1000}",
        ["zustimmungDatenschutz"] = true, ["bemerkung"] = "Bitte um zügige Bearbeitung.",
        ["antrag"] = new JsonObject { ["art"] = "Erlaubnis", ["gueltigAb"] = "2027-01-01", ["dauerMonate"] = 12 },
    };

    private static Action<int> W3(WorkflowEngine engine)
    {
        var defs = new BpmnReader().ReadString(Models.W3(), "W3.bpmn").Definitions!;
        engine.Deploy("W3.bpmn", defs);
        return _ =>
        {
            var id = engine.StartProcess("W3");
            var task = engine.OpenUserTasks(id) is [var t, ..] ? t : throw new InvalidOperationException($"W3 instance {id} has no open user task");
            engine.CompleteUserTask(task.Id);
        };
    }

    /// <summary>The second child: the server on the seeded tables; two results (W3 with the cases open; the case page).</summary>
    public static IReadOnlyList<BenchResult> Serve(RunSpec spec, BenchResult seeded) =>
        ServeAsync(spec, seeded).GetAwaiter().GetResult();

    private static async Task<IReadOnlyList<BenchResult>> ServeAsync(RunSpec spec, BenchResult seeded)
    {
        ThreadPool.SetMinThreads(EgovRuns.DurableExecutors + 8, EgovRuns.DurableExecutors + 8);
        var storeSpec = spec.Store == "sqlite"
            ? "sqlite:" + Path.Combine(spec.WorkDir, $"{spec.RunId}.db")
            : "postgres:" + DurableStoreOptions.Postgres(spec.Postgres!, PostgresStore.SchemaOf(spec.RunId)).ConnectionString;
        var ids = File.ReadAllLines(IdsFile(spec));
        var started = Stopwatch.StartNew();
        await using var server = await EGovServer.StartAsync(new ServeOptions
        {
            Urls = "http://127.0.0.1:0", Store = storeSpec, ProcessesDirectory = null, Tenant = "t0", NodeId = "bench-w8",
            WebDirectory = Path.Combine(spec.WorkDir, "no-web"),
        });
        var startSeconds = started.Elapsed.TotalSeconds;
        var accounts = server.App.Services.GetRequiredService<AccountStore>();
        await accounts.CreateAsync(new NewAccount("bench-operator", "Bench Operator", ["operator"], [], ["t0"]), Password);
        using var http = await SignIn.AsOperatorAsync(server.BaseAddress, "bench-operator", Password);

        using var rss = new RssSampler();
        // W3 with the cases open, through the host's engine of tenant t0 (the server's own store and caches).
        var engine = server.Engines.Get("t0").Engine;
        var w3 = W3(engine);
        Driver.ForSeconds(Math.Min(2, spec.MeasureSeconds), EgovRuns.DurableExecutors, w3);
        var run = Driver.ForSeconds(spec.MeasureSeconds, EgovRuns.DurableExecutors, w3);
        var (w50, w99) = run.Latencies.Percentiles();
        var w3Rate = run.Count / run.Seconds;
        var baseline = seeded.BaselinePerSecond;

        // The case page: the instance (state, variables), its history, its variable history — one after the other, as the page loads them.
        async Task Page(string id)
        {
            foreach (var path in new[] { $"api/process-instances/{id}", $"api/process-instances/{id}/history?limit=50", $"api/process-instances/{id}/history/variables?limit=50" })
            {
                using var r = await http.GetAsync(path);
                var body = await r.Content.ReadAsByteArrayAsync();
                if (r.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"W8: {path} answered {(int)r.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)[..Math.Min(body.Length, 300)]}");
            }
        }
        using var firstResponse = await http.GetAsync($"api/process-instances/{ids[0]}");
        var firstBody = await firstResponse.Content.ReadAsStringAsync();
        if (firstResponse.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"W8: the case page answered {(int)firstResponse.StatusCode}: {firstBody[..Math.Min(firstBody.Length, 600)]}");
        var first = JsonNode.Parse(firstBody)!;
        if (first["variables"] is not JsonObject vars || vars.Count < Variables)
            throw new InvalidOperationException($"W8: the case page shows {(first["variables"] as JsonObject)?.Count ?? 0} variables, expected {Variables}: {first.ToJsonString()[..Math.Min(300, first.ToJsonString().Length)]}");
        for (var i = 0; i < Math.Max(20, spec.Warmup / 10); i++) await Page(ids[(i * 7) % ids.Length]);
        var pages = new List<double>(spec.Warmup);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < spec.Warmup; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await Page(ids[(i * 131 + 17) % ids.Length]);
            pages.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        var pageSeconds = clock.Elapsed.TotalSeconds;
        pages.Sort();
        var rssServing = rss.Stop();
        var heap = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        var load = Orchestrator.LoadAverage();
        return
        [
            new BenchResult
            {
                Workload = "W8", Store = spec.Store, Engine = "egov", Mode = "w3-open", Instances = run.Count, InFlight = EgovRuns.DurableExecutors,
                InstancesPerSecond = w3Rate, P50Ms = w50, P99Ms = w99, ElapsedSeconds = run.Seconds, PeakRssMb = Proc.PeakRssMb(), BaselinePerSecond = baseline,
                Note = $"W3 (start + complete, tenant t0) through the serving node's engine with {spec.N:N0} cases open, {run.Seconds:0} s"
                       + (baseline is { } b ? $"; on the empty tables {b:N0}/s ({(w3Rate / b - 1) * 100:+0;-0} %)" : ""),
            },
            new BenchResult
            {
                Workload = "W8", Store = spec.Store, Engine = "egov-http", Mode = "case-page", Instances = spec.N, InFlight = 1,
                InstancesPerSecond = pages.Count / pageSeconds, P50Ms = pages[(int)(pages.Count * 0.50)], P99Ms = pages[Math.Min(pages.Count - 1, (int)Math.Ceiling(pages.Count * 0.99) - 1)],
                ElapsedSeconds = pageSeconds, PeakRssMb = Proc.PeakRssMb(), RssMb = rssServing, HeapMb = heap, StartupSeconds = startSeconds,
                DatabaseMb = seeded.DatabaseMb,
                Note = $"{pages.Count} case pages of {spec.N:N0} open cases (instance with its {Variables} variables, history, variable history: 3 requests of an operator, over HTTP); "
                       + $"node RSS while serving max {rssServing:N0} MB, heap {heap:N0} MB; serve started in {startSeconds:0.0} s; load {load}",
            },
        ];
    }
}

/// <summary>The largest current RSS (VmRSS) of this process, sampled every 50 ms until stopped.</summary>
public sealed class RssSampler : IDisposable
{
    private readonly Timer _timer;
    private long _max;

    public RssSampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(50));

    private void Sample()
    {
        var now = Proc.RssBytes();
        long max;
        while (now > (max = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, max) != max) { }
    }

    /// <summary>Stops sampling; the largest RSS seen, in MB.</summary>
    public double Stop()
    {
        _timer.Dispose();
        Sample();
        return Interlocked.Read(ref _max) / 1048576.0;
    }

    public void Dispose() => _timer.Dispose();
}

/// <summary>The embedded provider's browser flow: /signin → /anmelden (form with CSRF) → a session cookie.</summary>
public static class SignIn
{
    public static async Task<HttpClient> AsOperatorAsync(Uri baseAddress, string name, string password)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = true }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var page = await http.GetAsync("/signin?returnUrl=" + Uri.EscapeDataString("/api/me"));
        var back = System.Web.HttpUtility.ParseQueryString(page.RequestMessage!.RequestUri!.Query)["ReturnUrl"] ?? "/api/me";
        var csrf = cookies.GetCookies(baseAddress)["XSRF-TOKEN"]?.Value ?? "";
        using var signedIn = await http.PostAsync("/anmelden", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = name, ["password"] = password, ["ReturnUrl"] = back, ["__RequestVerificationToken"] = csrf,
        }));
        var body = await signedIn.Content.ReadAsStringAsync();
        if (signedIn.StatusCode != HttpStatusCode.OK || !body.Contains($"\"{name}\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"{name} could not sign in: {(int)signedIn.StatusCode} {body[..Math.Min(body.Length, 300)]}");
        return http;
    }
}

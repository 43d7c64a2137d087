using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Host;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Bench;

/// <summary>
/// W6 "Postkorb": N open user tasks spread over 50 candidate groups and 5 tenants on a durable store, then the server
/// (<c>egov serve</c>'s own host, in this process, on loopback) answers a signed-in clerk of one group — a session from
/// the embedded provider's code flow, as the browser has it: the group inbox's first page (50, sorted by Frist) and the
/// count of every view, one request after the other; p50 and p99 of each, measured at the client.
/// </summary>
public static class PostkorbRun
{
    public const int Groups = 50, Tenants = 5, PageSize = 50;
    private const string Password = "ein-langes-Passwort-fuer-die-Messung-1";

    public const string Model = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="W6" targetNamespace="bench">
          <process id="W6" name="Postkorb-Last" isExecutable="true">
            <startEvent id="Start" />
            <sequenceFlow id="f1" sourceRef="Start" targetRef="Bearbeiten" />
            <userTask id="Bearbeiten" name="Antrag bearbeiten" camunda:candidateGroups="${gruppe}" camunda:dueDate="${frist}" camunda:priority="${prio}" />
            <sequenceFlow id="f2" sourceRef="Bearbeiten" targetRef="Ende" />
            <endEvent id="Ende" />
          </process>
        </definitions>
        """;

    /// <summary>Two results: the page ("page") and the counts ("counts"), each with p50/p99 over the samples.</summary>
    public static IReadOnlyList<BenchResult> Run(RunSpec spec, int samples)
    {
        ThreadPool.SetMinThreads(EgovRuns.DurableExecutors + 8, EgovRuns.DurableExecutors + 8);
        var seedClock = Stopwatch.StartNew();
        string storeSpec;
        using (var store = BenchStore.Create(spec.Store, spec.WorkDir, spec.RunId, spec.Postgres))
        {
            Seed(spec, store);
            storeSpec = store switch
            {
                SqliteStore s => "sqlite:" + s.Path,
                PostgresStore p => "postgres:" + p.ConnectionString,
                _ => throw new InvalidOperationException("W6 runs on sqlite or postgres"),
            };
            store.Keep = true; // the server opens the same tables
        }
        var seeded = seedClock.Elapsed.TotalSeconds;
        try
        {
            return Measure(spec, storeSpec, samples, seeded).GetAwaiter().GetResult();
        }
        finally
        {
            BenchStore.Drop(spec.Store, spec.WorkDir, spec.RunId, spec.Postgres);
        }
    }

    private static void Seed(RunSpec spec, BenchStore store)
    {
        var defs = new BpmnReader().ReadString(Model, "w6.bpmn").Definitions!;
        var clock = new BenchClock(Instant.FromUtc(2026, 12, 3, 8, 0));
        var engines = Enumerable.Range(0, Tenants).Select(t =>
        {
            var e = new WorkflowEngine(new WorkflowEngineOptions { Store = store.Store, Clock = clock, TenantId = $"t{t}" });
            e.Deploy("w6.bpmn", defs);
            return e;
        }).ToArray();
        var now = DateTimeOffset.UtcNow;
        Driver.Concurrent(spec.N, spec.InFlight, i =>
        {
            var vars = new JsonObject
            {
                ["gruppe"] = $"g{i % Groups}",
                // Fristen from two weeks ago to two months ahead: some overdue, most not; a few without.
                ["frist"] = i % 17 == 0 ? null : now.AddHours((i * 7919 % 1800) - 336).ToString("O"),
                ["prio"] = (40 + (i % 5 * 10)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            engines[i / Groups % Tenants].StartProcess("W6", vars, $"AZ-{i:D7}"); // each group in every tenant
        }, EgovRuns.DurableExecutors);
    }

    private static async Task<IReadOnlyList<BenchResult>> Measure(RunSpec spec, string storeSpec, int samples, double seedSeconds)
    {
        await using var server = await EGovServer.StartAsync(new ServeOptions
        {
            Urls = "http://127.0.0.1:0", Store = storeSpec, ProcessesDirectory = null, Tenant = "t0", NodeId = "bench-w6",
            WebDirectory = Path.Combine(spec.WorkDir, "no-web"),
        });
        var accounts = server.App.Services.GetRequiredService<AccountStore>();
        await accounts.CreateAsync(new NewAccount("bench-clerk", "Bench Clerk", ["clerk"], ["g7"], ["t2"]), Password);
        using var http = await SignInAsync(server.BaseAddress, "bench-clerk");

        var page = $"api/tasks?view=group&sort=due&order=asc&limit={PageSize}";
        var first = JsonNode.Parse(await http.GetStringAsync(page))!;
        var total = first["total"]!.GetValue<long>();
        var expected = spec.N / Tenants / Groups;
        if (Math.Abs(total - expected) > 1) throw new InvalidOperationException($"W6: the clerk's group inbox holds {total} tasks, expected {expected}");
        if (first["items"]!.AsArray().Count != Math.Min(PageSize, expected)) throw new InvalidOperationException("W6: the first page is not full");

        var results = new List<BenchResult>();
        foreach (var (mode, path) in new[] { ("page", page), ("counts", "api/tasks/counts") })
        {
            for (var i = 0; i < Math.Max(10, samples / 10); i++) (await http.GetAsync(path)).Dispose(); // warm-up
            var lat = new List<double>(samples);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < samples; i++)
            {
                var t = Stopwatch.GetTimestamp();
                using var r = await http.GetAsync(path);
                await r.Content.ReadAsByteArrayAsync();
                if (r.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"W6: {path} answered {(int)r.StatusCode}");
                lat.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            var seconds = clock.Elapsed.TotalSeconds;
            lat.Sort();
            results.Add(new BenchResult
            {
                Workload = "W6", Store = spec.Store, Engine = "egov-http", Mode = mode, Instances = spec.N, InFlight = 1,
                InstancesPerSecond = samples / seconds, P50Ms = lat[(int)(lat.Count * 0.50)], P99Ms = lat[Math.Min(lat.Count - 1, (int)(lat.Count * 0.99))],
                ElapsedSeconds = seconds, PeakRssMb = Proc.PeakRssMb(),
                Note = $"{spec.N:N0} open tasks, {Groups} groups × {Tenants} tenants (seeded in {seedSeconds:0} s); {samples} requests of a clerk of one group "
                       + (mode == "page" ? $"(first page of {PageSize} of {total}, sorted by Frist)" : "(count of each of the 6 views)") + "; req/s in the inst/s column",
            });
        }
        return results;
    }

    /// <summary>The browser flow of the embedded provider: /signin → /anmelden (form with CSRF) → session cookie.</summary>
    private static async Task<HttpClient> SignInAsync(Uri baseAddress, string name)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = true }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var page = await http.GetAsync("/signin?returnUrl=" + Uri.EscapeDataString("/api/me"));
        var back = System.Web.HttpUtility.ParseQueryString(page.RequestMessage!.RequestUri!.Query)["ReturnUrl"] ?? "/api/me";
        var csrf = cookies.GetCookies(baseAddress)["XSRF-TOKEN"]?.Value ?? "";
        using var signedIn = await http.PostAsync("/anmelden", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = name, ["password"] = Password, ["ReturnUrl"] = back, ["__RequestVerificationToken"] = csrf,
        }));
        var body = await signedIn.Content.ReadAsStringAsync();
        if (signedIn.StatusCode != HttpStatusCode.OK || !body.Contains($"\"{name}\"", StringComparison.Ordinal))
            throw new InvalidOperationException($"W6: the clerk could not sign in: {(int)signedIn.StatusCode} {body[..Math.Min(body.Length, 300)]}");
        return http;
    }
}

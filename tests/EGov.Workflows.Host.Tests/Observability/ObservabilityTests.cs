using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using EGov.Workflows.Host.Observability;

namespace EGov.Workflows.Host.Tests.Observability;

/// <summary>
/// Issue 15, item 2: Prometheus scrapes /metrics (protected) and the engine's counters move with its commands; a completed
/// task leaves the spans HTTP request → command → commit with instance and element ids; an activity pack's outgoing HTTP
/// call carries the W3C <c>traceparent</c> of its command; an external task hands its trace to the worker.
/// </summary>
public sealed partial class ObservabilityTests
{
    [Fact]
    public async Task Metrics_NeedThePermission_AndTheCountersMoveWithCommands()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await s.DeployAsync("antrag.bpmn");
        await s.DeployAsync("skript.bpmn");
        (await s.Anonymous.GetAsync("metrics")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using (var clerk = await s.Identities.ClientAsync("metrics-clerk", ["clerk"]))
            (await clerk.GetAsync("metrics")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        using var prometheus = await s.Identities.ClientAsync("prometheus", ["monitoring"]);

        var ids = new List<string>();
        for (var n = 0; n < 3; n++) ids.Add(await s.StartProcessAsync("Antrag"));
        // The store's counts are read at most every OperationalMetrics.CacheFor (5 s): should a collection (the OTLP
        // exporter's, none here) have filled the cache before these starts, scrape until it has turned over.
        var before = await ScrapeAsync(prometheus);
        for (var wait = 0; wait < 15 && before.Value("egov_tasks_open", ("egov_tenant", "default")) < 3; wait++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            before = await ScrapeAsync(prometheus);
        }
        before.Value("egov_tasks_open", ("egov_tenant", "default")).ShouldBeGreaterThanOrEqualTo(3, before.Text);
        before.Value("egov_incidents_open", ("egov_tenant", "default")).ShouldBe(0, before.Text);
        before.Text.ShouldContain("egov_jobs_backlog");

        for (var n = 0; n < 4; n++) await s.StartProcessAsync("Antrag");
        await s.StartProcessAsync("Skript", new { variables = new { betrag = 21 } });
        var tasks = await s.GroupTasksAsync(query: "candidateGroup=sachbearbeitung");
        using (var done = await s.CompleteAsync(tasks[0]!["id"]!.GetValue<string>())) ((int)done.StatusCode).ShouldBe(200, await done.Content.ReadAsStringAsync());
        var after = await ScrapeAsync(prometheus);

        // Counters are per process (other tests' servers count too): they moved by at least what this test did.
        Moved(before, after, "egov_commands_total", ("egov_command", "StartProcess"), ("egov_outcome", "ok")).ShouldBeGreaterThanOrEqualTo(5);
        Moved(before, after, "egov_commands_total", ("egov_command", "CompleteUserTask"), ("egov_outcome", "ok")).ShouldBeGreaterThanOrEqualTo(1);
        Moved(before, after, "egov_command_duration_seconds_count", ("egov_command", "StartProcess")).ShouldBeGreaterThanOrEqualTo(5);
        Moved(before, after, "egov_commit_duration_seconds_count").ShouldBeGreaterThanOrEqualTo(6);
        Moved(before, after, "egov_script_evaluations_total", ("egov_script_kind", "script"), ("egov_outcome", "ok")).ShouldBeGreaterThanOrEqualTo(1);
        after.Value("egov_script_duration_seconds_count", ("egov_script_kind", "script")).ShouldBeGreaterThan(0);
        // ASP.NET Core records a request's duration after its response has gone out, and the exporter reads it at its next
        // collection: on a loaded machine the first scrape may come before that. Scrape again for a few seconds.
        for (var wait = 0; wait < 10 && !after.Text.Contains("http_server_request_duration_seconds", StringComparison.Ordinal); wait++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            after = await ScrapeAsync(prometheus);
        }
        after.Text.ShouldContain("http_server_request_duration_seconds");
        // Ids and names only: no variable value reaches the metrics.
        after.Text.ShouldNotContain("summe");
    }

    /// <summary>
    /// The store's gauges are each server's own: a server scrapes its store's counts, not those of another server in the
    /// same process (the test host runs many), and keeps them when that other server stops.
    /// </summary>
    [Fact]
    public async Task TheStoreGauges_CountTheServersOwnStore_AndOutliveAnotherServerInTheProcess()
    {
        var a = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await using var b = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        Scrape fromB;
        await using (a)
        {
            await a.DeployAsync("antrag.bpmn");
            await b.DeployAsync("antrag.bpmn");
            for (var n = 0; n < 3; n++) await a.StartProcessAsync("Antrag");
            await b.StartProcessAsync("Antrag");
            using var prometheusA = await a.Identities.ClientAsync("prometheus", ["monitoring"]);
            using var prometheusB = await b.Identities.ClientAsync("prometheus", ["monitoring"]);

            (await ScrapeAsync(prometheusA)).Value("egov_tasks_open", ("egov_tenant", "default")).ShouldBe(3);
            fromB = await ScrapeAsync(prometheusB);
            fromB.Value("egov_tasks_open", ("egov_tenant", "default")).ShouldBe(1, fromB.Text);
            await b.StartProcessAsync("Antrag");
            await Task.Delay(OperationalMetrics.CacheFor); // the counts are read again after this
            (await ScrapeAsync(prometheusA)).Value("egov_tasks_open", ("egov_tenant", "default")).ShouldBe(3);
        }

        using var prometheus = await b.Identities.ClientAsync("prometheus-2", ["monitoring"]);
        fromB = await ScrapeAsync(prometheus);
        fromB.Value("egov_tasks_open", ("egov_tenant", "default")).ShouldBe(2, fromB.Text);
        fromB.Text.ShouldContain("egov_jobs_backlog");
        fromB.Text.ShouldContain("otel_scope_name=\"EGov.Workflows.Store"); // the server's own meter (a number after it when not the first)
    }

    [Fact]
    public async Task ACompletedTask_LeavesTheSpans_RequestCommandCommit_WithInstanceAndElementIds()
    {
        using var spans = new SpanRecorder();
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await s.DeployAsync("antrag.bpmn");
        var id = await s.StartProcessAsync("Antrag", new { variables = new { geheim = "Kontonummer DE02120300000000202051" } });
        var task = (await s.GroupTasksAsync(query: "candidateGroup=sachbearbeitung")).Single(t => t!["processInstanceId"]!.GetValue<string>() == id)!["id"]!.GetValue<string>();

        var traceId = ActivityTraceId.CreateRandom();
        using var clerk = await s.PersonAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/tasks/{task}/complete") { Content = JsonContent(new { variables = new { bescheid = "genehmigt" } }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using (var done = await clerk.SendAsync(request)) ((int)done.StatusCode).ShouldBe(200, await done.Content.ReadAsStringAsync());

        var trace = spans.Of(traceId);
        var http = trace.Single(a => a.Source.Name == "Microsoft.AspNetCore");
        var command = trace.Single(a => a.Source.Name == "EGov.Workflows" && a.DisplayName == "CompleteUserTask");
        var commit = trace.Single(a => a.Source.Name == "EGov.Workflows" && a.DisplayName == "commit");
        command.ParentSpanId.ShouldBe(http.SpanId);
        commit.ParentSpanId.ShouldBe(command.SpanId);
        command.GetTagItem("egov.instance.id").ShouldBe(id);
        command.GetTagItem("egov.element.id").ShouldBe("Pruefen");
        command.GetTagItem("egov.process.id").ShouldBe("Antrag");
        command.GetTagItem("egov.tenant").ShouldBe("default");
        command.GetTagItem("egov.outcome").ShouldBe("ok");
        // No variable value in any attribute of the trace.
        foreach (var a in trace)
            foreach (var (key, value) in a.TagObjects)
            {
                (value?.ToString() ?? "").ShouldNotContain("genehmigt", customMessage: $"{a.DisplayName} {key}");
                (value?.ToString() ?? "").ShouldNotContain("DE02120300000000202051", customMessage: $"{a.DisplayName} {key}");
            }
    }

    [Fact]
    public async Task AnActivityPacksOutgoingCall_CarriesTheTraceparentOfItsCommand()
    {
        using var spans = new SpanRecorder();
        await using var loopback = await Loopback.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Packs:Payment:BaseUrl"] = loopback.BaseUrl,
            ["Packs:Payment:OriginatorId"] = "anwohnerparken",
            ["Packs:Payment:EndpointId"] = "06412000",
            ["Packs:Payment:NotificationSecret"] = "observability-test-secret",
        }).Build();
        await using var s = await TestServer.StartAsync(configure: o => o with { Configuration = configuration });
        await s.DeployAsync("payment-request.bpmn");
        var id = await s.StartProcessAsync("Process_Payment", new { variables = new { gebuehr = 30.70 }, businessKey = "VG-2026-0002" });

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (loopback.TraceParents.IsEmpty && DateTime.UtcNow < until) await Task.Delay(50);
        loopback.TraceParents.ShouldNotBeEmpty("the payment pack called the provider without a traceparent header");
        var header = loopback.TraceParents.First(); // a resilience handler may have tried again: every try carries one
        var m = TraceParent().Match(header);
        m.Success.ShouldBeTrue($"'{header}'");
        var traceId = m.Groups[1].Value;
        // The call belongs to the trace of the engine command that ran the payment activity for this instance.
        spans.All.ShouldContain(a => a.Source.Name == "EGov.Workflows" && a.TraceId.ToString() == traceId && (a.GetTagItem("egov.instance.id") as string) == id,
            $"traceparent {header}; spans: {string.Join(", ", spans.All.Where(a => a.Source.Name == "EGov.Workflows").Select(a => $"{a.DisplayName} {a.TraceId} {a.GetTagItem("egov.instance.id")}"))}");
    }

    [Fact]
    public async Task AnExternalTask_HandsTheTraceOfItsCreatingCommandToTheWorker()
    {
        using var spans = new SpanRecorder();
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("zahlung.bpmn");
        var traceId = ActivityTraceId.CreateRandom();
        using (var start = new HttpRequestMessage(HttpMethod.Post, "api/process-definitions/Zahlung/start") { Content = JsonContent(new { }) })
        {
            start.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            using var started = await s.Http.SendAsync(start);
            ((int)started.StatusCode).ShouldBe(201, await started.Content.ReadAsStringAsync());
        }
        using var fetch = await s.SendAsync(HttpMethod.Post, "engine-rest/external-task/fetchAndLock",
            new { workerId = "w1", maxTasks = 1, topics = new[] { new { topicName = "gebuehr-einziehen", lockDuration = 10_000 } } });
        var task = JsonNode.Parse(await fetch.Content.ReadAsStringAsync())!.AsArray().ShouldHaveSingleItem()!;
        var header = task["traceparent"]!.GetValue<string>();
        var m = TraceParent().Match(header);
        m.Success.ShouldBeTrue(header);
        m.Groups[1].Value.ShouldBe(traceId.ToString()); // the trace of the start request
        spans.Of(traceId).ShouldContain(a => a.DisplayName == "StartProcess" && a.SpanId.ToString() == m.Groups[2].Value);
    }

    [GeneratedRegex("^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")]
    private static partial Regex TraceParent();

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private static async Task<Scrape> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        return new Scrape(text);
    }

    private static double Moved(Scrape before, Scrape after, string name, params (string, string)[] labels) =>
        after.Value(name, labels) - before.Value(name, labels);

    /// <summary>A Prometheus text exposition: the sum of the samples of a metric whose labels include the given ones.</summary>
    private sealed partial class Scrape(string text)
    {
        public string Text { get; } = text;

        public double Value(string name, params (string Key, string Value)[] labels)
        {
            var sum = 0.0;
            foreach (var line in Text.Split('\n'))
            {
                var m = Sample().Match(line);
                if (!m.Success || m.Groups[1].Value != name) continue;
                var set = m.Groups[2].Value;
                if (labels.All(l => set.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
                    sum += double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            }
            return sum;
        }

        [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([0-9.eE+-]+|NaN|\+Inf)(?: \d+)?$")]
        private static partial Regex Sample();
    }
}

/// <summary>Records every span of the engine and of ASP.NET Core made while it lives (all tests of the process: filter by trace).</summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "EGov.Workflows" or "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => _spans.Enqueue(a),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> All => _spans.ToList();

    public IReadOnlyList<Activity> Of(ActivityTraceId trace) => _spans.Where(a => a.TraceId == trace).ToList();

    public void Dispose() => _listener.Dispose();
}

/// <summary>A loopback HTTP server that records the <c>traceparent</c> header of each request and answers 503.</summary>
internal sealed class Loopback : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Loopback(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }
    public ConcurrentQueue<string> TraceParents { get; } = new();

    public static async Task<Loopback> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        Loopback? self = null;
        app.Run(http =>
        {
            if (http.Request.Headers.TryGetValue("traceparent", out var value)) self!.TraceParents.Enqueue(value.ToString());
            http.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return self = new Loopback(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

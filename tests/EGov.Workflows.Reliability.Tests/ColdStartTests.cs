using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// (Issue 21, item 6) "Cold start under load": clients already hammer the port when a killed node is started again (its
/// leases to take back, its models to deploy); the figure printed is how long its first answers took once it listened.
/// The goal is under a second; it is measured and printed (<c>scripts/reliability.sh</c>), not asserted: on two cores
/// shared by several test runs a timing assertion would fail for the neighbours' load. The test asserts what must hold
/// whatever the load: every request is answered, none with a server error or a timeout.
/// </summary>
public sealed class ColdStartTests(ITestOutputHelper output)
{
    private const int Clients = 16, AnswersPerClient = 8;

    /// <param name="commandThreads">The command lane's threads (<c>--command-threads</c>): 0 = handlers on the thread pool.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public async Task ANodeRestartedUnderLoad_AnswersEveryRequest_AndTheFirstAnswersAreTimed(int commandThreads)
    {
        using var folder = new TempFolder();
        var processes = folder.Processes(ReliabilityModel.File);
        var db = Path.Combine(folder.Path, "data", "egov.db");
        var store = $"sqlite:{db}";
        // A first life that dies holding leases: its jobs wait for the take-back when the node comes back.
        var first = await EgovServe.StartAsync(store, processes, nodeId: null, folder.Path);
        await using (first)
        {
            var load = new InstanceLoad(30);
            await load.StartAsync([first.Client], 30, parallel: 4, CancellationToken.None);
            await first.KillAsync();
        }

        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var (id, secret) = await EgovServe.ClientFor(store, folder.Path);
        using var stop = new CancellationTokenSource();
        var answers = new List<(double At, double Ms, int Status, string What)>();
        var clock = Stopwatch.StartNew();
        var hammering = Enumerable.Range(0, Clients).Select(async c =>
        {
            using var api = new EngineClient(baseAddress, id, secret);
            using var plain = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
            var got = 0;
            while (got < AnswersPerClient && !stop.IsCancellationRequested)
            {
                var t0 = clock.Elapsed.TotalMilliseconds;
                try
                {
                    int status;
                    string what;
                    if (c % 2 == 0)
                    {
                        using var r = await plain.GetAsync("health/live", stop.Token);
                        (status, what) = ((int)r.StatusCode, "GET /health/live");
                    }
                    else
                    {
                        var (s, _) = await api.PostAsync($"api/process-definitions/{ReliabilityModel.ProcessId}/start",
                            new { variables = ReliabilityModel.StartVariables(1000 + c * 100 + got), businessKey = $"kalt-{c}-{got}" });
                        (status, what) = (s, "POST start (with its token)");
                    }
                    lock (answers) answers.Add((clock.Elapsed.TotalMilliseconds, clock.Elapsed.TotalMilliseconds - t0, status, what));
                    got++;
                }
                catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
                {
                    await Task.Delay(10); // not listening yet
                }
                catch (UnexpectedAnswerException e)
                {
                    lock (answers) answers.Add((clock.Elapsed.TotalMilliseconds, clock.Elapsed.TotalMilliseconds - t0, 0, e.Message));
                    got++;
                }
            }
        }).ToList();

        var started = clock.Elapsed.TotalMilliseconds;
        var second = await EgovServe.StartAsync(store, processes, nodeId: null, folder.Path, $"http://127.0.0.1:{port}",
            ["--command-threads", commandThreads.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await using (second)
        {
            var all = Task.WhenAll(hammering);
            if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(3))) != all) await stop.CancelAsync();
            await all;
        }

        var ordered = answers.OrderBy(a => a.At).ToList();
        ordered.Count.ShouldBe(Clients * AnswersPerClient, "every client got its answers");
        var firstFifty = ordered.Take(50).ToList();
        var ms = firstFifty.Select(a => a.Ms).Order().ToList();
        // The API clients first fetch a token, so the first 50 answers may all be /health/live: the API's first answers apart.
        var firstApi = ordered.Where(a => a.What.StartsWith("POST", StringComparison.Ordinal)).Take(10).Select(a => a.Ms).Order().ToList();
        output.WriteLine($"cold start under load ({(commandThreads == 0 ? "no command lane" : $"command lane of {commandThreads} threads")}): {Clients} clients waiting; process started at {started:0} ms, first answer at {ordered[0].At:0} ms; " +
                         $"first 50 answers: p50 {ms[ms.Count / 2]:0} ms, max {ms[^1]:0} ms, {ms.Count(m => m > 1000)} over 1 s (goal: none); " +
                         $"health: max {firstFifty.Where(a => a.What.StartsWith("GET", StringComparison.Ordinal)).Select(a => a.Ms).DefaultIfEmpty().Max():0} ms, " +
                         $"first {firstApi.Count} API starts (token included): p50 {Median(firstApi):0} ms, max {firstApi.DefaultIfEmpty().Max():0} ms");
        ordered.Where(a => a.Status is not (200 or 201)).Select(a => $"{a.What}: {a.Status}").ShouldBeEmpty("no server error, no timeout");
    }

    private static double Median(List<double> sorted) => sorted.Count == 0 ? 0 : sorted[sorted.Count / 2];

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

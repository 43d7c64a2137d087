using System.Net;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// GET /api/analytics/{processId} and its CSV (issue 11 item 6) on a real server with a SQLite store: the figures of a
/// run, an empty period is zeros (not an error), bad periods are 400, unknown processes and versions 404, the in-memory
/// store says it has no analytics, and only analysts may read them (the permission matrix covers every role).
/// </summary>
public sealed class AnalyticsApiTests
{
    // The engine counts days in Europe/Berlin (the law's time zone), so "today" is the Berlin date: between 22:00/23:00 UTC
    // and midnight the UTC date is still yesterday there.
    private static string Today => NodaTime.SystemClock.Instance.GetCurrentInstant()
        .InZone(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Berlin"]).Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Analytics_CountWhatRan_PerElementAndFlow_AndExportAsCsv()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await s.DeployAsync("antrag.bpmn");
        var done = await s.StartProcessAsync("Antrag");
        await s.StartProcessAsync("Antrag"); // still at Prüfen
        var erika = await s.PersonAsync();
        var task = (await s.GroupTasksAsync(query: $"processInstanceId={done}"))[0]!["id"]!.GetValue<string>();
        using (var claim = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{task}/claim", new { })) ((int)claim.StatusCode).ShouldBeLessThan(300);
        using (var complete = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{task}/complete", new { variables = new { } }))
            ((int)complete.StatusCode).ShouldBeLessThan(300, await complete.Content.ReadAsStringAsync());

        var analyst = await AnalystAsync(s);
        var f = await TestServer.GetJsonAsAsync(analyst, $"api/analytics/Antrag?from={Today}&to={Today}&version=1");
        f["instances"]!["started"]!.GetValue<long>().ShouldBe(2);
        f["instances"]!["completed"]!.GetValue<long>().ShouldBe(1);
        f["leadTime"]!["count"]!.GetValue<long>().ShouldBe(1);
        var pruefen = f["elements"]!.AsArray().Single(e => e!["elementId"]!.GetValue<string>() == "Pruefen")!;
        pruefen["name"]!.GetValue<string>().ShouldBe("Antrag prüfen");
        pruefen["count"]!.GetValue<long>().ShouldBe(1);
        pruefen["claimWait"]!["count"]!.GetValue<long>().ShouldBe(1);
        f["flowsTaken"]!["f2"]!.GetValue<long>().ShouldBe(1);
        f["flowsTaken"]!["f1"]!.GetValue<long>().ShouldBe(1); // the running instance's Prüfen has not ended: not counted yet
        f["weeks"]!.AsArray().Count.ShouldBe(1);

        using var csv = await analyst.GetAsync($"api/analytics/Antrag/csv?from={Today}&to={Today}");
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var text = await csv.Content.ReadAsStringAsync();
        text.ShouldContain("Element;Name;Typ;Anzahl");
        text.ShouldContain("Pruefen;Antrag prüfen;userTask;1;0;");

        // An empty period is an empty view; bad input is a problem.
        var empty = await TestServer.GetJsonAsAsync(analyst, "api/analytics/Antrag?from=2020-01-01&to=2020-01-31");
        empty["instances"]!["started"]!.GetValue<long>().ShouldBe(0);
        empty["leadTime"]!["medianMs"].ShouldBeNull();
        empty["elements"]!.AsArray().All(e => e!["count"]!.GetValue<long>() == 0).ShouldBeTrue();
        (await TestServer.GetJsonAsAsync(analyst, "api/analytics/Antrag?from=2020-02-01&to=2020-01-01", expectedStatus: 400))["detail"]!.GetValue<string>().ShouldContain("before it begins");
        await TestServer.GetJsonAsAsync(analyst, "api/analytics/Antrag?from=gestern", expectedStatus: 400);
        await TestServer.GetJsonAsAsync(analyst, "api/analytics/Antrag?version=7", expectedStatus: 404);
        await TestServer.GetJsonAsAsync(analyst, "api/analytics/Unbekannt", expectedStatus: 404);

        // A clerk does not read analytics.
        using var clerk = await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/analytics/Antrag");
        clerk.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Analytics_OnTheInMemoryStore_Answer501()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var problem = await s.GetJsonAsync("api/analytics/Antrag", expectedStatus: 501);
        problem["detail"]!.GetValue<string>().ShouldContain("durable store");
    }

    private static async Task<HttpClient> AnalystAsync(TestServer s) =>
        await s.PersonAsync("anja", groups: [], roles: ["analyst"]);
}

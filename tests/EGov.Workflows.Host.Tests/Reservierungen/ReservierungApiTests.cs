using System.Net;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests.Reservierungen;

/// <summary>
/// Rooms and cars under /api/reservierungen (issue 17, item 6): resources kept by resource managers, bookings by staff with
/// the database refusing overlaps — also for bookings racing through the API at the same moment — calendars, one's own
/// bookings, cancellation; and the refusals (bad input 400, approval needed 409, another person's booking 404).
/// </summary>
public sealed class ReservierungApiTests
{
    private static async Task<JsonNode?> Ok(HttpResponseMessage response, int status = 200)
    {
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, body);
        return body.Length == 0 ? null : JsonNode.Parse(body);
    }

    private static readonly DateTimeOffset Morgen = new(DateTime.UtcNow.Date.AddDays(2).AddHours(8), TimeSpan.Zero);

    private static async Task Ressourcen(TestServer s)
    {
        await Ok(await s.SendAsync(HttpMethod.Put, "api/reservierungen/ressourcen/raum-101", new { art = "raum", name = "Sitzungsraum 101", standort = "Rathaus, 1. OG", kapazitaet = 12, verwalterGruppe = "hausverwaltung" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/reservierungen/ressourcen/saal", new { art = "raum", name = "Großer Saal", kapazitaet = 200, genehmigungspflicht = true, genehmigerGruppe = "hauptamt", verwalterGruppe = "hausverwaltung" }));
    }

    [Fact]
    public async Task Booking_Overlap_IsRefused_Calendar_AndCancellation_FreeTheTime()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await Ressourcen(s);
        var erika = await s.PersonAsync("erika", [], ["clerk"]);
        var max = await s.PersonAsync("max", [], ["clerk"]);

        var b1 = await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/reservierungen/buchungen",
            new { ressourceId = "raum-101", von = Morgen, bis = Morgen.AddHours(2), zweck = "Teambesprechung", teilnehmer = 8 }), 201);
        b1!["status"]!.GetValue<string>().ShouldBe("bestaetigt");
        b1["gebuchtFuer"]!.GetValue<string>().ShouldBe("erika");
        var conflict = await Ok(await TestServer.SendAsAsync(max, HttpMethod.Post, "api/reservierungen/buchungen",
            new { ressourceId = "raum-101", von = Morgen.AddHours(1), bis = Morgen.AddHours(3), zweck = "Schulung" }), 409);
        conflict!["detail"]!.GetValue<string>().ShouldContain("schon belegt");
        await Ok(await TestServer.SendAsAsync(max, HttpMethod.Post, "api/reservierungen/buchungen",
            new { ressourceId = "raum-101", von = Morgen.AddHours(2), bis = Morgen.AddHours(3), zweck = "Schulung" }), 201);

        var kalender = await Ok(await TestServer.SendAsAsync(max, HttpMethod.Get, $"api/reservierungen/ressourcen/raum-101/kalender?von={Uri.EscapeDataString(Morgen.ToString("O"))}&limit=10"));
        kalender!["total"]!.GetValue<long>().ShouldBe(2);
        kalender["items"]![0]!["gebuchtFuer"]!.GetValue<string>().ShouldBe("erika");

        // Another person's booking does not exist for max; erika cancels her own, and the time is free again.
        var id = b1["id"]!.GetValue<string>();
        await Ok(await TestServer.SendAsAsync(max, HttpMethod.Post, $"api/reservierungen/buchungen/{id}/stornieren"), 404);
        (await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/reservierungen/buchungen/{id}/stornieren")))!["status"]!.GetValue<string>().ShouldBe("storniert");
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/reservierungen/buchungen/{id}/stornieren"), 409);
        await Ok(await TestServer.SendAsAsync(max, HttpMethod.Post, "api/reservierungen/buchungen",
            new { ressourceId = "raum-101", von = Morgen, bis = Morgen.AddHours(1), zweck = "Kurzabstimmung" }), 201);
        (await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/reservierungen/buchungen")))!["total"]!.GetValue<long>().ShouldBe(1);
        (await Ok(await TestServer.SendAsAsync(max, HttpMethod.Get, "api/reservierungen/buchungen")))!["total"]!.GetValue<long>().ShouldBe(2);
    }

    [Fact]
    public async Task BookingsRacingThroughTheApi_ForTheSameTime_ExactlyOneIsBooked()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await Ressourcen(s);
        var people = new List<HttpClient>();
        for (var i = 0; i < 6; i++) people.Add(await s.PersonAsync($"racer{i}", [], ["clerk"]));
        var answers = await Task.WhenAll(people.Select((p, i) => TestServer.SendAsAsync(p, HttpMethod.Post, "api/reservierungen/buchungen",
            new { ressourceId = "raum-101", von = Morgen.AddMinutes(i * 5), bis = Morgen.AddHours(1), zweck = $"Termin {i}" })));
        answers.Count(a => a.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.Conflict).ShouldBe(5);
        var kalender = await Ok(await s.SendAsync(HttpMethod.Get, $"api/reservierungen/ressourcen/raum-101/kalender?von={Uri.EscapeDataString(Morgen.ToString("O"))}"));
        kalender!["total"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task Refusals_BadInput400_ApprovalNeeded409_UnknownResource404_ClerksDoNotKeepResources()
    {
        await using var s = await TestServer.StartAsync();
        await Ressourcen(s);
        var erika = await s.PersonAsync("erika", [], ["clerk"]);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/reservierungen/buchungen",
            new { ressourceId = "saal", von = Morgen, bis = Morgen.AddHours(2), zweck = "Empfang" }), 409);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/reservierungen/buchungen",
            new { ressourceId = "raum-101", von = Morgen, bis = Morgen, zweck = "leer" }), 400);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/reservierungen/buchungen",
            new { ressourceId = "raum-101", von = Morgen, bis = Morgen.AddHours(1), zweck = "zu viele", teilnehmer = 13 }), 400);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/reservierungen/buchungen",
            new { ressourceId = "raum-101", von = Morgen.AddDays(-5), bis = Morgen.AddDays(-5).AddHours(1), zweck = "gestern" }), 400);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/reservierungen/ressourcen/gibtsnicht/kalender"), 404);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Put, "api/reservierungen/ressourcen/raum-102", new { art = "raum", name = "x", verwalterGruppe = "h" }), 403);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/reservierungen/ressourcen/raum-102", new { art = "boot", name = "x", verwalterGruppe = "h" }), 400);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/reservierungen/ressourcen/raum-102", new { art = "raum", name = "Sitzungsraum 101", verwalterGruppe = "h" }), 409);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/reservierungen/ressourcen/raum-102", new { art = "raum", name = "x", genehmigungspflicht = true, verwalterGruppe = "h" }), 400);
        var liste = await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/reservierungen/ressourcen?art=raum&limit=1"));
        liste!["total"]!.GetValue<long>().ShouldBe(2);
        liste["items"]!.AsArray().Count.ShouldBe(1);
    }
}

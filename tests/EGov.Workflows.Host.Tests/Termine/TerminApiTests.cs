using System.Net;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Termine;
using EGov.Workflows.Persistence.Termine;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Host.Tests.Termine;

/// <summary>
/// The Online-Terminierung's staff side under /api/termine (issue 17, item 7): places, opening hours and services kept by
/// administrators; free times by opening hours, grid, service duration, counters and the tenant's public holidays; the
/// clerks' paged day view; attended, missed, cancelled with a reason and rebooked — a rebooking onto a full time refused by
/// the database — and the refusals (bad input 400, unknown 404, clerks keep no master data 403).
/// </summary>
public sealed class TerminApiTests
{
    private static async Task<JsonNode?> Ok(HttpResponseMessage response, int status = 200)
    {
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, body);
        return body.Length == 0 ? null : JsonNode.Parse(body);
    }

    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private static LocalDate Heute => SystemClock.Instance.GetCurrentInstant().InZone(Berlin).Date;

    /// <summary>A day from <paramref name="ab"/> on that is no public holiday in Hessen.</summary>
    private static LocalDate Werktag(LocalDate ab)
    {
        var d = ab;
        while (Time.FristCalculator.Hessen.Holidays.HolidayName(d) is not null) d = d.PlusDays(1);
        return d;
    }

    private static string Iso(LocalDate d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static Instant Um(LocalDate d, int stunde, int minute = 0) => (d + new LocalTime(stunde, minute)).InZoneStrictly(Berlin).ToInstant();

    /// <summary>Bürgerbüro Mitte: 2 counters, 15-minute grid, open every day 08:00–12:00 (so any weekday works), services of 20 and 45 minutes.</summary>
    private static async Task Stammdaten(TestServer s)
    {
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-mitte", new { name = "Bürgerbüro Mitte", adresse = "Rathausplatz 1", schalter = 2, rasterMinuten = 15, vorlaufTage = 366, gruppe = "buergerbuero" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-mitte/oeffnungszeiten",
            Enumerable.Range(1, 7).Select(t => new { wochentag = t, von = "08:00", bis = "12:00" }).ToArray()));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/dienstleistungen/perso", new { name = "Personalausweis beantragen", dauerMinuten = 20, leika = "99102013001000" }));
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/dienstleistungen/ummeldung", new { name = "Wohnsitz ummelden", dauerMinuten = 45 }));
    }

    private static Termin Gebucht(TestServer s, string id, Instant von, int minuten = 20)
    {
        var store = s.Server.App.Services.GetRequiredService<TerminRegister>().Store;
        return store.Buchen("default", new Termin(id, "bb-mitte", 0, "perso", von, von + Duration.FromMinutes(minuten), TerminStatus.Gebucht, "buerger-" + id,
            "Erika Mustermann", "erika@example.org", null, null, von, von), 2);
    }

    [Fact]
    public async Task FreeTimes_FollowHoursGridDurationCounters_AndHolidays()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await Stammdaten(s);
        var tag = Werktag(Heute.PlusDays(3));
        var frei = await Ok(await s.SendAsync(HttpMethod.Get, $"api/termine/freie-zeiten?standort=bb-mitte&dienstleistung=ummeldung&datum={Iso(tag)}"));
        frei!["geschlossen"].ShouldBeNull();
        var zeiten = frei["zeiten"]!.AsArray().Select(z => z!["uhrzeit"]!.GetValue<string>()).ToList();
        zeiten.First().ShouldBe("08:00");
        zeiten.Last().ShouldBe("11:15", "a 45-minute service still fits at 11:15, not at 11:30");
        zeiten.Count.ShouldBe(14);

        // Both counters taken 09:00–09:20: the 45-minute service cannot start 08:30 … 09:15, the 20-minute one at 08:45 still can.
        Gebucht(s, "T-1", Um(tag, 9));
        Gebucht(s, "T-2", Um(tag, 9));
        zeiten = (await Ok(await s.SendAsync(HttpMethod.Get, $"api/termine/freie-zeiten?standort=bb-mitte&dienstleistung=ummeldung&datum={Iso(tag)}")))!["zeiten"]!
            .AsArray().Select(z => z!["uhrzeit"]!.GetValue<string>()).ToList();
        zeiten.ShouldNotContain("08:30");
        zeiten.ShouldNotContain("09:15");
        zeiten.ShouldContain("08:15");
        zeiten.ShouldContain("09:30");
        var kurz = (await Ok(await s.SendAsync(HttpMethod.Get, $"api/termine/freie-zeiten?standort=bb-mitte&dienstleistung=perso&datum={Iso(tag)}")))!["zeiten"]!.AsArray();
        kurz.Select(z => z!["uhrzeit"]!.GetValue<string>()).ShouldContain("08:30");
        kurz.Single(z => z!["uhrzeit"]!.GetValue<string>() == "08:15")!["frei"]!.GetValue<int>().ShouldBe(2);

        // The first Christmas Day is a public holiday (Hessen, the tenant's Fristen calendar): closed, whatever the opening hours say.
        var weihnachten = new LocalDate(Heute.Month == 12 && Heute.Day > 20 ? Heute.Year + 1 : Heute.Year, 12, 25);
        var feiertag = await Ok(await s.SendAsync(HttpMethod.Get, $"api/termine/freie-zeiten?standort=bb-mitte&dienstleistung=perso&datum={Iso(weihnachten)}"));
        feiertag!["geschlossen"]!.GetValue<string>().ShouldContain("Weihnacht");
        feiertag["zeiten"]!.AsArray().ShouldBeEmpty();
        (await Ok(await s.SendAsync(HttpMethod.Get, $"api/termine/freie-zeiten?standort=bb-mitte&dienstleistung=perso&datum={Iso(Heute.PlusDays(-1))}")))!["geschlossen"].ShouldNotBeNull();
    }

    [Fact]
    public async Task DayView_IsPaged_ClerksMarkAttendedMissedCancelled_AndRebookOnlyOntoAFreeCounter()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await Stammdaten(s);
        var erika = await s.PersonAsync("erika", ["buergerbuero"], ["clerk"]);
        var jetzt = SystemClock.Instance.GetCurrentInstant();
        var begonnen = jetzt - Duration.FromMinutes(5); // today's appointment that has begun
        Gebucht(s, "T-HEUTE-1", begonnen);
        Gebucht(s, "T-HEUTE-2", begonnen, minuten: 3);
        var tag = Werktag(Heute.PlusDays(3));
        Gebucht(s, "T-A", Um(tag, 8));
        Gebucht(s, "T-B", Um(tag, 8));
        Gebucht(s, "T-C", Um(tag, 10));

        var seite = await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, $"api/termine/tagesansicht?standort=bb-mitte&datum={Iso(tag)}&limit=2"));
        seite!["total"]!.GetValue<long>().ShouldBe(3);
        seite["items"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ShouldBe(["T-A", "T-B"]);
        seite["items"]![1]!["schalter"]!.GetValue<int>().ShouldBe(2);
        seite["items"]![0]!["uhrzeit"]!.GetValue<string>().ShouldBe("08:00");
        (await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, $"api/termine/tagesansicht?standort=bb-mitte&datum={Iso(tag)}&offset=2&limit=2")))!["items"]![0]!["id"]!.GetValue<string>().ShouldBe("T-C");

        // Today: attended, then not again; the other one missed. A future one can be neither.
        (await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-HEUTE-1/erschienen")))!["status"]!.GetValue<string>().ShouldBe("erschienen");
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-HEUTE-1/erschienen"), 409);
        if (begonnen.InZone(Berlin).Date == Heute) // not across midnight
            (await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-HEUTE-2/nicht-erschienen")))!["status"]!.GetValue<string>().ShouldBe("nicht_erschienen");
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-C/erschienen"), 409);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-C/nicht-erschienen"), 409);

        // Rebooking T-C onto 08:00 where both counters are taken: the database refuses, T-C keeps its time; onto 08:30 it moves.
        var voll = await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-C/umbuchen", new { von = Um(tag, 8, 10).ToDateTimeOffset() }), 400);
        voll!["detail"]!.GetValue<string>().ShouldContain("Raster");
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-C/umbuchen", new { von = Um(tag, 8, 15).ToDateTimeOffset() }), 409);
        (await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/T-C")))!["uhrzeit"]!.GetValue<string>().ShouldBe("10:00");
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-C/umbuchen", new { von = Um(tag, 11, 50).ToDateTimeOffset() }), 400); // 20 minutes do not fit before 12:00
        var moved = await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-C/umbuchen", new { von = Um(tag, 8, 30).ToDateTimeOffset() }));
        moved!["uhrzeit"]!.GetValue<string>().ShouldBe("08:30");
        moved["schalter"]!.GetValue<int>().ShouldBe(1);

        // Cancelling needs a reason; afterwards the counter is free and the day view still shows it (unless alle=false).
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-A/absagen", new { grund = " " }), 400);
        var abgesagt = await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-A/absagen", new { grund = "Schalter wegen Krankheit geschlossen" }));
        abgesagt!["status"]!.GetValue<string>().ShouldBe("storniert");
        abgesagt["grund"]!.GetValue<string>().ShouldBe("Schalter wegen Krankheit geschlossen");
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-A/absagen", new { grund = "nochmal" }), 409);
        (await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, $"api/termine/tagesansicht?standort=bb-mitte&datum={Iso(tag)}")))!["total"]!.GetValue<long>().ShouldBe(3);
        (await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, $"api/termine/tagesansicht?standort=bb-mitte&datum={Iso(tag)}&alle=false")))!["total"]!.GetValue<long>().ShouldBe(2);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-B/umbuchen", new { von = Um(tag, 8, 15).ToDateTimeOffset() }));
    }

    [Fact]
    public async Task RebookingsRacingForTheLastCounter_ExactlyOneMoves()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        await Stammdaten(s);
        var tag = Werktag(Heute.PlusDays(3));
        Gebucht(s, "T-VOLL", Um(tag, 9)); // one of the two counters is taken at 09:00
        var clerks = new List<HttpClient>();
        for (var i = 0; i < 5; i++)
        {
            Gebucht(s, $"T-{i}", Um(tag, 10, 0) + Duration.FromMinutes(i * 30)); // 10:00, 10:30, … each alone at its time
            clerks.Add(await s.PersonAsync($"sb{i}", ["buergerbuero"], ["clerk"]));
        }
        var answers = await Task.WhenAll(clerks.Select((c, i) => TestServer.SendAsAsync(c, HttpMethod.Post, $"api/termine/T-{i}/umbuchen", new { von = Um(tag, 9).ToDateTimeOffset() })));
        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.Conflict).ShouldBe(4);
        var um9 = s.Server.App.Services.GetRequiredService<TerminRegister>().Store.Tag("default", "bb-mitte", Um(tag, 9), Um(tag, 9, 20), false, 0, 10);
        um9.Total.ShouldBe(2);
    }

    [Fact]
    public async Task Refusals_BadInput400_Unknown404_ClerksKeepNoMasterData()
    {
        await using var s = await TestServer.StartAsync();
        await Stammdaten(s);
        var erika = await s.PersonAsync("erika", ["buergerbuero"], ["clerk"]);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Put, "api/termine/dienstleistungen/x", new { name = "x", dauerMinuten = 10 }), 403);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Put, "api/termine/standorte/bb-mitte/oeffnungszeiten", Array.Empty<object>()), 403);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/dienstleistungen/x", new { name = "x", dauerMinuten = 1 }), 400);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/dienstleistungen/x", new { name = "x", dauerMinuten = 10, leika = "123" }), 400);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/dienstleistungen/x", new { name = "Wohnsitz ummelden", dauerMinuten = 10 }), 409);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-2", new { name = "Zwei", schalter = 0, gruppe = "bb" }), 400);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-mitte/oeffnungszeiten", new[] { new { wochentag = 1, von = "08:00", bis = "12:00" }, new { wochentag = 1, von = "11:00", bis = "13:00" } }), 400);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-mitte/oeffnungszeiten", new[] { new { wochentag = 8, von = "08:00", bis = "12:00" } }), 400);
        await Ok(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-mitte/oeffnungszeiten", new[] { new { wochentag = 1, von = "8 Uhr", bis = "12:00" } }), 400);
        (await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/standorte/bb-mitte/oeffnungszeiten")))!.AsArray().Count.ShouldBe(7, "a refused change leaves the hours");
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/freie-zeiten?standort=bb-mitte&dienstleistung=perso&datum=morgen"), 400);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/freie-zeiten?standort=gibtsnicht&dienstleistung=perso&datum=2027-01-04"), 404);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/tagesansicht?standort=gibtsnicht"), 404);
        await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-GIBTSNICHT/erschienen"), 404);
        (await Ok(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/dienstleistungen?limit=1")))!["total"]!.GetValue<long>().ShouldBe(2);
    }
}

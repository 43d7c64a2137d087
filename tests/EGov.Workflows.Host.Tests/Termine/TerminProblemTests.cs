using System.Net.Http.Json;
using System.Text;
using EGov.Workflows.Host.Termine;
using EGov.Workflows.Persistence.Termine;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Host.Tests.Termine;

/// <summary>
/// Every refusal of the Bürgerbüro's staff endpoints under /api/termine is German (issue 17): a missing field, a date or time
/// that is none, a body value of the wrong kind, an unknown place or appointment, an appointment in the wrong state or a name
/// another holds, paging out of range, a missing permission — each with its status, a German title and a detail naming the cause.
/// </summary>
public sealed class TerminProblemTests
{
    private const string Ungueltig = "Ungültige Anfrage", NichtGefunden = "Nicht gefunden", Konflikt = "Konflikt";

    private static async Task Stammdaten(TestServer s)
    {
        (await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-mitte", new { name = "Bürgerbüro Mitte", schalter = 1, rasterMinuten = 15, vorlaufTage = 366, gruppe = "buergerbuero" })).EnsureSuccessStatusCode();
        (await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-mitte/oeffnungszeiten", Enumerable.Range(1, 7).Select(t => new { wochentag = t, von = "08:00", bis = "12:00" }).ToArray())).EnsureSuccessStatusCode();
        (await s.SendAsync(HttpMethod.Put, "api/termine/dienstleistungen/perso", new { name = "Personalausweis beantragen", dauerMinuten = 20 })).EnsureSuccessStatusCode();
    }

    private static async Task<HttpResponseMessage> Raw(TestServer s, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await s.Http.SendAsync(request);
    }

    [Fact]
    public async Task MasterData_MissingFields_BadValues_AndTakenNames_AreRefusedInGerman_NothingWritten()
    {
        await using var s = await TestServer.StartAsync();
        await Stammdaten(s);
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-2", new { schalter = 2, gruppe = "bb" }), 400, Ungueltig, "Namen des Standorts", "(name)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-2", new { name = "Zwei", gruppe = "bb" }), 400, Ungueltig, "Schalter fehlt");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-2", new { name = "Zwei", schalter = 0, gruppe = "bb" }), 400, Ungueltig, "0 Schalter", "1 bis 100");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-2", new { name = "Zwei", schalter = 2 }), 400, Ungueltig, "Postkorb-Gruppe", "(gruppe)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/b%20b", new { name = "Zwei", schalter = 2, gruppe = "bb" }), 400, Ungueltig, "„b b“", "Kennung eines Standorts");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/bb-2", new { name = "Bürgerbüro Mitte", schalter = 2, gruppe = "bb" }), 409, Konflikt, "„Bürgerbüro Mitte“", "anderer Standort");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/dienstleistungen/x", new { name = "x" }), 400, Ungueltig, "Dauer fehlt");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/dienstleistungen/x", new { name = "x", dauerMinuten = 1 }), 400, Ungueltig, "1 Minuten", "5 bis 480");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/dienstleistungen/x", new { name = "x", dauerMinuten = 10, leika = "123" }), 400, Ungueltig, "„123“", "LeiKa-Schlüssel", "14 Ziffern");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/dienstleistungen/x", new { name = "Personalausweis beantragen", dauerMinuten = 10 }), 409, Konflikt, "andere Dienstleistung");
        // A body value of the wrong kind and a body that is no JSON: refused by the framework before the handler, still in German.
        var art = await GermanProblem.ShouldBeAsync(await Raw(s, HttpMethod.Put, "api/termine/standorte/bb-2", """{"name": "Zwei", "schalter": "zwei", "gruppe": "bb"}"""), 400, Ungueltig, "„schalter“", "ganze Zahl");
        await GermanProblem.ShouldBeAsync(await Raw(s, HttpMethod.Put, "api/termine/standorte/bb-2", "{name:"), 400, Ungueltig, "JSON");
        await GermanProblem.ShouldBeAsync(await Raw(s, HttpMethod.Put, "api/termine/standorte/bb-2", ""), 400, Ungueltig, "fehlt der Inhalt");
        (await s.GetJsonAsync("api/termine/standorte"))["total"]!.GetValue<long>().ShouldBe(1, "nothing was written");
        (await s.GetJsonAsync("api/termine/dienstleistungen"))["total"]!.GetValue<long>().ShouldBe(1);
        art["instance"]!.GetValue<string>().ShouldBe("/api/termine/standorte/bb-2");
    }

    [Fact]
    public async Task OpeningHours_BadTimes_Overlaps_AndUnknownPlaces_AreRefusedInGerman_TheHoursStay()
    {
        await using var s = await TestServer.StartAsync();
        await Stammdaten(s);
        const string Zeiten = "api/termine/standorte/bb-mitte/oeffnungszeiten";
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, Zeiten, new[] { new { wochentag = 1, von = "08:00", bis = "12:00" }, new { wochentag = 1, von = "11:00", bis = "13:00" } }),
            400, Ungueltig, "Am Montag überschneiden sich", "08:00–12:00", "11:00–13:00");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, Zeiten, new[] { new { wochentag = 8, von = "08:00", bis = "12:00" } }), 400, Ungueltig, "8 ist kein Wochentag");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, Zeiten, new[] { new { wochentag = 1, von = "8 Uhr", bis = "12:00" } }), 400, Ungueltig, "„8 Uhr“ ist keine Uhrzeit", "08:00");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, Zeiten, new[] { new { wochentag = 2, von = "12:00", bis = "08:00" } }), 400, Ungueltig, "Am Dienstag", "nicht nach ihrem Beginn");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, Zeiten, new[] { new { wochentag = 2, von = "08:00" } }), 400, Ungueltig, "fehlt die Uhrzeit „bis“");
        await GermanProblem.ShouldBeAsync(await Raw(s, HttpMethod.Put, Zeiten, """{"wochentag": 1}"""), 400, Ungueltig, "Liste");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/termine/standorte/gibtsnicht/oeffnungszeiten", Array.Empty<object>()), 404, NichtGefunden, "Den Standort „gibtsnicht“ gibt es nicht");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/termine/standorte/gibtsnicht/oeffnungszeiten"), 404, NichtGefunden, "„gibtsnicht“");
        (await s.GetJsonAsync(Zeiten)).AsArray().Count.ShouldBe(7, "a refused change leaves the hours");
    }

    [Fact]
    public async Task DayView_FreeTimes_AndClerkActions_AreRefusedInGerman()
    {
        await using var s = await TestServer.StartAsync();
        await Stammdaten(s);
        var erika = await s.PersonAsync("erika", ["buergerbuero"], ["clerk"]);
        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var tag = SystemClock.Instance.GetCurrentInstant().InZone(berlin).Date.PlusDays(10);
        while (Time.FristCalculator.Hessen.Holidays.HolidayName(tag) is not null) tag = tag.PlusDays(1);
        var um = (tag + new LocalTime(9, 0)).InZoneStrictly(berlin).ToInstant();
        var store = s.Server.App.Services.GetRequiredService<TerminRegister>().Store;
        store.Buchen("default", new Termin("T-1", "bb-mitte", 0, "perso", um, um + Duration.FromMinutes(20), TerminStatus.Gebucht, "b-1", "Erika Mustermann", "e@example.org", null, null, um, um), 1);
        store.Buchen("default", new Termin("T-2", "bb-mitte", 0, "perso", um + Duration.FromMinutes(30), um + Duration.FromMinutes(50), TerminStatus.Gebucht, "b-2", "Max Mustermann", "m@example.org", null, null, um, um), 1);

        // bad date, missing fields, unknown places and services, paging out of range, a query value that is no number
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/freie-zeiten?standort=bb-mitte&dienstleistung=perso&datum=morgen"), 400, Ungueltig, "„morgen“ ist kein Datum", "JJJJ-MM-TT");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/freie-zeiten?standort=bb-mitte&dienstleistung=perso&datum=2027-02-30"), 400, Ungueltig, "„2027-02-30“ ist kein Datum");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/freie-zeiten?standort=bb-mitte&dienstleistung=perso"), 400, Ungueltig, "Datum");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/freie-zeiten?dienstleistung=perso&datum=2027-01-04"), 400, Ungueltig, "Standort");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/freie-zeiten?standort=gibtsnicht&dienstleistung=perso&datum=2027-01-04"), 404, NichtGefunden, "Den Standort „gibtsnicht“ gibt es nicht");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/freie-zeiten?standort=bb-mitte&dienstleistung=gibtsnicht&datum=2027-01-04"), 404, NichtGefunden, "Die Dienstleistung „gibtsnicht“ gibt es nicht");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/tagesansicht"), 400, Ungueltig, "Standort");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/tagesansicht?standort=gibtsnicht"), 404, NichtGefunden, "„gibtsnicht“");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/tagesansicht?standort=bb-mitte&datum=31.12.2027"), 400, Ungueltig, "„31.12.2027“ ist kein Datum");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/tagesansicht?standort=bb-mitte&limit=501"), 400, Ungueltig, "limit 501", "1 bis 500");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/standorte?offset=-1"), 400, Ungueltig, "offset -1 ist negativ");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/standorte?limit=zehn"), 400, Ungueltig, "„zehn“", "„limit“", "ganze Zahl");

        // unknown appointments; actions on one in the wrong state or at the wrong time (conflicts)
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/termine/T-GIBTSNICHT"), 404, NichtGefunden, "Den Termin „T-GIBTSNICHT“ gibt es nicht");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-GIBTSNICHT/erschienen"), 404, NichtGefunden, "„T-GIBTSNICHT“");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-1/erschienen"), 409, Konflikt, "nicht heute");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-1/nicht-erschienen"), 409, Konflikt, "noch nicht begonnen");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-1/absagen", new { grund = " " }), 400, Ungueltig, "Grund der Absage", "(grund)");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-1/umbuchen", new { }), 400, Ungueltig, "neue Zeit", "(von)");
        await GermanProblem.ShouldBeAsync(await RawAs(erika, HttpMethod.Post, "api/termine/T-1/umbuchen", """{"von": "morgen um neun"}"""), 400, Ungueltig, "„von“", "Zeitpunkt", "2027-03-02T09:30:00+01:00");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-1/umbuchen", new { von = (um + Duration.FromMinutes(7)).ToDateTimeOffset() }), 400, Ungueltig, "Raster");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-1/umbuchen", new { von = (um + Duration.FromMinutes(30)).ToDateTimeOffset() }), 409, Konflikt, "kein Schalter mehr frei");
        (await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-1/absagen", new { grund = "Schalter geschlossen" })).EnsureSuccessStatusCode();
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-1/absagen", new { grund = "nochmal" }), 409, Konflikt, "T-1 ist abgesagt", "nur ein gebuchter Termin");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-1/umbuchen", new { von = um.ToDateTimeOffset() }), 409, Konflikt, "T-1 ist abgesagt");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/termine/T-1/erschienen"), 409, Konflikt, "T-1 ist abgesagt");

        // no permission, not signed in
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Put, "api/termine/dienstleistungen/x", new { name = "x", dauerMinuten = 10 }), 403, "Keine Berechtigung", "„erika“ fehlt die Berechtigung");
        await GermanProblem.ShouldBeAsync(await s.Anonymous.GetAsync("api/termine/standorte"), 401, "Nicht angemeldet", "Bitte melden Sie sich zuerst an");
    }

    private static async Task<HttpResponseMessage> RawAs(HttpClient client, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        return await client.SendAsync(request);
    }
}

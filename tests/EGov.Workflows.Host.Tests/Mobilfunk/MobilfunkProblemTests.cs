using System.Text;

namespace EGov.Workflows.Host.Tests.Mobilfunk;

/// <summary>
/// Every refusal of /api/mobilfunk is German (issue 17): missing fields, amounts and dates that are none, values of the wrong
/// kind, unknown tariffs, devices and contracts (another person's contract is as unknown), paging, a missing permission.
/// </summary>
public sealed class MobilfunkProblemTests
{
    private const string Ungueltig = "Ungültige Anfrage", NichtGefunden = "Nicht gefunden";

    [Fact]
    public async Task BadInput_Unknown_AndForbidden_AreRefusedInGerman_NothingWritten()
    {
        await using var s = await TestServer.StartAsync();
        var erika = await s.PersonAsync("erika", ["sachbearbeitung"], ["clerk"]);
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { grundgebuehr = 9.9, mindestlaufzeit = 24 }), 400, Ungueltig, "Bezeichnung des Tarifs", "(bezeichnung)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { bezeichnung = "Basis", mindestlaufzeit = 24 }), 400, Ungueltig, "Grundgebühr", "(grundgebuehr)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { bezeichnung = "Basis", grundgebuehr = 9.999, mindestlaufzeit = 24 }), 400, Ungueltig, "9,999 €", "Cent");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { bezeichnung = "Basis", grundgebuehr = -1, mindestlaufzeit = 24 }), 400, Ungueltig, "-1 €", "0 bis 100.000 €");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { bezeichnung = "Basis", grundgebuehr = 9.9 }), 400, Ungueltig, "Mindestlaufzeit");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { bezeichnung = "Basis", grundgebuehr = 9.9, mindestlaufzeit = 61 }), 400, Ungueltig, "61 Monaten", "0 bis 60");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { bezeichnung = "Basis", grundgebuehr = 9.9, mindestlaufzeit = 24, datenvolumenGb = -5 }), 400, Ungueltig, "-5 GB");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/ba%20sis", new { bezeichnung = "Basis", grundgebuehr = 9.9, mindestlaufzeit = 24 }), 400, Ungueltig, "„ba sis“", "Kennung des Tarifs");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/geraete/x", new { bezeichnung = "Gerät", preis = 100 }), 400, Ungueltig, "Hersteller", "(hersteller)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/geraete/x", new { bezeichnung = "Gerät", hersteller = "H" }), 400, Ungueltig, "Preis des Geräts");
        using (var request = new HttpRequestMessage(HttpMethod.Put, "api/mobilfunk/geraete/x") { Content = new StringContent("""{"bezeichnung": "Gerät", "hersteller": "H", "preis": "teuer"}""", Encoding.UTF8, "application/json") })
            await GermanProblem.ShouldBeAsync(await s.Http.SendAsync(request), 400, Ungueltig, "„preis“", "Zahl");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/tarife?limit=501"), 400, Ungueltig, "limit 501");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/tarife?alle=vielleicht"), 400, Ungueltig, "„vielleicht“", "true oder false");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/vertraege?status=unbekannt"), 400, Ungueltig, "Den Status „unbekannt“ gibt es nicht", "aktiv");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/vertraege?endetBis=morgen"), 400, Ungueltig, "„morgen“ ist kein Datum", "JJJJ-MM-TT");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/vertraege?q=" + new string('x', 101)), 400, Ungueltig, "Suchbegriff");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/tarife/basis"), 404, NichtGefunden, "Den Tarif „basis“ gibt es");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/geraete/x"), 404, NichtGefunden, "Das Gerät „x“ gibt es");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/mobilfunk/vertraege/MF-9"), 404, NichtGefunden, "„MF-9“");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/mobilfunk/kosten"), 403, "Keine Berechtigung", "„erika“ fehlt die Berechtigung");
        (await s.GetJsonAsync("api/mobilfunk/tarife?alle=true"))["total"]!.GetValue<long>().ShouldBe(0);
        (await s.GetJsonAsync("api/mobilfunk/geraete?alle=true"))["total"]!.GetValue<long>().ShouldBe(0);
    }
}

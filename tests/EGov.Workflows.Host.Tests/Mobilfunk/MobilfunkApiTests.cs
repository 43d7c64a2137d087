using System.Text.Json.Nodes;
using EGov.Workflows.Host.Mobilfunk;
using EGov.Workflows.Persistence.Mobilfunk;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Mobilfunk;

/// <summary>
/// The Mobilfunk tables behind /api/mobilfunk (issue 17 item 4): the IT-Service keeps the catalogue and sees every contract with
/// its costs; every member of staff reads the catalogue and their OWN contracts (another person's is not found); bad input is a
/// problem and writes nothing.
/// </summary>
public sealed class MobilfunkApiTests
{
    private static async Task<JsonNode> Ok(HttpResponseMessage response, int status = 200)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        return JsonNode.Parse(text)!;
    }

    private static string Tenant(TestServer s) => s.Server.App.Services.GetRequiredService<ServeOptions>().Tenant;
    private static IMobilfunkStore Store(TestServer s) => s.Server.App.Services.GetRequiredService<MobilfunkRegister>().Store;

    [Fact]
    public async Task Catalogue_IsKeptByTheItService_AndReadByStaff()
    {
        await using var s = await TestServer.StartAsync();
        var it = await s.PersonAsync("it", ["it-service"], ["itservice"]);
        var erika = await s.PersonAsync("erika", ["sachbearbeitung"], ["clerk"]);
        var t = await Ok(await TestServer.SendAsAsync(it, HttpMethod.Put, "api/mobilfunk/tarife/basis",
            new { bezeichnung = "Behördentarif Basis", grundgebuehr = 9.90, mindestlaufzeit = 24, datenvolumenGb = 10 }));
        (t["grundgebuehr"]!.GetValue<decimal>(), t["aktiv"]!.GetValue<bool>()).ShouldBe((9.90m, true));
        await Ok(await TestServer.SendAsAsync(it, HttpMethod.Put, "api/mobilfunk/tarife/alt", new { bezeichnung = "Alter Tarif", grundgebuehr = 5, mindestlaufzeit = 24, aktiv = false }));
        await Ok(await TestServer.SendAsAsync(it, HttpMethod.Put, "api/mobilfunk/geraete/smartphone-s", new { bezeichnung = "Standard-Smartphone", hersteller = "Samsung", preis = 289 }));

        var tarife = await TestServer.GetJsonAsAsync(erika, "api/mobilfunk/tarife");
        tarife["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ShouldBe(["basis"]);
        (await TestServer.GetJsonAsAsync(erika, "api/mobilfunk/tarife?alle=true"))["total"]!.GetValue<long>().ShouldBe(2);
        (await TestServer.GetJsonAsAsync(erika, "api/mobilfunk/geraete/smartphone-s"))["hersteller"]!.GetValue<string>().ShouldBe("Samsung");
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Put, "api/mobilfunk/tarife/basis",
            new { bezeichnung = "billig", grundgebuehr = 0, mindestlaufzeit = 0 }), 403);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/mobilfunk/kosten"), 403);
        (await TestServer.GetJsonAsAsync(it, "api/mobilfunk/tarife/basis"))["bezeichnung"]!.GetValue<string>().ShouldBe("Behördentarif Basis");
    }

    [Fact]
    public async Task Catalogue_BadInput_IsAProblem_AndNothingIsWritten()
    {
        await using var s = await TestServer.StartAsync();
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { bezeichnung = "Basis", grundgebuehr = 9.999, mindestlaufzeit = 24 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { bezeichnung = "Basis", grundgebuehr = -1, mindestlaufzeit = 24 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { bezeichnung = "Basis", grundgebuehr = 9.9, mindestlaufzeit = 61 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/basis", new { grundgebuehr = 9.9, mindestlaufzeit = 24 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/tarife/ba%20sis", new { bezeichnung = "Basis", grundgebuehr = 9.9, mindestlaufzeit = 24 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/mobilfunk/geraete/x", new { bezeichnung = "Gerät", preis = 100 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/tarife?limit=501"), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/vertraege?status=unbekannt"), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/vertraege?endetBis=morgen"), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/mobilfunk/tarife/basis"), 404);
        (await s.GetJsonAsync("api/mobilfunk/tarife?alle=true"))["total"]!.GetValue<long>().ShouldBe(0);
        (await s.GetJsonAsync("api/mobilfunk/geraete?alle=true"))["total"]!.GetValue<long>().ShouldBe(0);
    }

    [Fact]
    public async Task Contracts_EachPersonSeesTheirOwn_TheItServiceEveryOne_WithTheCostsPerCostCentre()
    {
        await using var s = await TestServer.StartAsync();
        var it = await s.PersonAsync("it", ["it-service"], ["itservice"]);
        var erika = await s.PersonAsync("erika", ["sachbearbeitung"], ["clerk"]);
        var store = Store(s);
        var tenant = Tenant(s);
        var now = NodaTime.SystemClock.Instance.GetCurrentInstant();
        store.PutTarif(tenant, new Tarif("basis", "Behördentarif Basis", 9.90m, 24, 10, true, now));
        store.PutGeraet(tenant, new Geraet("smartphone-s", "Standard-Smartphone", "Samsung", 289m, true, now));
        store.Bestellen(tenant, new Bestellung("MF-1", "erika", "KST-10", "basis", "smartphone-s", null, now));
        store.Bestellen(tenant, new Bestellung("MF-2", "max", "KST-20", "basis", null, null, now));
        store.Uebergeben(tenant, "MF-1", "0151 1234567", "356938035643809", "erika", new NodaTime.LocalDate(2027, 3, 15), now);

        var own = await TestServer.GetJsonAsAsync(erika, "api/mobilfunk/vertraege?mitarbeiter=max");
        own["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ShouldBe(["MF-1"]);
        var mf1 = await TestServer.GetJsonAsAsync(erika, "api/mobilfunk/vertraege/MF-1");
        (mf1["quittiertVon"]!.GetValue<string>(), mf1["mindestlaufzeitEnde"]!.GetValue<string>(), mf1["kostenJahr"]!.GetValue<decimal>(), mf1["geraet"]!.GetValue<string>())
            .ShouldBe(("erika", "2029-03-15", 118.80m, "Standard-Smartphone"));
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/mobilfunk/vertraege/MF-2"), 404);

        (await TestServer.GetJsonAsAsync(it, "api/mobilfunk/vertraege"))["total"]!.GetValue<long>().ShouldBe(2);
        (await TestServer.GetJsonAsAsync(it, "api/mobilfunk/vertraege?kostenstelle=KST-20"))["items"]![0]!["mitarbeiter"]!.GetValue<string>().ShouldBe("max");
        (await TestServer.GetJsonAsAsync(it, "api/mobilfunk/vertraege?endetBis=2029-03-15"))["items"]!.AsArray().Single()!["id"]!.GetValue<string>().ShouldBe("MF-1");
        var kosten = await TestServer.GetJsonAsAsync(it, "api/mobilfunk/kosten");
        kosten["total"]!.GetValue<long>().ShouldBe(2);
        kosten["items"]![0]!["geraete"]!.GetValue<decimal>().ShouldBe(289m);
        (kosten["gesamt"]!["vertraege"]!.GetValue<int>(), kosten["gesamt"]!["monatlich"]!.GetValue<decimal>(), kosten["gesamt"]!["jaehrlich"]!.GetValue<decimal>())
            .ShouldBe((2, 19.80m, 237.60m));
    }
}

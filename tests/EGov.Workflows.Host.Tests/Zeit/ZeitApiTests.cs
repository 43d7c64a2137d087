using System.Text.Json.Nodes;
using EGov.Workflows.Host.Zeit;
using EGov.Workflows.Persistence.Zeit;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Zeit;

/// <summary>
/// Zeitmanagement's tables behind /api/zeit (issue 17): the Personalstelle keeps leave accounts and training budgets; every member
/// of staff reads their OWN account (another person's is not found) and the budgets; bad input is a problem and writes nothing.
/// </summary>
public sealed class ZeitApiTests
{
    private static async Task<JsonNode> Ok(HttpResponseMessage response, int status = 200)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        return JsonNode.Parse(text)!;
    }

    private static string Tenant(TestServer s) => s.Server.App.Services.GetRequiredService<ServeOptions>().Tenant;

    [Fact]
    public async Task Urlaubskonto_IsKeptByThePersonalstelle_AndEachPersonSeesOnlyTheirOwn()
    {
        await using var s = await TestServer.StartAsync();
        var personal = await s.PersonAsync("personal", ["personalstelle"], ["personalstelle"]);
        var erika = await s.PersonAsync("erika", ["sachbearbeitung"], ["clerk"]);
        var k = await Ok(await TestServer.SendAsAsync(personal, HttpMethod.Put, "api/zeit/urlaubskonten/erika/2027", new { anspruch = 30, uebertrag = 4.5 }));
        (k["rest"]!.GetValue<decimal>(), k["gebucht"]!.GetValue<decimal>()).ShouldBe((34.5m, 0m));
        await Ok(await TestServer.SendAsAsync(personal, HttpMethod.Put, "api/zeit/urlaubskonten/max/2027", new { anspruch = 28 }));

        (await TestServer.GetJsonAsAsync(erika, "api/zeit/urlaubskonten/erika/2027"))["rest"]!.GetValue<decimal>().ShouldBe(34.5m);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/zeit/urlaubskonten/max/2027"), 404);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/zeit/urlaubskonten/max/2027/buchungen"), 404);
        // The list holds the caller's own accounts, whatever filter was asked for; the Personalstelle's every one.
        var own = await TestServer.GetJsonAsAsync(erika, "api/zeit/urlaubskonten?mitarbeiter=max");
        own["items"]!.AsArray().Select(i => i!["mitarbeiter"]!.GetValue<string>()).ShouldBe(["erika"]);
        (await TestServer.GetJsonAsAsync(personal, "api/zeit/urlaubskonten?jahr=2027"))["total"]!.GetValue<long>().ShouldBe(2);
        (await TestServer.GetJsonAsAsync(personal, "api/zeit/urlaubskonten?mitarbeiter=max"))["total"]!.GetValue<long>().ShouldBe(1);

        // Only the Personalstelle keeps them.
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Put, "api/zeit/urlaubskonten/erika/2027", new { anspruch = 99 }), 403);
        (await TestServer.GetJsonAsAsync(personal, "api/zeit/urlaubskonten/erika/2027"))["anspruch"]!.GetValue<decimal>().ShouldBe(30m);
    }

    [Fact]
    public async Task Urlaubskonto_BadInput_IsAProblem_AndNothingIsWritten()
    {
        await using var s = await TestServer.StartAsync();
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/urlaubskonten/erika/2027", new { anspruch = 30.3 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/urlaubskonten/erika/2027", new { anspruch = -1 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/urlaubskonten/erika/2027", new { uebertrag = 2 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/urlaubskonten/erika/zwanzig", new { anspruch = 30 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/urlaubskonten/er%20ika/2027", new { anspruch = 30 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/zeit/urlaubskonten?limit=501"), 400);
        (await s.GetJsonAsync("api/zeit/urlaubskonten"))["total"]!.GetValue<long>().ShouldBe(0);

        // Below the days already booked: 409, the account stays as it was.
        await Ok(await s.SendAsync(HttpMethod.Put, "api/zeit/urlaubskonten/erika/2027", new { anspruch = 30 }));
        var store = s.Server.App.Services.GetRequiredService<ZeitRegister>().Store;
        store.Buchen(Tenant(s), new Urlaubsbuchung("UA-1", "erika", 2027, new NodaTime.LocalDate(2027, 8, 2), new NodaTime.LocalDate(2027, 8, 13), 10,
            UrlaubsbuchungStatus.Gebucht, null, NodaTime.SystemClock.Instance.GetCurrentInstant(), null));
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/urlaubskonten/erika/2027", new { anspruch = 8 }), 409);
        var k = await s.GetJsonAsync("api/zeit/urlaubskonten/erika/2027");
        (k["anspruch"]!.GetValue<decimal>(), k["rest"]!.GetValue<decimal>()).ShouldBe((30m, 20m));
        var buchungen = await s.GetJsonAsync("api/zeit/urlaubskonten/erika/2027/buchungen");
        buchungen["items"]![0]!["von"]!.GetValue<string>().ShouldBe("2027-08-02");
    }

    [Fact]
    public async Task Fortbildungsbudget_IsReadByStaff_KeptByThePersonalstelle_ItsReservationsSeenOnlyByIt()
    {
        await using var s = await TestServer.StartAsync();
        var personal = await s.PersonAsync("personal", ["personalstelle"], ["personalstelle"]);
        var erika = await s.PersonAsync("erika", ["sachbearbeitung"], ["clerk"]);
        var b = await Ok(await TestServer.SendAsAsync(personal, HttpMethod.Put, "api/zeit/fortbildungsbudgets/KST-10/2027", new { bezeichnung = "Hauptamt", budget = 2500.50 }));
        b["verfuegbar"]!.GetValue<decimal>().ShouldBe(2500.50m);
        (await TestServer.GetJsonAsAsync(erika, "api/zeit/fortbildungsbudgets?jahr=2027"))["items"]![0]!["kostenstelle"]!.GetValue<string>().ShouldBe("KST-10");
        (await TestServer.GetJsonAsAsync(erika, "api/zeit/fortbildungsbudgets/KST-10/2027"))["budget"]!.GetValue<decimal>().ShouldBe(2500.50m);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/zeit/fortbildungsbudgets/KST-10/2027/reservierungen"), 403);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Put, "api/zeit/fortbildungsbudgets/KST-10/2027", new { bezeichnung = "x", budget = 1 }), 403);
        (await TestServer.GetJsonAsAsync(personal, "api/zeit/fortbildungsbudgets/KST-10/2027/reservierungen"))["total"]!.GetValue<long>().ShouldBe(0);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/fortbildungsbudgets/KST-10/2027", new { bezeichnung = "Hauptamt", budget = 10.001 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/fortbildungsbudgets/KST-10/2027", new { budget = 10 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/zeit/fortbildungsbudgets/KST-99/2027"), 404);
        (await s.GetJsonAsync("api/zeit/fortbildungsbudgets/KST-10/2027"))["budget"]!.GetValue<decimal>().ShouldBe(2500.50m);
    }
}

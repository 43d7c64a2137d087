using System.Text;
using EGov.Workflows.Host.Zeit;
using EGov.Workflows.Persistence.Zeit;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Zeit;

/// <summary>
/// Every refusal of /api/zeit (leave accounts, training budgets) is German (issue 17): a missing or unusable number of days or
/// euros, a year that is none, a key that is unusable, an account or budget that does not exist or is another person's, a new
/// total below what is booked, paging out of range, a missing permission — each with its status, a German title and a detail.
/// </summary>
public sealed class ZeitProblemTests
{
    private const string Ungueltig = "Ungültige Anfrage", NichtGefunden = "Nicht gefunden", Konflikt = "Konflikt";

    private static string Tenant(TestServer s) => s.Server.App.Services.GetRequiredService<ServeOptions>().Tenant;

    [Fact]
    public async Task LeaveAccounts_BadDaysYearsAndNames_OtherPeoplesAccounts_AndTotalsBelowTheBookedDays_AreRefusedInGerman()
    {
        await using var s = await TestServer.StartAsync();
        const string K = "api/zeit/urlaubskonten/erika/2027";
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, K, new { uebertrag = 2 }), 400, Ungueltig, "Urlaubsanspruch", "(anspruch)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, K, new { anspruch = 30.3 }), 400, Ungueltig, "30,3 Tage gehen nicht (anspruch)", "ganzen oder halben Tagen");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, K, new { anspruch = 30, uebertrag = -1 }), 400, Ungueltig, "(uebertrag)", "0 bis 500");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/urlaubskonten/erika/zwanzig", new { anspruch = 30 }), 400, Ungueltig, "„zwanzig“ ist kein Jahr", "2000 bis 2200");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/urlaubskonten/er%20ika/2027", new { anspruch = 30 }), 400, Ungueltig, "„er ika“ taugt nicht als Kennung einer Person");
        using (var request = new HttpRequestMessage(HttpMethod.Put, K) { Content = new StringContent("""{"anspruch": "dreißig"}""", Encoding.UTF8, "application/json") })
            await GermanProblem.ShouldBeAsync(await s.Http.SendAsync(request), 400, Ungueltig, "„anspruch“", "eine Zahl");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/zeit/urlaubskonten?limit=501"), 400, Ungueltig, "limit 501", "1 bis 500");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/zeit/urlaubskonten?jahr=zwanzig"), 400, Ungueltig, "„zwanzig“", "ganze Zahl");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, K), 404, NichtGefunden, "Für „erika“ gibt es kein Urlaubskonto 2027");
        (await s.GetJsonAsync("api/zeit/urlaubskonten"))["total"]!.GetValue<long>().ShouldBe(0, "nothing was written");

        (await s.SendAsync(HttpMethod.Put, K, new { anspruch = 30 })).EnsureSuccessStatusCode();
        s.Server.App.Services.GetRequiredService<ZeitRegister>().Store.Buchen(Tenant(s), new Urlaubsbuchung("UA-1", "erika", 2027, new NodaTime.LocalDate(2027, 8, 2),
            new NodaTime.LocalDate(2027, 8, 13), 10, UrlaubsbuchungStatus.Gebucht, null, NodaTime.SystemClock.Instance.GetCurrentInstant(), null));
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, K, new { anspruch = 8 }), 409, Konflikt, "lägen unter den schon gebuchten Tagen");

        var max = await s.PersonAsync("max", ["sachbearbeitung"], ["clerk"]);
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(max, HttpMethod.Get, K), 404, NichtGefunden, "Für „erika“ gibt es kein Urlaubskonto, das Sie sehen dürfen");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(max, HttpMethod.Get, $"{K}/buchungen"), 404, NichtGefunden, "„erika“");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(max, HttpMethod.Put, "api/zeit/urlaubskonten/max/2027", new { anspruch = 99 }), 403, "Keine Berechtigung", "„max“ fehlt die Berechtigung");
        (await s.GetJsonAsync(K))["anspruch"]!.GetValue<decimal>().ShouldBe(30m);
    }

    [Fact]
    public async Task TrainingBudgets_MissingNamesBadAmountsAndKeys_AndUnknownOnes_AreRefusedInGerman()
    {
        await using var s = await TestServer.StartAsync();
        const string B = "api/zeit/fortbildungsbudgets/KST-4711/2027";
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, B, new { budget = 1000 }), 400, Ungueltig, "Bezeichnung des Budgets", "(bezeichnung)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, B, new { bezeichnung = new string('x', 201), budget = 1000 }), 400, Ungueltig, "länger als 200 Zeichen");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, B, new { bezeichnung = "Fortbildung Amt 61" }), 400, Ungueltig, "Budget des Jahres in Euro", "(budget)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, B, new { bezeichnung = "Fortbildung Amt 61", budget = 12.345 }), 400, Ungueltig, "12,345 €", "auf den Cent genau");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, B, new { bezeichnung = "Fortbildung Amt 61", budget = -5 }), 400, Ungueltig, "-5 €", "0 bis 100.000.000 €");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/zeit/fortbildungsbudgets/KST%204711/2027", new { bezeichnung = "x", budget = 1 }), 400, Ungueltig,
            "„KST 4711“ taugt nicht als Kostenstelle (kostenstelle)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, B), 404, NichtGefunden, "Für die Kostenstelle „KST-4711“ gibt es kein Fortbildungsbudget 2027");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/zeit/fortbildungsbudgets/KST-4711/1999"), 400, Ungueltig, "„1999“ ist kein Jahr");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, $"{B}/reservierungen?offset=-1"), 400, Ungueltig, "offset -1 ist negativ");
        (await s.GetJsonAsync("api/zeit/fortbildungsbudgets"))["total"]!.GetValue<long>().ShouldBe(0, "nothing was written");
    }
}

using System.Text;
using EGov.Workflows.Host.Kita;
using EGov.Workflows.Persistence.Kita;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Host.Tests.Kita;

/// <summary>
/// Every refusal of /api/kita is German: a missing name, places out of range, an id that is no id, a text too long, a status of the
/// waiting list that does not exist, an unknown Kita or registration, fewer places than are offered, paging, an unreadable body and a
/// missing permission — each with its status, a German title and a detail that says what is wrong and what to do; nothing is written.
/// </summary>
public sealed class KitaProblemTests
{
    private const string Ungueltig = "Ungültige Anfrage", NichtGefunden = "Nicht gefunden", Konflikt = "Konflikt";
    private const string K = "api/kita/einrichtungen";

    private static string Tenant(TestServer s) => s.Server.App.Services.GetRequiredService<ServeOptions>().Tenant;
    private static IKitaStore Store(TestServer s) => s.Server.App.Services.GetRequiredService<KitaRegister>().Store;

    [Fact]
    public async Task BadInput_UnknownOnes_AndMissingPermissions_AreRefusedInGerman_NothingWritten()
    {
        await using var s = await TestServer.StartAsync();
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{K}/a", new { plaetzeU3 = 1, plaetzeUe3 = 1 }), 400, Ungueltig, "den Namen der Kita", "(name)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{K}/a", new { name = "A", plaetzeU3 = -1, plaetzeUe3 = 1 }), 400, Ungueltig, "-1 Plätze in plaetzeU3", "0 bis 500");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{K}/a", new { name = "A", plaetzeU3 = 1, plaetzeUe3 = 501 }), 400, Ungueltig, "501 Plätze in plaetzeUe3");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{K}/a", new { name = "A", plaetzeU3 = 1 }), 400, Ungueltig, "Zahl der Plätze", "(plaetzeUe3)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{K}/a", new { name = "A", adresse = new string('x', 301), plaetzeU3 = 1, plaetzeUe3 = 1 }), 400, Ungueltig, "301 Zeichen", "höchstens 300");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{K}/a", new { name = " ", plaetzeU3 = 1, plaetzeUe3 = 1 }), 400, Ungueltig, "name ist leer");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{K}/a%20b", new { name = "A", plaetzeU3 = 1, plaetzeUe3 = 1 }), 400, Ungueltig, "„a b“ taugt nicht als Kennung");
        using (var request = new HttpRequestMessage(HttpMethod.Put, $"{K}/a") { Content = new StringContent("""{"name": "A", "plaetzeU3": "zwei", "plaetzeUe3": 1}""", Encoding.UTF8, "application/json") })
            await GermanProblem.ShouldBeAsync(await s.Http.SendAsync(request), 400, Ungueltig, "„plaetzeU3“", "ganze Zahl");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/kita/warteliste?status=unbekannt"), 400, Ungueltig, "Den Stand „unbekannt“ gibt es nicht", "wartend");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/kita/warteliste?limit=501"), 400, Ungueltig, "limit 501");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, $"{K}/a"), 404, NichtGefunden, "Eine Kita „a“ gibt es nicht");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/kita/anmeldungen/KITA-9"), 404, NichtGefunden, "Eine Anmeldung „KITA-9“ gibt es nicht", "Warteliste");
        Store(s).ListEinrichtungen(Tenant(s), 0, 10).Total.ShouldBe(0, "nothing was written");

        var erika = await s.PersonAsync("erika", ["sachbearbeitung"], ["clerk"]);
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/kita/warteliste"), 403, "Keine Berechtigung", "„erika“ fehlt die Berechtigung");
    }

    [Fact]
    public async Task FewerPlacesThanAreOffered_IsAGermanConflict_ThatSaysHowManyAreTaken()
    {
        await using var s = await TestServer.StartAsync();
        (await s.SendAsync(HttpMethod.Put, $"{K}/a", new { name = "Kita A", plaetzeU3 = 1, plaetzeUe3 = 0 })).EnsureSuccessStatusCode();
        var now = SystemClock.Instance.GetCurrentInstant();
        Store(s).Anmelden(Tenant(s), new NeueAnmeldung("K-1", "Kind", new LocalDate(2026, 1, 2), new LocalDate(2027, 2, 1), ["a"], 1, null), now);
        Store(s).Zuteilen(Tenant(s), "K-1", new LocalDate(2027, 1, 15), now).Status.ShouldBe(AnmeldungStatus.Angeboten);

        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{K}/a", new { name = "Kita A", plaetzeU3 = 0, plaetzeUe3 = 0 }), 409, Konflikt,
            "„Kita A“ hat mehr Plätze vergeben oder angeboten", "1 Plätze U3", "mindestens so viele");
        Store(s).GetEinrichtung(Tenant(s), "a")!.PlaetzeU3.ShouldBe(1);
    }
}

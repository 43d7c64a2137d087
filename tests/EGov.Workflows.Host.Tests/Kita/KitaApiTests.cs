using System.Text.Json.Nodes;
using EGov.Workflows.Host.Kita;
using EGov.Workflows.Persistence.Kita;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace EGov.Workflows.Host.Tests.Kita;

/// <summary>
/// The Kita tables behind /api/kita (issue 17 item 9): the Kita-Verwaltung keeps the Kitas and their places and reads the
/// waiting list; other staff read the Kitas with their free places, never the waiting list; bad input is a problem and writes nothing.
/// </summary>
public sealed class KitaApiTests
{
    private static async Task<JsonNode> Ok(HttpResponseMessage response, int status = 200)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        return JsonNode.Parse(text)!;
    }

    private static string Tenant(TestServer s) => s.Server.App.Services.GetRequiredService<ServeOptions>().Tenant;
    private static IKitaStore Store(TestServer s) => s.Server.App.Services.GetRequiredService<KitaRegister>().Store;

    [Fact]
    public async Task Kitas_AreKeptByTheKitaVerwaltung_AndReadByStaff_TheWaitingListOnlyByTheVerwaltung()
    {
        await using var s = await TestServer.StartAsync();
        var kv = await s.PersonAsync("kv", ["kitaverwaltung"], ["kitaverwaltung"]);
        var erika = await s.PersonAsync("erika", ["sachbearbeitung"], ["clerk"]);
        var k = await Ok(await TestServer.SendAsAsync(kv, HttpMethod.Put, "api/kita/einrichtungen/sonnenschein",
            new { name = "Kita Sonnenschein", adresse = "Lindenweg 3", plaetzeU3 = 2, plaetzeUe3 = 5 }));
        (k["freiU3"]!.GetValue<int>(), k["freiUe3"]!.GetValue<int>()).ShouldBe((2, 5));
        Store(s).Anmelden(Tenant(s), new NeueAnmeldung("KITA-1", "Mia Muster", new LocalDate(2026, 1, 2), new LocalDate(2027, 2, 1), ["sonnenschein"], 35, null),
            SystemClock.Instance.GetCurrentInstant());

        (await TestServer.GetJsonAsAsync(erika, "api/kita/einrichtungen"))["items"]!.AsArray().Single()!["name"]!.GetValue<string>().ShouldBe("Kita Sonnenschein");
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/kita/warteliste"), 403);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Get, "api/kita/anmeldungen/KITA-1"), 403);
        await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Put, "api/kita/einrichtungen/x", new { name = "X", plaetzeU3 = 1, plaetzeUe3 = 1 }), 403);

        var list = await TestServer.GetJsonAsAsync(kv, "api/kita/warteliste?status=wartend");
        var first = list["items"]!.AsArray().Single()!;
        (first["id"]!.GetValue<string>(), first["rang"]!.GetValue<int>(), first["altersgruppe"]!.GetValue<string>()).ShouldBe(("KITA-1", 1, "U3"));
        (await TestServer.GetJsonAsAsync(kv, "api/kita/anmeldungen/KITA-1"))["punkte"]!.GetValue<int>().ShouldBe(35);
    }

    [Fact]
    public async Task BadInput_IsAProblem_AndNothingIsWritten()
    {
        await using var s = await TestServer.StartAsync();
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/kita/einrichtungen/a", new { name = "A", plaetzeU3 = -1, plaetzeUe3 = 1 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/kita/einrichtungen/a", new { name = "A", plaetzeU3 = 1, plaetzeUe3 = 501 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/kita/einrichtungen/a", new { plaetzeU3 = 1, plaetzeUe3 = 1 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/kita/einrichtungen/a%20b", new { name = "A", plaetzeU3 = 1, plaetzeUe3 = 1 }), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/kita/warteliste?status=unbekannt"), 400);
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Get, "api/kita/einrichtungen/a"), 404);
        Store(s).ListEinrichtungen(Tenant(s), 0, 10).Total.ShouldBe(0);
    }

    [Fact]
    public async Task FewerPlacesThanAreOffered_IsAConflict()
    {
        await using var s = await TestServer.StartAsync();
        await Ok(await s.SendAsync(HttpMethod.Put, "api/kita/einrichtungen/a", new { name = "Kita A", plaetzeU3 = 1, plaetzeUe3 = 0 }));
        var now = SystemClock.Instance.GetCurrentInstant();
        Store(s).Anmelden(Tenant(s), new NeueAnmeldung("K-1", "Kind", new LocalDate(2026, 1, 2), new LocalDate(2027, 2, 1), ["a"], 1, null), now);
        Store(s).Zuteilen(Tenant(s), "K-1", new LocalDate(2027, 1, 15), now).Status.ShouldBe(AnmeldungStatus.Angeboten);

        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Put, "api/kita/einrichtungen/a", new { name = "Kita A", plaetzeU3 = 0, plaetzeUe3 = 0 }), 409);
        Store(s).GetEinrichtung(Tenant(s), "a")!.PlaetzeU3.ShouldBe(1);
    }
}

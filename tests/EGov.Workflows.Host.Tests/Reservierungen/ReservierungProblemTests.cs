using System.Text;

namespace EGov.Workflows.Host.Tests.Reservierungen;

/// <summary>
/// Every refusal of /api/reservierungen is German (issue 17): a missing or bad field, a time that does not work, too many people,
/// a kind of resource that does not exist, an unknown resource or booking, a time already taken, a resource that needs approval,
/// a booking already cancelled, a name another resource holds, paging out of range, a missing permission — each with its status,
/// a German title and a detail that says what is wrong and what to do.
/// </summary>
public sealed class ReservierungProblemTests
{
    /// <summary>The same refusals on every store (the durable ones answer by their constraint violations).</summary>
    public static TheoryData<string> Stores() => StoreUnderTest.All();

    private const string Ungueltig = "Ungültige Anfrage", NichtGefunden = "Nicht gefunden", Konflikt = "Konflikt";
    private static readonly DateTimeOffset Morgen = new(DateTime.UtcNow.Date.AddDays(2).AddHours(8), TimeSpan.Zero);

    private static async Task Ressourcen(TestServer s)
    {
        (await s.SendAsync(HttpMethod.Put, "api/reservierungen/ressourcen/raum-101", new { art = "raum", name = "Sitzungsraum 101", kapazitaet = 12, verwalterGruppe = "hausverwaltung" })).EnsureSuccessStatusCode();
        (await s.SendAsync(HttpMethod.Put, "api/reservierungen/ressourcen/saal", new { art = "raum", name = "Großer Saal", kapazitaet = 200, genehmigungspflicht = true, genehmigerGruppe = "hauptamt", verwalterGruppe = "hausverwaltung" })).EnsureSuccessStatusCode();
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Resources_BadKinds_MissingFields_TakenNames_AndUnknownOnes_AreRefusedInGerman_NothingWritten(string store)
    {
        using var db = StoreUnderTest.Of(store, "reservierung");
        await using var s = await TestServer.StartAsync(store: db.Store);
        await Ressourcen(s);
        const string R = "api/reservierungen/ressourcen/raum-102";
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, R, new { name = "x", verwalterGruppe = "h" }), 400, Ungueltig, "Art der Ressource", "raum oder fahrzeug");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, R, new { art = "boot", name = "x", verwalterGruppe = "h" }), 400, Ungueltig, "Die Art „boot“ gibt es nicht");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, R, new { art = "raum", verwalterGruppe = "h" }), 400, Ungueltig, "den Namen", "(name)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, R, new { art = "raum", name = new string('x', 201), verwalterGruppe = "h" }), 400, Ungueltig, "201 Zeichen", "höchstens 200");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, R, new { art = "raum", name = "x", kapazitaet = 0, verwalterGruppe = "h" }), 400, Ungueltig, "0 Plätze", "1 bis 100.000");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, R, new { art = "raum", name = "x", genehmigungspflicht = true, verwalterGruppe = "h" }), 400, Ungueltig, "Genehmigungspflicht", "(genehmigerGruppe)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/reservierungen/ressourcen/r%20102", new { art = "raum", name = "x", verwalterGruppe = "h" }), 400, Ungueltig, "„r 102“ taugt nicht als Kennung");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, R, new { art = "raum", name = "Sitzungsraum 101", verwalterGruppe = "h" }), 409, Konflikt, "Diesen Namen trägt schon eine andere Ressource");
        using (var request = new HttpRequestMessage(HttpMethod.Put, R) { Content = new StringContent("""{"art": "raum", "name": "x", "kapazitaet": "zwölf"}""", Encoding.UTF8, "application/json") })
            await GermanProblem.ShouldBeAsync(await s.Http.SendAsync(request), 400, Ungueltig, "„kapazitaet“", "ganze Zahl");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/reservierungen/ressourcen/gibtsnicht"), 404, NichtGefunden, "Eine Ressource „gibtsnicht“ gibt es nicht");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/reservierungen/ressourcen/gibtsnicht/kalender"), 404, NichtGefunden, "„gibtsnicht“");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/reservierungen/ressourcen?art=boot"), 400, Ungueltig, "„boot“");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/reservierungen/ressourcen?limit=501"), 400, Ungueltig, "limit 501", "1 bis 500");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/reservierungen/ressourcen?offset=-1"), 400, Ungueltig, "offset -1 ist negativ");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get,
            $"api/reservierungen/ressourcen/raum-101/kalender?von={Uri.EscapeDataString(Morgen.ToString("O"))}&bis={Uri.EscapeDataString(Morgen.AddHours(-1).ToString("O"))}"), 400, Ungueltig, "„bis“ muss nach „von“ liegen");
        (await s.GetJsonAsync("api/reservierungen/ressourcen"))["total"]!.GetValue<long>().ShouldBe(2, "nothing was written");

        var erika = await s.PersonAsync("erika", [], ["clerk"]);
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Put, R, new { art = "raum", name = "x", verwalterGruppe = "h" }), 403, "Keine Berechtigung", "„erika“ fehlt die Berechtigung");
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Bookings_BadTimes_TooManyPeople_TakenTimes_ApprovalNeeded_AndCancelledOnes_AreRefusedInGerman(string store)
    {
        using var db = StoreUnderTest.Of(store, "reservierung");
        await using var s = await TestServer.StartAsync(store: db.Store);
        await Ressourcen(s);
        var erika = await s.PersonAsync("erika", [], ["clerk"]);
        var max = await s.PersonAsync("max", [], ["clerk"]);
        const string B = "api/reservierungen/buchungen";
        Task<HttpResponseMessage> Buchen(HttpClient who, object body) => TestServer.SendAsAsync(who, HttpMethod.Post, B, body);
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { von = Morgen, bis = Morgen.AddHours(1), zweck = "x" }), 400, Ungueltig, "die Ressource", "(ressourceId)");
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { ressourceId = "gibtsnicht", von = Morgen, bis = Morgen.AddHours(1), zweck = "x" }), 400, Ungueltig, "„gibtsnicht“", "außer Betrieb");
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { ressourceId = "raum-101", bis = Morgen.AddHours(1), zweck = "x" }), 400, Ungueltig, "Beginn der Buchung", "(von)");
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { ressourceId = "raum-101", von = Morgen, zweck = "x" }), 400, Ungueltig, "Ende der Buchung", "(bis)");
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { ressourceId = "raum-101", von = Morgen, bis = Morgen, zweck = "x" }), 400, Ungueltig, "muss nach ihrem Beginn (von) liegen");
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { ressourceId = "raum-101", von = Morgen, bis = Morgen.AddDays(15), zweck = "x" }), 400, Ungueltig, "höchstens 14 Tage");
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { ressourceId = "raum-101", von = Morgen.AddDays(-5), bis = Morgen.AddDays(-5).AddHours(1), zweck = "x" }), 400, Ungueltig, "in der Vergangenheit");
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { ressourceId = "raum-101", von = Morgen, bis = Morgen.AddHours(1), zweck = "x", teilnehmer = 0 }), 400, Ungueltig, "0 Teilnehmende");
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { ressourceId = "raum-101", von = Morgen, bis = Morgen.AddHours(1), zweck = "x", teilnehmer = 13 }), 400, Ungueltig, "„Sitzungsraum 101“ hat 12 Plätze, nicht 13");
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { ressourceId = "raum-101", von = Morgen, bis = Morgen.AddHours(1) }), 400, Ungueltig, "Zweck der Buchung", "(zweck)");
        await GermanProblem.ShouldBeAsync(await Buchen(erika, new { ressourceId = "saal", von = Morgen, bis = Morgen.AddHours(2), zweck = "Empfang" }), 409, Konflikt,
            "„Großer Saal“ muss von „hauptamt“ genehmigt werden", "Raumreservierung");

        var gebucht = await TestServer.SendAsAsync(erika, HttpMethod.Post, B, new { ressourceId = "raum-101", von = Morgen, bis = Morgen.AddHours(2), zweck = "Teambesprechung" });
        gebucht.EnsureSuccessStatusCode();
        var id = System.Text.Json.Nodes.JsonNode.Parse(await gebucht.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        await GermanProblem.ShouldBeAsync(await Buchen(max, new { ressourceId = "raum-101", von = Morgen.AddHours(1), bis = Morgen.AddHours(3), zweck = "Schulung" }), 409, Konflikt,
            "zu dieser Zeit schon belegt", "andere Zeit");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(max, HttpMethod.Get, $"{B}/{id}"), 404, NichtGefunden, "Buchungen, die Sie sehen dürfen");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(max, HttpMethod.Post, $"{B}/{id}/stornieren"), 404, NichtGefunden, $"„{id}“");
        (await TestServer.SendAsAsync(erika, HttpMethod.Post, $"{B}/{id}/stornieren")).EnsureSuccessStatusCode();
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, $"{B}/{id}/stornieren"), 409, Konflikt, "schon storniert", "nichts zu stornieren");
        (await TestServer.GetJsonAsAsync(erika, B))["total"]!.GetValue<long>().ShouldBe(1, "only the one booking, cancelled");
    }
}

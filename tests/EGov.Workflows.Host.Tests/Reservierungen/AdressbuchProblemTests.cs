using System.Text;

namespace EGov.Workflows.Host.Tests.Reservierungen;

/// <summary>
/// Every refusal of /api/adressbuch (the staff directory) is German: a missing or bad field, an id that is no id, an e-mail address
/// that is none, an unknown person or unit, a unit above itself, a deputy who is the person, named twice or not in the directory,
/// a Postkorb group another unit holds, paging out of range, an unreadable body, a missing permission — each with its status,
/// a German title and a detail that says what is wrong and what to do; nothing is written.
/// </summary>
public sealed class AdressbuchProblemTests
{
    /// <summary>The same refusals on every store (the durable ones answer by their constraint violations).</summary>
    public static TheoryData<string> Stores() => StoreUnderTest.All();

    private const string Ungueltig = "Ungültige Anfrage", NichtGefunden = "Nicht gefunden", Konflikt = "Konflikt";
    private const string E = "api/adressbuch/org-einheiten", P = "api/adressbuch/personen";

    [Theory, MemberData(nameof(Stores))]
    public async Task OrgUnits_AndPeople_BadInput_UnknownOnes_AndTakenGroups_AreRefusedInGerman_NothingWritten(string store)
    {
        using var db = StoreUnderTest.Of(store, "adressbuch");
        await using var s = await TestServer.StartAsync(store: db.Store);
        (await s.SendAsync(HttpMethod.Put, $"{E}/amt-32", new { name = "Ordnungsamt", gruppe = "ordnungsamt" })).EnsureSuccessStatusCode();
        (await s.SendAsync(HttpMethod.Put, $"{E}/sg-32-1", new { name = "Anträge", uebergeordnetId = "amt-32", gruppe = "sachbearbeitung" })).EnsureSuccessStatusCode();
        (await s.SendAsync(HttpMethod.Put, $"{P}/sachb", new { nachname = "Bearbeiter", orgEinheitId = "sg-32-1" })).EnsureSuccessStatusCode();

        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{E}/amt-33", new { gruppe = "x" }), 400, Ungueltig, "den Namen", "(name)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{E}/amt-33", new { name = "x" }), 400, Ungueltig, "die Postkorb-Gruppe", "(gruppe)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{E}/amt%2033", new { name = "x", gruppe = "x" }), 400, Ungueltig, "„amt 33“ taugt nicht als Kennung");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{E}/amt-32", new { name = "x", gruppe = "ordnungsamt", uebergeordnetId = "sg-32-1" }), 400, Ungueltig,
            "„sg-32-1“ liegt unter „amt-32“", "Kreis");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{E}/amt-32", new { name = "x", gruppe = "ordnungsamt", uebergeordnetId = "amt-32" }), 400, Ungueltig, "sich selbst übergeordnet");
        (await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{E}/amt-33", new { name = "x", gruppe = "x", uebergeordnetId = "amt-99" }), 409, Konflikt,
            "übergeordnete Einheit „amt-99“ gibt es im Adressbuch nicht"))["rule"]!.GetValue<string>().ShouldBe("unknownReference");
        (await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{E}/amt-33", new { name = "x", gruppe = "ordnungsamt" }), 409, Konflikt,
            "Postkorb-Gruppe „ordnungsamt“ gehört schon einer anderen Einheit", "andere"))["rule"]!.GetValue<string>().ShouldBe("taken", "the store's rule, as a stable field");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, $"{E}/amt-99"), 404, NichtGefunden, "Organisationseinheit „amt-99“");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, $"{E}?limit=0"), 400, Ungueltig, "limit 0");

        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{P}/neu", new { orgEinheitId = "amt-32" }), 400, Ungueltig, "den Nachnamen", "(nachname)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{P}/neu", new { nachname = "Neu" }), 400, Ungueltig, "die Organisationseinheit", "(orgEinheitId)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{P}/neu", new { nachname = "Neu", orgEinheitId = "amt-32", email = "neu at stadt" }), 400, Ungueltig,
            "„neu at stadt“ ist keine E-Mail-Adresse");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{P}/neu", new { nachname = "Neu", orgEinheitId = "amt-99" }), 409, Konflikt,
            "Organisationseinheit „amt-99“ gibt es im Adressbuch nicht", "zuerst an");
        using (var request = new HttpRequestMessage(HttpMethod.Put, $"{P}/neu") { Content = new StringContent("""{"nachname": "Neu", "orgEinheitId": "amt-32", "aktiv": "ja"}""", Encoding.UTF8, "application/json") })
            await GermanProblem.ShouldBeAsync(await s.Http.SendAsync(request), 400, Ungueltig, "„aktiv“", "true oder false");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, $"{P}/neu"), 404, NichtGefunden, "Person „neu“ gibt es im Adressbuch nicht");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, $"{P}?offset=-1"), 400, Ungueltig, "offset -1 ist negativ");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, $"{P}?q={new string('x', 101)}"), 400, Ungueltig, "101 Zeichen");

        (await s.GetJsonAsync(E))["total"]!.GetValue<long>().ShouldBe(2, "no unit was written");
        (await s.GetJsonAsync(P))["total"]!.GetValue<long>().ShouldBe(1, "no person was written");

        var erika = await s.PersonAsync("erika", [], ["clerk"]);
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Put, $"{E}/amt-33", new { name = "x", gruppe = "x" }), 403, "Keine Berechtigung", "„erika“ fehlt die Berechtigung");
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Deputies_ThemselvesTwiceTooManyOrUnknown_AreRefusedInGerman_NothingWritten(string store)
    {
        using var db = StoreUnderTest.Of(store, "adressbuch");
        await using var s = await TestServer.StartAsync(store: db.Store);
        (await s.SendAsync(HttpMethod.Put, $"{E}/amt-32", new { name = "Ordnungsamt", gruppe = "ordnungsamt" })).EnsureSuccessStatusCode();
        (await s.SendAsync(HttpMethod.Put, $"{P}/sachb", new { nachname = "Bearbeiter", orgEinheitId = "amt-32" })).EnsureSuccessStatusCode();
        (await s.SendAsync(HttpMethod.Put, $"{P}/kollege", new { nachname = "Kollege", orgEinheitId = "amt-32" })).EnsureSuccessStatusCode();
        const string V = $"{P}/sachb/vertretung";

        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, V, new { vertreter = new[] { "sachb" } }), 400, Ungueltig, "„sachb“ kann sich nicht selbst vertreten");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, V, new { vertreter = new[] { "kollege", "kollege" } }), 400, Ungueltig, "„kollege“ ist zweimal", "nur einmal");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, V, new { vertreter = Enumerable.Range(1, 10).Select(i => $"p{i}").ToArray() }), 400, Ungueltig, "10 Vertretungen", "höchstens 9");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, V, new { vertreter = new[] { "" } }), 400, Ungueltig, "1 bis 64 Zeichen");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, V, new { vertreter = new[] { "kollege", "gibtsnicht" } }), 409, Konflikt, "„gibtsnicht“ steht nicht im Adressbuch");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, $"{P}/niemand/vertretung", new { vertreter = new[] { "kollege" } }), 404, NichtGefunden, "Person „niemand“");

        (await s.GetJsonAsync($"{P}/sachb"))["vertreter"]!.AsArray().Count.ShouldBe(0, "no deputy was written");
    }
}

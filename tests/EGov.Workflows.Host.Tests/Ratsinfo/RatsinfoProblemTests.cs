using EGov.Workflows.Host.Ratsinfo;
using EGov.Workflows.Persistence.Ratsinfo;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Duration = NodaTime.Duration;

namespace EGov.Workflows.Host.Tests.Ratsinfo;

/// <summary>
/// Every refusal of the Ratsinformationssystem's staff API (/api/ratsinfo) is German (issue 17): an AGS that is none, a web
/// address that is none, a kind of Gremium that does not exist, a name another Gremium holds, a session without start or with
/// its Einreichungsfrist after the start, an unknown Gremium, session or paper, minutes for a paper not submitted, paging out of
/// range, a missing permission. OParl (/oparl) stays the standard's API and is not touched here.
/// </summary>
public sealed class RatsinfoProblemTests
{
    /// <summary>The same refusals on every store (the durable ones answer by their constraint violations).</summary>
    public static TheoryData<string> Stores() => StoreUnderTest.All();

    private const string Ungueltig = "Ungültige Anfrage", NichtGefunden = "Nicht gefunden", Konflikt = "Konflikt";

    private static string Tenant(TestServer s) => s.Server.App.Services.GetRequiredService<ServeOptions>().Tenant;

    [Theory, MemberData(nameof(Stores))]
    public async Task Koerperschaft_Gremien_AndSessions_BadInput_IsRefusedInGerman_NothingWritten(string store)
    {
        using var db = StoreUnderTest.Of(store, "ratsinfo");
        await using var s = await TestServer.StartAsync(store: db.Store);
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/ratsinfo/koerperschaft"), 404, NichtGefunden, "keine Körperschaft eingetragen");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/koerperschaft", new { name = "Stadt Musterstadt", ags = "6411" }), 400, Ungueltig,
            "„6411“ ist kein Amtlicher Gemeindeschlüssel", "8 Ziffern");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/koerperschaft", new { name = "Stadt Musterstadt", website = "ftp://musterstadt" }), 400, Ungueltig,
            "keine Web-Adresse (website)", "https://");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/koerperschaft", new { kurzname = "M" }), 400, Ungueltig, "„name“");

        const string G = "api/ratsinfo/gremien/bauausschuss";
        (await s.SendAsync(HttpMethod.Put, G, new { name = "Bau- und Planungsausschuss", art = "ausschuss", lesegruppe = "gremium-bpa", vorsitzGruppe = "vorsitz-bpa" })).EnsureSuccessStatusCode();
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/gremien/hfa", new { name = "Haupt- und Finanzausschuss", art = "club", lesegruppe = "g", vorsitzGruppe = "v" }),
            400, Ungueltig, "Die Art „club“ gibt es nicht", "ausschuss");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/gremien/hfa", new { name = "Haupt- und Finanzausschuss", vorsitzGruppe = "v" }), 400, Ungueltig, "„lesegruppe“");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/gremien/h%20fa", new { name = "HFA", lesegruppe = "g", vorsitzGruppe = "v" }), 400, Ungueltig,
            "„h fa“ taugt nicht als Kennung", "OParl-Adressen");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/gremien/bpa2", new { name = "Bau- und Planungsausschuss", lesegruppe = "g", vorsitzGruppe = "v" }), 409, Konflikt,
            "Diesen Namen trägt schon ein anderes Gremium");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/ratsinfo/gremien/hfa"), 404, NichtGefunden, "Ein Gremium „hfa“ gibt es nicht");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/ratsinfo/gremien?limit=501"), 400, Ungueltig, "limit 501");

        var beginn = SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(30);
        const string S = "api/ratsinfo/sitzungen/bpa-2027-01";
        object Sitzung(string gremiumId, Instant? start, Instant? frist, Instant? ende = null) => new
        {
            gremiumId, name = "3. Sitzung", beginn = start?.ToDateTimeOffset(), ende = ende?.ToDateTimeOffset(), einreichungsfrist = frist?.ToDateTimeOffset(),
        };
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, S, Sitzung("bauausschuss", null, beginn - Duration.FromDays(10))), 400, Ungueltig, "Beginn der Sitzung", "(beginn)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, S, Sitzung("bauausschuss", beginn, null)), 400, Ungueltig, "Einreichungsfrist", "(einreichungsfrist)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, S, Sitzung("bauausschuss", beginn, beginn + Duration.FromDays(1))), 400, Ungueltig,
            "Die Einreichungsfrist muss vor dem Beginn der Sitzung liegen");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, S, Sitzung("bauausschuss", beginn, beginn - Duration.FromDays(10), beginn - Duration.FromHours(1))), 400, Ungueltig,
            "Das Ende der Sitzung muss nach ihrem Beginn liegen");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, S, Sitzung("hfa", beginn, beginn - Duration.FromDays(10))), 400, Ungueltig, "Ein Gremium „hfa“ gibt es nicht", "(gremiumId)");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, S), 404, NichtGefunden, "Eine Sitzung „bpa-2027-01“ gibt es nicht");
        (await s.GetJsonAsync("api/ratsinfo/sitzungen"))["total"]!.GetValue<long>().ShouldBe(0, "nothing was written");
        (await s.GetJsonAsync("api/ratsinfo/gremien"))["total"]!.GetValue<long>().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Papers_Unknown_MinutesBeforeSubmission_AndMissingRights_AreRefusedInGerman(string store)
    {
        using var db = StoreUnderTest.Of(store, "ratsinfo");
        await using var s = await TestServer.StartAsync(store: db.Store);
        var now = SystemClock.Instance.GetCurrentInstant();
        (await s.SendAsync(HttpMethod.Put, "api/ratsinfo/gremien/bauausschuss", new { name = "Bauausschuss", lesegruppe = "gremium-bpa", vorsitzGruppe = "vorsitz-bpa" })).EnsureSuccessStatusCode();
        s.Server.App.Services.GetRequiredService<RatsinfoRegister>().Store.PutVorlage(Tenant(s), new Vorlage("VL-E", "Entwurf", "Beschlussvorlage", "fb-61-stadtplanung", true,
            VorlageStatus.Entwurf, "bauausschuss", null, false, null, null, null, null, null, null, now));
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Get, "api/ratsinfo/vorlagen/VL-404"), 404, NichtGefunden, "Eine Vorlage „VL-404“ gibt es nicht");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/vorlagen/VL-404/niederschrift", new { text = "Beschlossen." }), 404, NichtGefunden, "„VL-404“");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/vorlagen/VL-E/niederschrift", new { text = "Beschlossen." }), 409, Konflikt,
            "Die Vorlage „VL-E“ ist keiner Sitzung eingereicht", "erst nach der Einreichung");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Put, "api/ratsinfo/vorlagen/VL-E/niederschrift", new { }), 400, Ungueltig, "„text“");
        var erika = await s.PersonAsync("erika", ["sachbearbeitung"], ["clerk"]);
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Put, "api/ratsinfo/gremien/x", new { name = "X", lesegruppe = "g", vorsitzGruppe = "v" }), 403,
            "Keine Berechtigung", "„erika“ fehlt die Berechtigung");
        (await s.GetJsonAsync("api/ratsinfo/vorlagen/VL-E"))["niederschrift"].ShouldBeNull();
    }
}

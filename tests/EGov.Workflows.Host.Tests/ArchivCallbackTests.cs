using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Simulators;
using Microsoft.Extensions.Configuration;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// eakte-aussondern in a running server with the archive simulator calling back (issue 12): the archive posts its
/// evaluation (0502) and later its import confirmation (0506), signed, to <c>POST /api/callbacks/{tenant}/xdomea/archiv</c>,
/// and the waiting Aussonderung goes on at once — the poll (every 60 minutes here) never comes. A forged callback is 401
/// and changes nothing; a repeated or late one is acknowledged and ignored.
/// </summary>
public sealed class ArchivCallbackTests
{
    private const string Secret = "archiv-rueckruf-geheimnis";
    private static readonly string Schema = DmsSimulator.FindCorpusSchema()
        ?? throw new InvalidOperationException("the xdomea schema of ../shared/corpora/xdomea/schemas/3.1.0 is not there");

    private static IConfiguration Settings(ArchivSimulator archiv) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Packs:Xdomea:SchemaDirectory"] = Schema,
        ["Packs:Xdomea:Behoerde"] = "Stadt Musterstadt",
        ["Packs:Xdomea:Archiv:Name"] = "Stadtarchiv Musterstadt",
        ["Packs:Xdomea:Archiv:Endpoint"] = archiv.Endpoint,
        ["Packs:Xdomea:Archiv:PollMinutes"] = "60",
        ["Packs:Xdomea:Archiv:CallbackSecret"] = Secret,
        ["Packs:Xdomea:RetryDelayMilliseconds"] = "1",
    }).Build();

    [Fact]
    public async Task The_archives_signed_callbacks_resume_the_Aussonderung_at_once_a_forged_one_is_401_a_late_one_is_ignored()
    {
        await using var archiv = ArchivSimulator.Start(Schema);
        archiv.HoldEvaluations = true;
        archiv.HoldImports = true;
        await using var s = await TestServer.StartAsync(configure: o => o with { Configuration = Settings(archiv) });
        archiv.CallbackUrl = new Uri(s.BaseAddress, "api/callbacks/default/xdomea/archiv").ToString();
        archiv.CallbackSecret = Secret;
        await s.DeployAsync("aussonderung.bpmn");

        var id = await s.StartProcessAsync("Process_Aussonderung", new { variables = new { name = "Erika Mustermann" }, businessKey = "VG-2026-0042" });
        var offered = archiv.Received.ShouldHaveSingleItem();
        offered.Nachricht.ShouldBe("Aussonderung.Anbieteverzeichnis.0501");
        (await s.InstanceAsync(id))["variables"]!["aussonderung"]!["phase"]!.GetValue<string>().ShouldBe("angeboten");

        // The evaluation is ready; a forged callback carrying it changes nothing.
        archiv.ReleaseEvaluations(); // written, not yet sent
        var forged = await archiv.CallBackAsync(offered.ProzessId, "Aussonderung.Bewertungsverzeichnis.0502", secret: "falsch");
        forged.ShouldBe(401);
        (await s.InstanceAsync(id))["variables"]!["aussonderung"]!["phase"]!.GetValue<string>().ShouldBe("angeboten");

        // The signed callback: evaluated A, 0505 and the hand-over 0503 go out, the import confirmation is still held.
        (await archiv.CallBackAsync(offered.ProzessId, "Aussonderung.Bewertungsverzeichnis.0502")).ShouldBe(200);
        archiv.Callbacks.Last().Body.ShouldContain("accepted");
        var handedOver = await s.InstanceAsync(id);
        handedOver["state"]!.GetValue<string>().ShouldBe("running", handedOver.ToJsonString());
        handedOver["variables"]!["aussonderung"]!["phase"]!.GetValue<string>().ShouldBe("abgegeben");
        archiv.Received.Select(r => r.Nachricht).ShouldBe(["Aussonderung.Anbieteverzeichnis.0501", "Aussonderung.BewertungEmpfangBestaetigen.0505", "Aussonderung.Aussonderung.0503"]);

        // A late repeat of the 0502 while the hand-over waits: acknowledged, the Aussonderung keeps waiting for its 0506.
        (await archiv.CallBackAsync(offered.ProzessId, "Aussonderung.Bewertungsverzeichnis.0502")).ShouldBe(200);
        var stillWaiting = await s.InstanceAsync(id);
        stillWaiting["state"]!.GetValue<string>().ShouldBe("running", stillWaiting.ToJsonString());
        stillWaiting["incidents"]?.AsArray().ShouldBeEmpty();

        // The import confirmation arrives by callback: done, archived, with the Archivkennung.
        (await archiv.ReleaseImportsAsync()).ShouldBe([200]);
        var done = await s.InstanceAsync(id);
        done["state"]!.GetValue<string>().ShouldBe("completed", done.ToJsonString());
        done["variables"]!["archiviert"]!.GetValue<bool>().ShouldBeTrue();
        done["variables"]!["aussonderung"]!["archivkennung"]!.GetValue<string>().ShouldStartWith("StA-Best. 12 Nr.");
        done["variables"]!["aussonderung"]!["importQuelle"]!.GetValue<string>().ShouldBe("Aussonderung.AussonderungImportBestaetigen.0506");

        // Once more, after the end: nobody waits, acknowledged and ignored.
        (await archiv.CallBackAsync(offered.ProzessId, "Aussonderung.AussonderungImportBestaetigen.0506")).ShouldBe(200);
        archiv.Callbacks.Last().Body.ShouldContain("ignored");
        done.ToJsonString().ShouldNotContain(Secret);
    }

    [Fact]
    public async Task A_signed_callback_that_is_no_xdomea_answer_is_400()
    {
        await using var archiv = ArchivSimulator.Start(Schema);
        await using var s = await TestServer.StartAsync(configure: o => o with { Configuration = Settings(archiv) });
        var body = Encoding.UTF8.GetBytes("<kein-xdomea/>");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/callbacks/default/xdomea/archiv") { Content = new ByteArrayContent(body) };
        request.Headers.Add("X-Xdomea-Signature", ArchivSimulator.Sign(Secret, DateTimeOffset.UtcNow, body));
        using var refused = await s.Anonymous.SendAsync(request);
        ((int)refused.StatusCode).ShouldBe(400, await refused.Content.ReadAsStringAsync());

    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Citizens;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// egov:trustLevel as a guard: only processes that declare it are offered to citizens; a session below it is refused
/// with a step-up link, and the step-up (BundID asked to authenticate anew) lets the citizen start; the case keeps the
/// level reached, the sign-in time and the citizen (as the hash of the pseudonym) as its starter.
/// </summary>
public sealed class TrustLevelGuardTests(BundIdEnvironment env) : IClassFixture<BundIdEnvironment>, IAsyncLifetime
{
    private const string Process = "Process_Buerger_Substanziell";
    private string _staffToken = "";

    public async Task InitializeAsync()
    {
        if (BundIdFactAttribute.SkipReason is not null) return;
        _staffToken = await new Identities(env.Server).ClientTokenAsync("staff-" + Guid.NewGuid().ToString("N")[..8], Identities.AllRoles, ["*"], ["*"]);
        using var http = Staff();
        if ((await http.GetAsync($"/api/process-definitions/{Process}")).IsSuccessStatusCode) return; // the fixture is shared by the class
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(TestServer.ModelPath("citizen-trust-level.bpmn")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        using var deployed = await http.PostAsync("/api/deployments?name=citizen-trust-level.bpmn", content);
        ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [BundIdFact]
    public async Task Catalogue_OffersOnlyProcessesWithATrustLevel_WithTheHigherOfProcessAndStartEvent()
    {
        var (client, _) = await SignInAsync("STORK-QAA-Level-3", "substanziell");
        var list = JsonNode.Parse(await client.GetStringAsync("/api/citizen/services"))!.AsArray();
        list.Select(s => s!["processId"]!.GetValue<string>()).ShouldBe([Process]);
        list[0]!["trustLevel"]!.GetValue<string>().ShouldBe("substantial");
        list[0]!["trustLevelGerman"]!.GetValue<string>().ShouldBe("substanziell");

        using var intern = await client.PostAsJsonAsync("/api/citizen/services/Process_Intern/start", new { data = new { } });
        intern.StatusCode.ShouldBe(HttpStatusCode.NotFound, "a process without egov:trustLevel is not offered to citizens");
    }

    [BundIdFact]
    public async Task Start_AtTheLevel_StoresLevelSignInTimeAndCitizenWithTheCase_AndIgnoresData()
    {
        var (client, _) = await SignInAsync("STORK-QAA-Level-3", "substanziell");
        using var start = await client.PostAsJsonAsync($"/api/citizen/services/{Process}/start", new { data = new { rolle = "admin", betrag = 0 } });
        var body = await start.Content.ReadAsStringAsync();
        ((int)start.StatusCode).ShouldBe(201, body);
        var json = JsonNode.Parse(body)!;
        var id = json["id"]!.GetValue<string>();
        json["aktenzeichen"]!.GetValue<string>().ShouldMatch(@"^B-\d{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$");

        using var http = Staff();
        var instance = JsonNode.Parse(await http.GetStringAsync($"/api/process-instances/{id}"))!;
        instance["businessKey"]!.GetValue<string>().ShouldBe(json["aktenzeichen"]!.GetValue<string>());
        var variables = instance["variables"]!.AsObject();
        var buerger = variables["buerger"]!;
        buerger["vertrauensniveau"]!.GetValue<string>().ShouldBe("substanziell");
        buerger["vertrauensniveauStork"]!.GetValue<string>().ShouldBe("STORK-QAA-Level-3");
        DateTimeOffset.Parse(buerger["angemeldetAm"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        buerger["id"]!.GetValue<string>().ShouldBe(CitizenIdentity.OwnerOf("BUNDIDSIM-U01"));
        variables["eidLevel"]!.GetValue<string>().ShouldBe("substanziell");
        variables.ContainsKey("rolle").ShouldBeFalse("fields the process has no start form for are ignored, not stored");
        variables.ContainsKey("betrag").ShouldBeFalse();
        variables.ToJsonString().ShouldNotContain("BUNDIDSIM", Case.Sensitive, "the bPK2 itself is never stored with the case");
    }

    [BundIdFact]
    public async Task Start_BelowTheLevel_IsRefusedWithAStepUp_AndTheStepUpLetsTheCitizenStart()
    {
        var (client, _) = await SignInAsync("STORK-QAA-Level-1", null);
        using var refused = await client.PostAsJsonAsync($"/api/citizen/services/{Process}/start", new { data = new { } });
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        problem["title"]!.GetValue<string>().ShouldBe("Vertrauensniveau nicht ausreichend");
        problem["requiredLevel"]!.GetValue<string>().ShouldBe("substantial");
        var stepUp = problem["stepUp"]!.GetValue<string>();
        stepUp.ShouldBe($"/buerger/anmelden?niveau=substantial&returnUrl=%2Fbuerger%2Fleistungen%2F{Process}");

        // The step-up: a new AuthnRequest at the needed level, with ForceAuthn (BundID must not reuse the weaker sign-in).
        using var page = await client.GetAsync(stepUp);
        var html = await page.Content.ReadAsStringAsync();
        var request = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"SAMLRequest\" value=\"([^\"]+)\"").Groups[1].Value);
        var xml = Encoding.UTF8.GetString(Convert.FromBase64String(request));
        xml.ShouldContain("ForceAuthn=\"true\"");
        xml.ShouldContain("STORK-QAA-Level-3");
        using var acs = await BundIdEnvironment.PostAcsAsync(client, await env.AnswerAsync(request, level: "STORK-QAA-Level-4"));
        ((int)acs.StatusCode).ShouldBe(302, await acs.Content.ReadAsStringAsync());
        acs.Headers.Location!.OriginalString.ShouldBe($"/buerger/leistungen/{Process}");

        using var started = await client.PostAsJsonAsync($"/api/citizen/services/{Process}/start", new { data = new { } });
        ((int)started.StatusCode).ShouldBe(201, await started.Content.ReadAsStringAsync());
        JsonNode.Parse(await started.Content.ReadAsStringAsync())!["trustLevel"]!.GetValue<string>().ShouldBe("high");
    }

    [BundIdFact]
    public async Task MyCases_ShowOnlyMilestones_AndOnlyTheCitizensOwnCases()
    {
        var (client, _) = await SignInAsync("STORK-QAA-Level-3", "substanziell", "U05");
        using var start = await client.PostAsJsonAsync($"/api/citizen/services/{Process}/start", new { data = new { } });
        var started = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;
        var id = started["id"]!.GetValue<string>();

        var cases = JsonNode.Parse(await client.GetStringAsync("/api/citizen/cases"))!.AsArray();
        cases.Count.ShouldBe(1);
        var status = JsonNode.Parse(await client.GetStringAsync($"/api/citizen/cases/{id}/status"))!;
        status["aktenzeichen"]!.GetValue<string>().ShouldBe(started["aktenzeichen"]!.GetValue<string>());
        status["status"]!.GetValue<string>().ShouldBe("in Bearbeitung");
        var milestones = status["milestones"]!.AsArray();
        milestones.Select(m => m!["name"]!.GetValue<string>()).ShouldBe(["Antrag eingegangen", "Antrag wird geprüft", "Entscheidung getroffen"]);
        milestones[0]!["reachedAt"].ShouldNotBeNull();
        milestones[2]!["reachedAt"].ShouldBeNull();
        var text = status.ToJsonString();
        text.ShouldNotContain("Frau Beispiel", Case.Sensitive, "no task names");
        text.ShouldNotContain("vertrauensniveau", Case.Insensitive, "no variables");

        var page = await client.GetStringAsync("/buerger/vorgaenge");
        page.ShouldContain("Antrag eingegangen");
        page.ShouldContain(started["aktenzeichen"]!.GetValue<string>());
        page.ShouldNotContain("Frau Beispiel");

        var (other, _) = await SignInAsync("STORK-QAA-Level-3", "substanziell", "U06");
        JsonNode.Parse(await other.GetStringAsync("/api/citizen/cases"))!.AsArray().Count.ShouldBe(0);
        using var foreign = await other.GetAsync($"/api/citizen/cases/{id}/status");
        using var unknown = await other.GetAsync($"/api/citizen/cases/{Guid.NewGuid()}/status");
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await foreign.Content.ReadAsStringAsync()).Length.ShouldBeGreaterThan(0);
        JsonNode.Parse(await foreign.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>()
            .ShouldBe(JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>(), "no oracle: the same answer for both");

        var (_, anonymousCookies) = env.Browser();
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = anonymousCookies }) { BaseAddress = env.Server.BaseAddress };
        using var signIn = await anonymous.GetAsync("/buerger/vorgaenge");
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signIn.Headers.Location!.OriginalString.ShouldStartWith("/buerger/anmelden?returnUrl=");
    }

    private Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(string level, string? niveau, string user = "U01") =>
        env.SignedInCitizenAsync(user, level, niveau);

    private HttpClient Staff()
    {
        var http = new HttpClient { BaseAddress = env.Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _staffToken);
        return http;
    }
}

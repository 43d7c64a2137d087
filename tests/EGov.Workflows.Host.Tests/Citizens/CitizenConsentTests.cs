using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Host.Citizens;
using EGov.Workflows.Host.Citizens.Consent;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// The parents' online consent of the life chain (issue 17 item 9) with the models of processes/geburt, kindergeld and kita as
/// deployed: the birth registration without a recorded consent sends the parents a one-time Einwilligungscode and waits; a
/// parent signed in with BundID gives the consent per purpose with it (<c>POST /api/citizen/einwilligung</c>); the account
/// that goes on with the data is the session's — never a body's or a header's — and the Kindergeld case then appears under
/// "Meine Vorgänge" of that parent and nobody else. Wrong, used and expired codes change nothing and answer in German.
/// </summary>
public sealed partial class CitizenConsentTests(BundIdEnvironment env) : IClassFixture<BundIdEnvironment>, IAsyncLifetime
{
    private const string Anzeige = "urn:de:fim:leika:leistung:99027006000000";

    public async Task InitializeAsync()
    {
        if (BundIdFactAttribute.SkipReason is not null) return;
        var token = await new Identities(env.Server).ClientTokenAsync("staff-" + Guid.NewGuid().ToString("N")[..8], Identities.AllRoles, ["*"], ["*"]);
        using var http = new HttpClient { BaseAddress = env.Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var folder in new[] { "geburt", "kindergeld", "kita" })
        {
            using var form = new MultipartFormDataContent();
            var dir = Path.Combine(Root(), "processes", folder);
            foreach (var file in Directory.GetFiles(dir, "*.bpmn").Concat(Directory.GetFiles(dir, "*.dmn")).Concat(Directory.GetFiles(Path.Combine(dir, "forms"), "*.form")))
            {
                var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
                content.Headers.ContentType = new MediaTypeHeaderValue(file.EndsWith(".form", StringComparison.Ordinal) ? "application/json" : "application/xml");
                form.Add(content, "files", Path.GetFileName(file));
            }
            using var deployed = await http.PostAsync("/api/deployments", form);
            ((int)deployed.StatusCode).ShouldBeOneOf([200, 201], await deployed.Content.ReadAsStringAsync());
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private WorkflowEngine Engine => env.Server.App.Services.GetRequiredService<TenantEngines>().Get("default").Engine;

    [BundIdFact]
    public async Task Parent_ConsentsWithTheCode_TheAccountIsTheSessions_AndTheKindergeldCaseIsTheirsAlone()
    {
        var (mother, _) = await env.SignedInCitizenAsync("U04");
        var (other, _) = await env.SignedInCitizenAsync("U07");
        var (aktenzeichen, id, code) = await BirthWaitingForConsentAsync();

        // A body and headers naming another account change nothing: the account is the session's.
        var otherAccount = CitizenIdentity.OwnerOf("BUNDIDSIM-U07");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/citizen/einwilligung")
        {
            Content = JsonContent.Create(new { code = code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal), zustimmung = new { kindergeld = true, kita = false }, konto = otherAccount, owner = otherAccount }),
        };
        request.Headers.Add("X-Citizen-Id", otherAccount);
        request.Headers.Add("X-Owner", otherAccount);
        using (var given = await mother.SendAsync(request))
        {
            var text = await given.Content.ReadAsStringAsync();
            ((int)given.StatusCode).ShouldBe(200, text);
            var answer = JsonNode.Parse(text)!;
            answer["aktenzeichen"]!.GetValue<string>().ShouldBe(aktenzeichen);
            answer["zugestimmt"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe(["kindergeld"]);
            answer["abgelehnt"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe(["kita"]);
        }

        var geburt = Engine.GetInstance(id);
        geburt.State.ShouldBe(InstanceState.Completed);
        geburt.Variables["einwilligungKonto"]!.GetValue<string>().ShouldBe(CitizenIdentity.OwnerOf("BUNDIDSIM-U04"));
        geburt.Variables["einwilligungKita"]!.GetValue<bool>().ShouldBeFalse();
        var everything = geburt.Variables.ToJsonString() + string.Join('\n', geburt.History.Select(h => h.ToString()));
        everything.ShouldNotContain(code, Case.Insensitive, "the code is in no variable and no history");
        everything.ShouldNotContain(code.Replace("-", "", StringComparison.Ordinal), Case.Insensitive);

        JsonNode? found = null;
        for (var i = 0; i < 50 && found is null; i++)
        {
            found = (await mother.GetFromJsonAsync<JsonArray>("/api/citizen/cases"))!.FirstOrDefault(c => c!["aktenzeichen"]!.GetValue<string>() == aktenzeichen);
            if (found is null) await Task.Delay(200);
        }
        found.ShouldNotBeNull("the consenting parent follows the Kindergeld case");
        found["service"]!.GetValue<string>().ShouldContain("Kindergeld");
        (await mother.GetFromJsonAsync<JsonArray>("/api/citizen/cases"))!.Count(c => c!["aktenzeichen"]!.GetValue<string>() == aktenzeichen).ShouldBe(1, "no Kita case: refused");
        (await other.GetFromJsonAsync<JsonArray>("/api/citizen/cases"))!.ShouldNotContain(c => c!["aktenzeichen"]!.GetValue<string>() == aktenzeichen);
        using (var refused = await other.GetAsync($"/api/citizen/cases/{found["id"]!.GetValue<string>()}/status"))
            refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Used once: a second answer with the same code (by anyone) changes nothing.
        foreach (var who in new[] { mother, other })
        {
            using var again = await who.PostAsJsonAsync("/api/citizen/einwilligung", new { code, zustimmung = new { kindergeld = true, kita = true } });
            var problem = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
            again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            problem["title"]!.GetValue<string>().ShouldBe("Einwilligungscode schon verwendet");
        }
        Engine.GetInstance(id).Variables["einwilligungKita"]!.GetValue<bool>().ShouldBeFalse();
    }

    [BundIdFact]
    public async Task WrongCodes_AreRefusedInGerman_AndAfterFiveNothingIsCheckedForAWhile()
    {
        var (citizen, _) = await env.SignedInCitizenAsync("U02");
        var (_, id, code) = await BirthWaitingForConsentAsync();
        for (var i = 0; i < ConsentCodes.MaxFailures; i++)
        {
            using var wrong = await citizen.PostAsJsonAsync("/api/citizen/einwilligung", new { code = i == 0 ? "falsch" : ConsentCodes.NewCode(), zustimmung = new { kindergeld = true, kita = true } });
            wrong.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            var problem = JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!;
            problem["title"]!.GetValue<string>().ShouldBe("Einwilligungscode nicht gefunden");
            problem["detail"]!.GetValue<string>().ShouldContain("Es wurde nichts geändert");
        }
        using (var blocked = await citizen.PostAsJsonAsync("/api/citizen/einwilligung", new { code, zustimmung = new { kindergeld = true, kita = true } }))
        {
            blocked.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            JsonNode.Parse(await blocked.Content.ReadAsStringAsync())!["title"]!.GetValue<string>().ShouldBe("Zu viele Versuche");
        }
        Engine.GetInstance(id).Waiting.ShouldBe(["Task_Einwilligung_Online"], "even the right code is not checked while the citizen waits");

        // A missing answer for a purpose: 400, and the code stays usable (by another parent).
        var (father, _) = await env.SignedInCitizenAsync("U05");
        using (var half = await father.PostAsJsonAsync("/api/citizen/einwilligung", new { code, zustimmung = new { kindergeld = true } }))
        {
            half.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            JsonNode.Parse(await half.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>().ShouldContain("Kita-Anmeldung");
        }
        using (var ok = await father.PostAsJsonAsync("/api/citizen/einwilligung", new { code, zustimmung = new { kindergeld = false, kita = false } }))
            ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        var geburt = Engine.GetInstance(id);
        geburt.State.ShouldBe(InstanceState.Completed);
        geburt.Variables["einwilligungKonto"].ShouldBeNull("a refusal keeps no account");
    }

    [BundIdFact]
    public async Task AnExpiredCode_IsRefused_AndNothingIsPassedOn()
    {
        var (citizen, _) = await env.SignedInCitizenAsync("U03");
        var (_, id, code) = await BirthWaitingForConsentAsync();
        // The code's Frist has passed (the case's timer would end it at the same time): the row says until yesterday.
        var store = env.Server.App.Services.GetRequiredService<CitizenAccountRegister>().Consents;
        var hash = ConsentCodes.Hash("default", code);
        var row = (await store.FindAsync("default", hash))!;
        await store.PutAsync("default", hash, row.InstanceId, row.Aktenzeichen, row.Purposes, DateTimeOffset.UtcNow.AddDays(-29), DateTimeOffset.UtcNow.AddDays(-1));

        using var expired = await citizen.PostAsJsonAsync("/api/citizen/einwilligung", new { code, zustimmung = new { kindergeld = true, kita = true } });
        expired.StatusCode.ShouldBe(HttpStatusCode.Gone);
        var problem = JsonNode.Parse(await expired.Content.ReadAsStringAsync())!;
        problem["title"]!.GetValue<string>().ShouldBe("Einwilligungscode abgelaufen");
        problem["detail"]!.GetValue<string>().ShouldContain("keine Daten weitergegeben");
        Engine.GetInstance(id).Waiting.ShouldBe(["Task_Einwilligung_Online"]);
        Engine.GetInstance(id).Variables["einwilligungKonto"].ShouldBeNull();
    }

    [BundIdFact]
    public async Task OnlySignedInCitizens_MayAnswer_AndThePageShowsWhatGoesWhere()
    {
        using (var anonymous = await env.Browser().Client.PostAsJsonAsync("/api/citizen/einwilligung", new { code = ConsentCodes.NewCode(), zustimmung = new { kindergeld = true } }))
            ((int)anonymous.StatusCode).ShouldBeOneOf(401, 403);
        var (citizen, _) = await env.SignedInCitizenAsync("U06");
        var page = await citizen.GetStringAsync(ConsentEndpoints.Path);
        page.ShouldContain("<h1>Einwilligung nach der Geburt</h1>");
        page.ShouldContain("Familienkasse");
        page.ShouldContain("Kita-Verwaltung");
        page.ShouldContain("Einwilligungscode");
        (await citizen.GetStringAsync("/buerger")).ShouldContain("href=\"/buerger/einwilligung\"");

        // The form with a wrong code: the same page with the German message, status 404.
        var csrf = CsrfField().Match(page).Groups[1].Value;
        using var posted = await citizen.PostAsync(ConsentEndpoints.Path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(csrf), ["code"] = ConsentCodes.NewCode(), ["kindergeld"] = "ja", ["kita"] = "nein",
        }));
        posted.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var html = await posted.Content.ReadAsStringAsync();
        html.ShouldContain("role=\"alert\"");
        html.ShouldContain("Diesen Einwilligungscode kennen wir nicht");
        html.ShouldContain("value=\"ja\" required checked", Case.Sensitive, "the answers given stay selected");

        // Below the level the services need: the step-up page, not the form.
        var (low, _) = await env.SignedInCitizenAsync("U06", "STORK-QAA-Level-1", "niedrig");
        (await low.GetStringAsync(ConsentEndpoints.Path)).ShouldContain("Vertrauensniveau nicht ausreichend");
    }

    /// <summary>A birth notification without a recorded consent, registered and certified; the case waits for the parents, whose notice carries the code.</summary>
    private async Task<(string Aktenzeichen, string Id, string Code)> BirthWaitingForConsentAsync()
    {
        var aktenzeichen = "G-2026-" + Random.Shared.Next(10000, 99999);
        var email = $"eltern-{aktenzeichen.ToLowerInvariant()}@example.org";
        var e = Engine;
        var id = e.StartProcessByMessage(Anzeige, JsonNode.Parse($$"""
            { "antrag": {
              "kind": {"vorname": "Mia", "familienname": "Muster", "geburtsdatum": "2026-03-01", "geburtszeit": "07:42", "geburtsort": "Musterstadt" },
              "mutter": {"vorname": "Anna", "familienname": "Muster", "anschrift": "Lindenweg 3, 64283 Musterstadt", "email": "{{email}}"},
              "klinik": {"name": "Klinikum Musterstadt", "email": "geburtshilfe@klinikum.example"},
              "einwilligung": {"antragsteller": "mutter", "buergerkonto": "{{CitizenIdentity.OwnerOf("BUNDIDSIM-U07")}}"}
            } }
            """)!.AsObject(), aktenzeichen);
        void Complete(string element, JsonObject variables, string user) =>
            e.CompleteUserTask(e.OpenUserTasks(id).Single(t => t.ElementId == element).Id, variables, user);
        Complete("Task_Pruefen", new JsonObject { ["vollstaendig"] = true, ["einwilligungKindergeld"] = false, ["einwilligungKita"] = false }, "s.sachbearbeitung");
        Complete("Task_Beurkunden", new JsonObject { ["registernummer"] = "G 42/2026" }, "b.standesbeamtin");
        Complete("Task_Urkunden", new JsonObject { ["urkundenAnzahl"] = 1, ["urkundenVersand"] = "post" }, "b.standesbeamtin");
        for (var i = 0; i < 100; i++)
        {
            var mail = Directory.Exists(env.MailDirectory)
                ? Directory.GetFiles(env.MailDirectory, "*.eml").Select(File.ReadAllText).FirstOrDefault(m => m.Contains(email, StringComparison.Ordinal))
                : null;
            if (mail is not null && e.GetInstance(id).Waiting.Contains("Task_Einwilligung_Online"))
            {
                e.GetInstance(id).Variables["einwilligungOnline"]!["status"]!.GetValue<string>().ShouldBe("angefragt");
                var code = CodeInMail().Match(mail).Groups[1].Value;
                code.ShouldNotBeNullOrEmpty("the notice carries the code");
                return (aktenzeichen, id, code);
            }
            await Task.Delay(100);
        }
        throw new ShouldAssertException($"the notice with the code was not sent; the case waits at {string.Join(", ", e.GetInstance(id).Waiting)}, incidents: {string.Join("; ", e.GetInstance(id).Incidents.Select(x => x.ToString()))}");
    }

    [GeneratedRegex(@"Einwilligungscode: ([2-9A-Z]{4}(?:-[2-9A-Z]{4}){4})")]
    private static partial Regex CodeInMail();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find EGov.Workflows.sln above " + AppContext.BaseDirectory);
    }
}

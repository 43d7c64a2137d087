using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Host.Citizens;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Identity;
using EGov.Workflows.Identity.Citizens;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// Applying online as a citizen signed in with BundID (the simulator): the start form with the identity fields prefilled and
/// read-only — also on the server, which takes them from the identity and never from the body —, server-side validation,
/// extra fields ignored and not stored, drafts per citizen, uploads with the case file's limits, the summary, the start
/// with the Aktenzeichen and the citizen as owner, the confirmation e-mail, and eid-check's step-up later in the case.
/// </summary>
public sealed partial class CitizenApplyTests(BundIdEnvironment env) : IClassFixture<BundIdEnvironment>, IAsyncLifetime
{
    private const string Process = "Process_Buerger_Antrag";

    internal const string Form = """
        {
          "type": "default", "id": "Form_Buerger_Antrag", "schemaVersion": 16,
          "components": [
            { "type": "group", "id": "G", "label": "Ihre Angaben", "components": [
              { "type": "textfield", "id": "F_Vorname", "key": "vorname", "label": "Vorname", "properties": { "bundid": "givenName" }, "validate": { "required": true } },
              { "type": "textfield", "id": "F_Nachname", "key": "nachname", "label": "Nachname", "properties": { "bundid": "surname" }, "validate": { "required": true } },
              { "type": "textfield", "id": "F_Titel", "key": "titel", "label": "Titel", "properties": { "bundid": "title" } }
            ] },
            { "type": "textfield", "id": "F_Kennzeichen", "key": "kennzeichen", "label": "Kennzeichen", "validate": { "required": true, "pattern": "[A-Z]{1,3}-[A-Z]{1,2} [0-9]{1,4}" } },
            { "type": "select", "id": "F_Zone", "key": "zone", "label": "Gebiet", "values": [ { "label": "A – Altstadt", "value": "A" }, { "label": "B – Bahnhof", "value": "B" } ], "validate": { "required": true } },
            { "type": "checkbox", "id": "F_Firma", "key": "firmenwagen", "label": "Firmenwagen" }
          ]
        }
        """;

    private string _staffToken = "";

    public async Task InitializeAsync()
    {
        if (BundIdFactAttribute.SkipReason is not null) return;
        _staffToken = await new Identities(env.Server).ClientTokenAsync("staff-" + Guid.NewGuid().ToString("N")[..8], Identities.AllRoles, ["*"], ["*"]);
        using var http = Staff();
        if ((await http.GetAsync($"/api/process-definitions/{Process}")).IsSuccessStatusCode) return;
        using var form = new MultipartFormDataContent();
        var bpmn = new ByteArrayContent(await File.ReadAllBytesAsync(TestServer.ModelPath("citizen-apply.bpmn")));
        bpmn.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        form.Add(bpmn, "files", "citizen-apply.bpmn");
        var schema = new ByteArrayContent(Encoding.UTF8.GetBytes(Form));
        schema.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(schema, "files", "buerger-antrag.form");
        using var deployed = await http.PostAsync("/api/deployments", form);
        ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [BundIdFact]
    public async Task StartForm_PrefillsTheIdentityFieldsReadOnly_AndLeavesFieldsBundIdDidNotSendEditable()
    {
        var (client, _) = await SignInAsync("STORK-QAA-Level-3", "U01");
        var form = JsonNode.Parse(await client.GetStringAsync($"/api/citizen/services/{Process}/form"))!;
        form["name"]!.GetValue<string>().ShouldBe("Testantrag online");
        form["data"]!["vorname"]!.GetValue<string>().ShouldBe("Maria");
        form["data"]!["nachname"]!.GetValue<string>().ShouldBe("Neumann");
        form["identityFields"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldBe(["vorname", "nachname"], ignoreOrder: true);
        var fields = form["schema"]!["components"]![0]!["components"]!.AsArray();
        fields[0]!["readonly"]!.GetValue<bool>().ShouldBeTrue("a proved field is read-only in the browser");
        fields[2]!["readonly"].ShouldBeNull("U01 has no title: the field stays editable");
        form.ToJsonString().ShouldNotContain("BUNDIDSIM", Case.Sensitive, "the bPK2 never leaves the server");

        // Without a session the page sends the citizen to BundID at the service's level.
        var (anonymous, _) = env.Browser();
        using var page = await anonymous.GetAsync($"/buerger/leistungen/{Process}");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.OriginalString.ShouldBe($"/buerger/anmelden?niveau=substantial&returnUrl=%2Fbuerger%2Fleistungen%2F{Process}");
    }

    [BundIdFact]
    public async Task Start_TakesIdentityFieldsFromTheIdentity_NotTheBody_AndIgnoresFieldsNotInTheForm()
    {
        var (client, _) = await SignInAsync("STORK-QAA-Level-3", "U01");
        using var start = await client.PostAsJsonAsync($"/api/citizen/services/{Process}/start", new
        {
            data = new { vorname = "Mallory", nachname = "Fälscher", titel = "Dr.", kennzeichen = "MS-EM 1964", zone = "A", firmenwagen = true, rolle = "admin", paid = true },
        });
        var body = await start.Content.ReadAsStringAsync();
        ((int)start.StatusCode).ShouldBe(201, body);
        var started = JsonNode.Parse(body)!;
        var id = started["id"]!.GetValue<string>();
        started["aktenzeichen"]!.GetValue<string>().ShouldMatch(@"^B-\d{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$");

        using var http = Staff();
        var instance = JsonNode.Parse(await http.GetStringAsync($"/api/process-instances/{id}"))!;
        instance["businessKey"]!.GetValue<string>().ShouldBe(started["aktenzeichen"]!.GetValue<string>());
        var variables = instance["variables"]!.AsObject();
        variables["vorname"]!.GetValue<string>().ShouldBe("Maria", "the server takes proved fields from the identity");
        variables["nachname"]!.GetValue<string>().ShouldBe("Neumann");
        variables["titel"]!.GetValue<string>().ShouldBe("Dr.", "a field BundID did not prove is the citizen's answer");
        variables["kennzeichen"]!.GetValue<string>().ShouldBe("MS-EM 1964");
        variables["firmenwagen"]!.GetValue<bool>().ShouldBeTrue();
        variables.ContainsKey("rolle").ShouldBeFalse("extra fields are ignored, not stored");
        variables.ContainsKey("paid").ShouldBeFalse();
        variables["buerger"]!["id"]!.GetValue<string>().ShouldBe(CitizenIdentity.OwnerOf("BUNDIDSIM-U01"));
        variables["rueckkehrUrl"]!.GetValue<string>().ShouldEndWith("/buerger/vorgaenge");

        var cases = JsonNode.Parse(await client.GetStringAsync("/api/citizen/cases"))!.AsArray();
        cases.Select(c => c!["id"]!.GetValue<string>()).ShouldContain(id, "the citizen's pseudonym owns the case");

        // The confirmation e-mail (Notifications pack, delivery into a directory here) names the Aktenzeichen.
        started["emailSent"]!.GetValue<bool>().ShouldBeTrue();
        var mail = Directory.GetFiles(env.MailDirectory, "*.eml").Select(File.ReadAllText)
            .SingleOrDefault(m => m.Contains(started["aktenzeichen"]!.GetValue<string>(), StringComparison.Ordinal));
        mail.ShouldNotBeNull("a confirmation e-mail with the Aktenzeichen");
        mail.ShouldContain("maria.neumenn@example.com");
        mail.ShouldNotContain("BUNDIDSIM");
    }

    [BundIdFact]
    public async Task Check_ValidatesOnTheServer_AndAnswersTheSummaryWithOptionLabels()
    {
        var (client, _) = await SignInAsync("STORK-QAA-Level-3", "U02");
        using var missing = await client.PostAsJsonAsync($"/api/citizen/services/{Process}/check", new { data = new { kennzeichen = "kaputt" } });
        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
        var errors = problem["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList();
        errors.ShouldContain("kennzeichen", "the pattern is checked on the server");
        errors.ShouldContain("zone", "a required field is checked on the server");
        errors.ShouldNotContain("vorname", "the identity fills the proved fields");

        using var wrongOption = await client.PostAsJsonAsync($"/api/citizen/services/{Process}/start", new { data = new { kennzeichen = "N-MS 12", zone = "Z" } });
        wrongOption.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(await client.GetStringAsync("/api/citizen/cases"))!.AsArray().Count.ShouldBe(0, "nothing half-written: no case for a refused start");

        using var ok = await client.PostAsJsonAsync($"/api/citizen/services/{Process}/check", new { data = new { kennzeichen = "N-MS 12", zone = "B", extra = "x" } });
        var okBody = await ok.Content.ReadAsStringAsync();
        ((int)ok.StatusCode).ShouldBe(200, okBody);
        var summary = JsonNode.Parse(okBody)!["summary"]!.AsArray();
        summary.Select(l => (l!["label"]!.GetValue<string>(), l["value"]!.GetValue<string>(), l["fromIdentity"]!.GetValue<bool>()))
            .ShouldBe([("Vorname", "Manfred", true), ("Nachname", "Schmidt", true), ("Kennzeichen", "N-MS 12", false), ("Gebiet", "B – Bahnhof", false)]);
    }

    [BundIdFact]
    public async Task Drafts_AreKeptPerCitizen_OnlyForTheFormsEditableFields_AndCanBeDiscarded()
    {
        var (client, _) = await SignInAsync("STORK-QAA-Level-3", "U03");
        using var saved = await client.PutAsJsonAsync($"/api/citizen/drafts/{Process}", new { data = new { kennzeichen = "N-WW 3", vorname = "Mallory", extra = "x" } });
        var savedBody = await saved.Content.ReadAsStringAsync();
        ((int)saved.StatusCode).ShouldBe(200, savedBody);
        DateTimeOffset.Parse(JsonNode.Parse(savedBody)!["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeInRange(DateTimeOffset.UtcNow.AddDays(29), DateTimeOffset.UtcNow.AddDays(31));

        var form = JsonNode.Parse(await client.GetStringAsync($"/api/citizen/services/{Process}/form"))!;
        form["data"]!["kennzeichen"]!.GetValue<string>().ShouldBe("N-WW 3");
        form["data"]!["vorname"]!.GetValue<string>().ShouldBe("Wilhelm", "a draft never overrides a proved field");
        form["data"]!["extra"].ShouldBeNull("fields not in the form are not kept");
        form["draft"].ShouldNotBeNull();

        var (other, _) = await SignInAsync("STORK-QAA-Level-3", "U04");
        var foreign = JsonNode.Parse(await other.GetStringAsync($"/api/citizen/services/{Process}/form"))!;
        foreign["draft"].ShouldBeNull("another citizen never sees the draft");
        foreign["data"]!["kennzeichen"].ShouldBeNull();

        using var deleted = await client.DeleteAsync($"/api/citizen/drafts/{Process}");
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        JsonNode.Parse(await client.GetStringAsync($"/api/citizen/services/{Process}/form"))!["draft"].ShouldBeNull();
    }

    /// <summary>The same start with groups that have a <c>path</c>: the identity and the answers nested as form-js binds them.</summary>
    private const string NestedForm = """
        {
          "type": "default", "id": "Form_Buerger_Verschachtelt", "schemaVersion": 16,
          "components": [
            { "type": "group", "id": "G_Person", "label": "Ihre Angaben", "path": "person", "components": [
              { "type": "textfield", "id": "F_Vorname", "key": "vorname", "label": "Vorname", "properties": { "bundid": "givenName" }, "validate": { "required": true } },
              { "type": "textfield", "id": "F_Nachname", "key": "nachname", "label": "Nachname", "properties": { "bundid": "surname" }, "validate": { "required": true } }
            ] },
            { "type": "group", "id": "G_Fahrzeug", "label": "Fahrzeug", "path": "fahrzeug", "components": [
              { "type": "textfield", "id": "F_Kennzeichen", "key": "kennzeichen", "label": "Kennzeichen", "validate": { "required": true, "pattern": "[A-Z]{1,3}-[A-Z]{1,2} [0-9]{1,4}" } },
              { "type": "checkbox", "id": "F_Firma", "key": "firmenwagen", "label": "Firmenwagen" }
            ] }
          ]
        }
        """;

    [BundIdFact]
    public async Task AFormWithGroupPaths_IsPrefilledNested_CheckedByPath_AndStartsWithNestedVariables()
    {
        const string nested = "Process_Buerger_Verschachtelt";
        using (var http = Staff())
        {
            if (!(await http.GetAsync($"/api/process-definitions/{nested}")).IsSuccessStatusCode)
            {
                using var deployment = new MultipartFormDataContent();
                var xml = (await File.ReadAllTextAsync(TestServer.ModelPath("citizen-apply.bpmn"))).Replace(Process, nested, StringComparison.Ordinal)
                    .Replace("egov:forms/buerger-antrag", "egov:forms/buerger-verschachtelt", StringComparison.Ordinal);
                var bpmn = new ByteArrayContent(Encoding.UTF8.GetBytes(xml));
                bpmn.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
                deployment.Add(bpmn, "files", "citizen-nested.bpmn");
                var schema = new ByteArrayContent(Encoding.UTF8.GetBytes(NestedForm));
                schema.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                deployment.Add(schema, "files", "buerger-verschachtelt.form");
                using var deployed = await http.PostAsync("/api/deployments", deployment);
                ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
            }
        }
        var (client, _) = await SignInAsync("STORK-QAA-Level-3", "U11");
        var form = JsonNode.Parse(await client.GetStringAsync($"/api/citizen/services/{nested}/form"))!;
        form["data"]!["person"]!["vorname"]!.GetValue<string>().ShouldBe("Nils", "the identity prefilled inside its group's object");
        form["data"]!["person"]!["nachname"]!.GetValue<string>().ShouldBe("Karlsson");
        form["schema"]!["components"]![0]!["components"]![0]!["readonly"]!.GetValue<bool>().ShouldBeTrue();

        using var wrong = await client.PostAsJsonAsync($"/api/citizen/services/{nested}/check", new { data = new { fahrzeug = new { kennzeichen = "kaputt" } } });
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!["errors"]!.AsArray();
        errors.Select(e => e!["field"]!.GetValue<string>()).ShouldBe(["fahrzeug.kennzeichen"], "the identity fills person.*; the pattern is checked by path");

        using var check = await client.PostAsJsonAsync($"/api/citizen/services/{nested}/check", new { data = new { fahrzeug = new { kennzeichen = "MS-EM 1964", firmenwagen = true } } });
        var checkBody = await check.Content.ReadAsStringAsync();
        ((int)check.StatusCode).ShouldBe(200, checkBody);
        JsonNode.Parse(checkBody)!["summary"]!.AsArray().Select(l => (l!["label"]!.GetValue<string>(), l["value"]!.GetValue<string>(), l["fromIdentity"]!.GetValue<bool>()))
            .ShouldBe([("Vorname", "Nils", true), ("Nachname", "Karlsson", true), ("Kennzeichen", "MS-EM 1964", false), ("Firmenwagen", "Ja", false)]);

        using var start = await client.PostAsJsonAsync($"/api/citizen/services/{nested}/start", new
        {
            data = new { person = new { vorname = "Mallory" }, fahrzeug = new { kennzeichen = "MS-EM 1964", firmenwagen = true, extra = "x" }, kennzeichen = "flach" },
        });
        var body = await start.Content.ReadAsStringAsync();
        ((int)start.StatusCode).ShouldBe(201, body);
        using var staff = Staff();
        var variables = JsonNode.Parse(await staff.GetStringAsync($"/api/process-instances/{JsonNode.Parse(body)!["id"]!.GetValue<string>()}"))!["variables"]!.AsObject();
        variables["person"]!["vorname"]!.GetValue<string>().ShouldBe("Nils", "the server takes proved fields from the identity, nested");
        variables["person"]!["nachname"]!.GetValue<string>().ShouldBe("Karlsson");
        variables["fahrzeug"]!["kennzeichen"]!.GetValue<string>().ShouldBe("MS-EM 1964");
        variables["fahrzeug"]!["firmenwagen"]!.GetValue<bool>().ShouldBeTrue();
        variables["fahrzeug"]!.AsObject().ContainsKey("extra").ShouldBeFalse("fields not in the form are ignored, also inside a group");
        variables.ContainsKey("kennzeichen").ShouldBeFalse();
    }

    [Fact]
    public async Task DraftStore_ForgetsADraftAndItsFilesAfterTheRetention()
    {
        using var db = IdentityDatabase.Open("memory");
        var clock = new SettableTime(DateTimeOffset.Parse("2026-03-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var store = new CitizenDraftStore(db, TimeSpan.FromDays(7), clock);
        await store.SaveAsync("t", "buerger:a", "P", """{"a":1}""");
        await store.AddFileAsync("t", "buerger:a", "P", "h1", "a.pdf", "application/pdf", [1, 2, 3]);
        clock.Now = clock.Now.AddDays(6);
        (await store.FindAsync("t", "buerger:a", "P")).ShouldNotBeNull();
        (await store.FindAsync("t", "buerger:b", "P")).ShouldBeNull("only the owner's");
        (await store.FilesAsync("t", "buerger:a", "P")).Count.ShouldBe(1);
        clock.Now = clock.Now.AddDays(2);
        (await store.FindAsync("t", "buerger:a", "P")).ShouldBeNull("expired after 7 days without a change");
        (await store.FilesAsync("t", "buerger:a", "P")).ShouldBeEmpty();
    }

    [BundIdFact]
    public async Task Uploads_HaveTheCaseFilesLimits_ARefusedTypeSaysWhy_AndTheFilesGoIntoTheCaseFile()
    {
        var (client, _) = await SignInAsync("STORK-QAA-Level-3", "U05");
        using var exe = await UploadAsync(client, [0x4D, 0x5A, 0x90, 0x00, 0x03], "fahrzeugschein.pdf", "application/pdf");
        exe.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        var refused = JsonNode.Parse(await exe.Content.ReadAsStringAsync())!;
        refused["title"]!.GetValue<string>().ShouldBe("Dateityp nicht erlaubt");
        refused["detail"]!.GetValue<string>().ShouldContain("fahrzeugschein.pdf");
        refused["detail"]!.GetValue<string>().ShouldContain("Erlaubt sind PDF");

        var max = env.Server.App.Services.GetRequiredService<PostkorbServices>().AttachmentOptions.MaxBytes;
        using var big = await UploadAsync(client, new byte[max + 1], "gross.pdf", "application/pdf");
        big.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);

        using var pdf = await UploadAsync(client, Encoding.ASCII.GetBytes("%PDF-1.7\n%%EOF\n"), "fahrzeugschein.pdf", "application/pdf");
        var pdfBody = await pdf.Content.ReadAsStringAsync();
        ((int)pdf.StatusCode).ShouldBe(201, pdfBody);
        var hash = JsonNode.Parse(pdfBody)!["hash"]!.GetValue<string>();
        JsonNode.Parse(await client.GetStringAsync($"/api/citizen/services/{Process}/form"))!["files"]!.AsArray()
            .Select(f => f!["name"]!.GetValue<string>()).ShouldBe(["fahrzeugschein.pdf"]);

        using var start = await client.PostAsJsonAsync($"/api/citizen/services/{Process}/start", new { data = new { kennzeichen = "MS-A 1", zone = "A" } });
        var started = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;
        ((int)start.StatusCode).ShouldBe(201, started.ToJsonString());
        started["files"]!.GetValue<int>().ShouldBe(1);
        var attachments = env.Server.App.Services.GetRequiredService<PostkorbServices>().Data.Attachments("default", started["id"]!.GetValue<string>());
        attachments.Select(a => (a.Hash, a.Name, a.UserId)).ShouldBe([(hash, "fahrzeugschein.pdf", CitizenIdentity.OwnerOf("BUNDIDSIM-U05"))]);
        JsonNode.Parse(await client.GetStringAsync($"/api/citizen/services/{Process}/form"))!["files"]!.AsArray().Count.ShouldBe(0, "the draft is gone once sent");
    }

    [BundIdFact]
    public async Task EidCheck_LaterInTheCase_AsksForAStepUp_AndStoresTheNewLevelAndSignInTime()
    {
        var (client, _) = await SignInAsync("STORK-QAA-Level-3", "U06");
        using var start = await client.PostAsJsonAsync($"/api/citizen/services/{Process}/start", new { data = new { kennzeichen = "MS-A 2", zone = "A" } });
        var id = JsonNode.Parse(await start.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        using var http = Staff();
        var waiting = await EventuallyWaitingAsync(http, id, "Eid");
        waiting["variables"]!["eidCheck"]!["status"]!.GetValue<string>().ShouldBe("offen");

        // The waiting check is among "what you must do" — as JSON and on the case's page, with the link to sign in again.
        var status = JsonNode.Parse(await client.GetStringAsync($"/api/citizen/cases/{id}/status"))!;
        status["status"]!.GetValue<string>().ShouldBe("Rückfrage");
        var must = status["actions"]!.AsArray().Single(a => a!["kind"]!.GetValue<string>() == "identifizierung")!;
        must["text"]!.GetValue<string>().ShouldContain("hoch");
        must["href"]!.GetValue<string>().ShouldBe($"/buerger/vorgaenge/{id}/identifizierung");
        var casePage = WebUtility.HtmlDecode(await client.GetStringAsync($"/buerger/vorgaenge/{id}"));
        casePage.ShouldContain("Was Sie tun müssen");
        casePage.ShouldContain($"href=\"/buerger/vorgaenge/{id}/identifizierung\"");

        var page = await client.GetStringAsync($"/buerger/vorgaenge/{id}/identifizierung");
        page.ShouldContain("Erneut anmelden");
        using var tooLow = await client.PostAsync($"/api/citizen/cases/{id}/eid-check", null);
        tooLow.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var stepUp = JsonNode.Parse(await tooLow.Content.ReadAsStringAsync())!["stepUp"]!.GetValue<string>();
        stepUp.ShouldBe($"/buerger/anmelden?niveau=high&returnUrl=%2Fbuerger%2Fvorgaenge%2F{id}%2Fidentifizierung");

        // Another citizen at level hoch cannot confirm this case (the same 404 as an unknown case).
        var (other, _) = await SignInAsync("STORK-QAA-Level-4", "U07");
        using var foreign = await other.PostAsync($"/api/citizen/cases/{id}/eid-check", null);
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The step-up at BundID (ForceAuthn), back to the page, then the confirmation hands the level to the case.
        using var signIn = await client.GetAsync(stepUp);
        var html = await signIn.Content.ReadAsStringAsync();
        var request = WebUtility.HtmlDecode(SamlRequest().Match(html).Groups[1].Value);
        Encoding.UTF8.GetString(Convert.FromBase64String(request)).ShouldContain("ForceAuthn=\"true\"");
        using var acs = await BundIdEnvironment.PostAcsAsync(client, await env.AnswerAsync(request, "U06", "STORK-QAA-Level-4"));
        acs.Headers.Location!.OriginalString.ShouldBe($"/buerger/vorgaenge/{id}/identifizierung");
        using var confirmed = await client.PostAsync($"/api/citizen/cases/{id}/eid-check", null);
        ((int)confirmed.StatusCode).ShouldBe(200, await confirmed.Content.ReadAsStringAsync());

        var moved = await EventuallyWaitingAsync(http, id, "Pruefen");
        var buerger = moved["variables"]!["buerger"]!;
        buerger["vertrauensniveau"]!.GetValue<string>().ShouldBe("hoch");
        buerger["vertrauensniveauStork"]!.GetValue<string>().ShouldBe("STORK-QAA-Level-4");
        DateTimeOffset.Parse(buerger["angemeldetAm"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        moved["variables"]!["eidLevel"]!.GetValue<string>().ShouldBe("hoch");
        JsonNode.Parse(await client.GetStringAsync($"/api/citizen/cases/{id}/status"))!["actions"]!.AsArray()
            .ShouldNotContain(a => a!["kind"]!.GetValue<string>() == "identifizierung", "the check passed: nothing to do any more");
        using var again = await client.PostAsync($"/api/citizen/cases/{id}/eid-check", null);
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict, "nothing waits any more");
    }

    private static async Task<JsonNode> EventuallyWaitingAsync(HttpClient http, string id, string element)
    {
        for (var i = 0; ; i++)
        {
            var instance = JsonNode.Parse(await http.GetStringAsync($"/api/process-instances/{id}"))!;
            if (instance["waiting"]!.AsArray().Any(w => w!.GetValue<string>() == element)) return instance;
            if (i > 300) throw new ShouldAssertException($"the case did not wait at {element}: {instance.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] content, string name, string type)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue(type);
        form.Add(part, "file", name);
        return await client.PostAsync($"/api/citizen/drafts/{Process}/files", form);
    }

    private Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(string level, string user) =>
        env.SignedInCitizenAsync(user, level);

    private HttpClient Staff()
    {
        var http = new HttpClient { BaseAddress = env.Server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _staffToken);
        return http;
    }

    [GeneratedRegex("name=\"SAMLRequest\" value=\"([^\"]+)\"")]
    private static partial Regex SamlRequest();

    private sealed class SettableTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}

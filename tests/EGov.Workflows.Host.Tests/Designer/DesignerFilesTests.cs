using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Designer;
using EGov.Workflows.Sdk;
using EGov.Workflows.Testing;
using Json.Schema;

namespace EGov.Workflows.Host.Tests.Designer;

/// <summary>
/// What the designer keeps and offers beside the model (issue 11 items 2–4): Camunda element templates generated from the
/// activities' SDK declarations (valid against Camunda's schema), the forms and scenarios a draft keeps, the draft's
/// scenarios run against it, and its edited forms deployed with version n+1.
/// </summary>
public sealed class DesignerFilesTests
{
    private static string Antrag => File.ReadAllText(TestServer.ModelPath("antrag.bpmn"));

    private static string WithForm => Antrag.Replace("camunda:candidateGroups=\"sachbearbeitung\"", "camunda:candidateGroups=\"sachbearbeitung\" camunda:formKey=\"egov:forms/pruefung\"", StringComparison.Ordinal);

    private const string Passing = """
        name: "Entwurf: der Antrag wird geprüft"
        deploy: [../antrag.bpmn]
        process: Antrag
        steps:
          - expect: { waiting: [Pruefen] }
          - complete: Pruefen
          - expect: { state: completed }
        """;

    private const string Failing = """
        name: "Entwurf: erwartet das Falsche"
        deploy: [../antrag.bpmn]
        process: Antrag
        steps:
          - expect: { waiting: [Ende] }
        """;

    private static readonly JsonObject PruefungForm = JsonNode.Parse("""
        {"type": "default", "id": "pruefung", "components": [{"type": "textfield", "key": "vermerk", "label": "Vermerk"}]}
        """)!.AsObject();

    /// <summary>
    /// Camunda's element-templates schema from the one pinned copy, npm <c>@camunda/element-templates-json-schema</c> in
    /// <c>tests/element-templates-schema</c> (its lock file; <c>./test.sh</c> runs <c>npm ci</c> there) — the packs' templates
    /// are checked against the same file.
    /// </summary>
    private static JsonSchema CamundaSchema()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "EGov.Workflows.sln"))) root = root.Parent!;
        var file = Path.Combine(root.FullName, "tests", "element-templates-schema", "node_modules", "@camunda", "element-templates-json-schema", "resources", "schema.json");
        File.Exists(file).ShouldBeTrue($"{file} is missing: run npm ci in tests/element-templates-schema (./test.sh does)");
        return JsonSchema.FromText(File.ReadAllText(file), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    private static void ShouldBeValid(JsonSchema schema, JsonNode template)
    {
        using var doc = JsonDocument.Parse(template.ToJsonString());
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        result.IsValid.ShouldBeTrue($"{template["id"]}: {string.Join("; ", errors)}");
    }

    [Activity("gebuehr-berechnen", Title = "Gebühr berechnen", Description = "Gebühr = Jahresgebühr × Jahre")]
    private sealed class GebuehrBerechnen : WorkflowActivity
    {
        public override IReadOnlyList<ActivityParameter> Inputs =>
            [new("leistung", ActivityValueType.String, Required: true, Description: "Schlüssel der Leistung"), new("rabatt", ActivityValueType.Number)];

        public override IReadOnlyList<ActivityParameter> Outputs => [new("gebuehr", ActivityValueType.Number, Description: "Gebühr in Euro")];

        public override Task<ActivityResult> ExecuteAsync(ActivityContext context) => Task.FromResult(ActivityResult.Complete());
    }

    [Fact]
    public void ElementTemplate_IsNamedByTheTitle_BindsTheActivity_AndHasAFieldPerDeclaredInputAndOutput()
    {
        var template = ElementTemplates.For(new ActivityRegistry().Add<GebuehrBerechnen>()).Single()!;
        template["name"]!.GetValue<string>().ShouldBe("Gebühr berechnen");
        template["id"]!.GetValue<string>().ShouldBe("de.egov-workflows.activity.gebuehr-berechnen");
        template["elementType"]!["value"]!.GetValue<string>().ShouldBe("bpmn:ServiceTask");
        var properties = template["properties"]!.AsArray();
        properties[0]!["binding"]!["name"]!.GetValue<string>().ShouldBe("egov:activity");
        properties[0]!["value"]!.GetValue<string>().ShouldBe("gebuehr-berechnen");
        var leistung = properties.Single(p => p!["binding"]!["name"]?.GetValue<string>() == "leistung")!;
        leistung["binding"]!["type"]!.GetValue<string>().ShouldBe("camunda:inputParameter");
        leistung["value"]!.GetValue<string>().ShouldBe("${leistung}"); // required: the variable of the same name unless the analyst says otherwise
        leistung["constraints"]!["notEmpty"]!.GetValue<bool>().ShouldBeTrue();
        var rabatt = properties.Single(p => p!["binding"]!["name"]?.GetValue<string>() == "rabatt")!;
        rabatt["value"].ShouldBeNull();
        var gebuehr = properties.Single(p => p!["binding"]!["type"]!.GetValue<string>() == "camunda:outputParameter")!;
        gebuehr["binding"]!["source"]!.GetValue<string>().ShouldBe("${gebuehr}");
        gebuehr["value"]!.GetValue<string>().ShouldBe("gebuehr");
        ShouldBeValid(CamundaSchema(), template);
    }

    [Fact]
    public async Task ElementTemplates_OfEveryActivityTheServerHas_AreValidCamundaTemplates_APacksActivityNamesItsPack()
    {
        await using var s = await TestServer.StartAsync(configure: o => o with { Packs = [TestPacks.Folder("Stempel")] });
        var templates = (await s.GetJsonAsync("api/designer/element-templates")).AsArray();
        var ids = templates.Select(t => t!["id"]!.GetValue<string>()).ToList();
        ids.ShouldContain("de.egov-workflows.activity.payment-request"); // built in
        ids.ShouldContain("de.egov-workflows.activity.test-stempel");    // from the loaded pack
        var stempel = templates.Single(t => t!["id"]!.GetValue<string>().EndsWith("test-stempel", StringComparison.Ordinal))!;
        stempel["name"]!.GetValue<string>().ShouldBe("Stempelt den Vorgang");
        stempel["description"]!.GetValue<string>().ShouldContain("Stempel 1.2.0");
        var payment = templates.Single(t => t!["id"]!.GetValue<string>().EndsWith("payment-request", StringComparison.Ordinal))!;
        payment["properties"]!.AsArray().Count(p => p!["binding"]!["type"]!.GetValue<string>() == "camunda:inputParameter").ShouldBeGreaterThan(0);
        var schema = CamundaSchema();
        foreach (var t in templates) ShouldBeValid(schema, t!);

        var clerk = await s.Identities.PersonAsync("clara", ["clerk"]);
        (await clerk.GetAsync(new Uri("api/designer/element-templates", UriKind.Relative))).StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheCamundaSchema_RefusesABrokenTemplate()
    {
        // The check above can fail: a template without the binding's name is not a Camunda template.
        var broken = JsonNode.Parse("""{"name": "x", "id": "x", "appliesTo": ["bpmn:Task"], "properties": [{"type": "Hidden", "value": "x", "binding": {"type": "property"}}]}""")!;
        using var doc = JsonDocument.Parse(broken.ToJsonString());
        CamundaSchema().Evaluate(doc.RootElement).IsValid.ShouldBeFalse();
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Draft_KeepsItsFormsAndScenarios_ABadFormOrScenarioIsRefusedAndNothingSaved()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db", configure: o => o with { Create = true });
        await s.DeployAsync("antrag.bpmn");
        var anna = await s.Identities.PersonAsync("anna", ["analyst"], tenant: "*");
        var body = new { xml = WithForm, basedOnVersion = 1, forms = new Dictionary<string, object> { ["pruefung.form"] = PruefungForm }, scenarios = new Dictionary<string, string> { ["neu.scenario.yaml"] = Passing } };
        using (var saved = await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft", body))
            ((int)saved.StatusCode).ShouldBe(200, await saved.Content.ReadAsStringAsync());
        var draft = JsonNode.Parse(await anna.GetStringAsync(new Uri("api/designer/Antrag/draft", UriKind.Relative)))!;
        draft["forms"]!["pruefung.form"]!["components"]![0]!["key"]!.GetValue<string>().ShouldBe("vermerk");
        draft["scenarios"]!["neu.scenario.yaml"]!.GetValue<string>().ShouldContain("der Antrag wird geprüft");

        // Saving the model alone (the designer's autosave) keeps the files.
        (await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft", new { xml = WithForm, basedOnVersion = 1 })).EnsureSuccessStatusCode();
        draft = JsonNode.Parse(await anna.GetStringAsync(new Uri("api/designer/Antrag/draft", UriKind.Relative)))!;
        draft["forms"]!.AsObject().Count.ShouldBe(1);
        draft["scenarios"]!.AsObject().Count.ShouldBe(1);

        var bad = new object[]
        {
            new { xml = Antrag, forms = new Dictionary<string, object> { ["pruefung.form"] = new { kein = "formular" } } },
            new { xml = Antrag, forms = new Dictionary<string, object> { ["../boese.form"] = PruefungForm } },
            new { xml = Antrag, scenarios = new Dictionary<string, string> { ["neu.scenario.yaml"] = "name: x\nsteps:\n  - tanzen: ja\n" } },
            new { xml = Antrag, scenarios = new Dictionary<string, string> { ["neu.yaml"] = Passing } },
        };
        foreach (var b in bad)
        {
            var problem = await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft", b), 422);
            problem["detail"]!.GetValue<string>().ShouldContain("nothing was saved");
        }
        draft = JsonNode.Parse(await anna.GetStringAsync(new Uri("api/designer/Antrag/draft", UriKind.Relative)))!;
        draft["xml"]!.GetValue<string>().ShouldContain("egov:forms/pruefung");
        draft["scenarios"]!["neu.scenario.yaml"]!.GetValue<string>().ShouldBe(Passing);
    }

    [Fact]
    public async Task Scenarios_WrittenWithTheDraft_RunAgainstIt_OneAlone_OrAll()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var run = await s.SendAsync(HttpMethod.Post, "api/designer/Antrag/scenarios",
            new { xml = Antrag, scenarios = new Dictionary<string, string> { ["a.scenario.yaml"] = Passing, ["b.scenario.yaml"] = Failing } });
        var result = JsonNode.Parse(await run.Content.ReadAsStringAsync())!;
        ((int)run.StatusCode).ShouldBe(200, result.ToJsonString());
        result["passed"]!.GetValue<int>().ShouldBe(1);
        result["failed"]!.GetValue<int>().ShouldBe(1);
        var results = result["results"]!.AsArray();
        results[0]!["draft"]!.GetValue<bool>().ShouldBeTrue();
        results[1]!["failure"]!.GetValue<string>().ShouldContain("Ende");

        var one = JsonNode.Parse(await (await s.SendAsync(HttpMethod.Post, "api/designer/Antrag/scenarios",
            new { xml = Antrag, scenarios = new Dictionary<string, string> { ["a.scenario.yaml"] = Passing, ["b.scenario.yaml"] = Failing }, only = "a.scenario.yaml" })).Content.ReadAsStringAsync())!;
        one["results"]!.AsArray().Count.ShouldBe(1);
        one["passed"]!.GetValue<int>().ShouldBe(1);

        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Post, "api/designer/Antrag/scenarios",
            new { xml = Antrag, scenarios = new Dictionary<string, string> { ["a.scenario.yaml"] = "steps: 5" } }), 422);
    }

    [Fact]
    public async Task Check_ReportsWhatTheDeploymentWouldRefuse_OnItsElement_AndDeployIsRefusedWithTheSameMessage()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var inHours = Antrag.Replace("camunda:candidateGroups=\"sachbearbeitung\"", "camunda:candidateGroups=\"sachbearbeitung\" egov:frist=\"PT5H\"", StringComparison.Ordinal)
            .Replace("xmlns:camunda=", "xmlns:egov=\"https://egov-workflows.de/schema/bpmn/1.0\" xmlns:camunda=", StringComparison.Ordinal);
        var check = await s.SendAsync(HttpMethod.Post, "api/designer/Antrag/validate", new { xml = inHours });
        var result = JsonNode.Parse(await check.Content.ReadAsStringAsync())!;
        result["valid"]!.GetValue<bool>().ShouldBeFalse(result.ToJsonString());
        var problem = result["problems"]!.AsArray().Single()!;
        problem["elementId"]!.GetValue<string>().ShouldBe("Pruefen");
        problem["message"]!.GetValue<string>().ShouldContain("the law counts a Frist in days");

        var refused = await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Post, "api/designer/Antrag/deploy", new { xml = inHours, changeNote = "Frist" }), 422);
        refused["errors"]![0]!.GetValue<string>().ShouldBe(problem["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deploy_TakesTheFormsEditedWithTheDraft_IntoVersionNPlus1()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var anna = await s.Identities.PersonAsync("anna", ["analyst"], tenant: "*");
        (await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft",
            new { xml = WithForm, basedOnVersion = 1, forms = new Dictionary<string, object> { ["pruefung.form"] = PruefungForm, ["unbenutzt.form"] = PruefungForm } })).EnsureSuccessStatusCode();
        using (var deployed = await TestServer.SendAsAsync(anna, HttpMethod.Post, "api/designer/Antrag/deploy", new { changeNote = "Formular für die Prüfung" }))
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        var forms = await s.GetJsonAsync("api/designer/Antrag/versions/2/forms");
        forms["forms"]!["pruefung.form"]!["components"]![0]!["key"]!.GetValue<string>().ShouldBe("vermerk");
        forms["forms"]!.AsObject().ContainsKey("unbenutzt.form").ShouldBeFalse();
        (await s.GetJsonAsync("api/designer/Antrag/versions/1/forms"))["forms"]!.AsObject().Count.ShouldBe(0);
        await TestServer.ShouldBeProblemAsync(await s.Http.GetAsync(new Uri("api/designer/Antrag/versions/9/forms", UriKind.Relative)), 404);

        // The next version keeps the form without the draft naming it again.
        (await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft",
            new { xml = WithForm.Replace("name=\"Antrag prüfen\" camunda", "name=\"Antrag genau prüfen\" camunda", StringComparison.Ordinal), basedOnVersion = 2 })).EnsureSuccessStatusCode();
        (await TestServer.SendAsAsync(anna, HttpMethod.Post, "api/designer/Antrag/deploy", new { changeNote = "Umbenannt" })).EnsureSuccessStatusCode();
        (await s.GetJsonAsync("api/designer/Antrag/versions/3/forms"))["forms"]!["pruefung.form"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Deploy_KeepsTheDraftsScenarios_WithTheVersion_TheProcessListsThem_TheyRunAgain_AndTheServiceFolderDownloads()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db", configure: o => o with { Create = true });
        await s.DeployAsync("antrag.bpmn");
        var anna = await s.Identities.PersonAsync("anna", ["analyst"], tenant: "*");
        (await TestServer.SendAsAsync(anna, HttpMethod.Put, "api/designer/Antrag/draft",
            new { xml = WithForm, basedOnVersion = 1, forms = new Dictionary<string, object> { ["pruefung.form"] = PruefungForm }, scenarios = new Dictionary<string, string> { ["neu.scenario.yaml"] = Passing } })).EnsureSuccessStatusCode();
        using (var deployed = await TestServer.SendAsAsync(anna, HttpMethod.Post, "api/designer/Antrag/deploy", new { changeNote = "Formular und Szenario" }))
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());

        // GET on the process names the scenarios of each version.
        var process = await s.GetJsonAsync("api/processes/Antrag");
        var versions = process["versions"]!.AsArray();
        versions.Single(v => v!["version"]!.GetValue<int>() == 2)!["scenarios"]!.AsArray().Select(x => x!.GetValue<string>()).ShouldBe(["neu.scenario.yaml"]);
        versions.Single(v => v!["version"]!.GetValue<int>() == 1)!["scenarios"]!.AsArray().Count.ShouldBe(0);
        (await s.GetJsonAsync("api/designer/Antrag/versions/2/scenarios"))["scenarios"]!["neu.scenario.yaml"]!.GetValue<string>().ShouldBe(Passing);
        (await s.GetJsonAsync("api/designer/Antrag/versions/1/scenarios"))["scenarios"]!.AsObject().Count.ShouldBe(0);
        await TestServer.ShouldBeProblemAsync(await s.Http.GetAsync(new Uri("api/designer/Antrag/versions/9/scenarios", UriKind.Relative)), 404);

        // They run again for that version, against its deployed model.
        var again = JsonNode.Parse(await (await s.SendAsync(HttpMethod.Post, "api/designer/Antrag/scenarios", new { version = 2 })).Content.ReadAsStringAsync())!;
        again["passed"]!.GetValue<int>().ShouldBe(1, again.ToJsonString());
        again["results"]![0]!["file"]!.GetValue<string>().ShouldBe("neu.scenario.yaml");
        await TestServer.ShouldBeProblemAsync(await s.SendAsync(HttpMethod.Post, "api/designer/Antrag/scenarios", new { version = 9 }), 404);

        // The service folder to commit under processes/: model, form and scenario, laid out as ./egov test reads them.
        using var zipResponse = await s.Http.GetAsync(new Uri("api/designer/Antrag/versions/2/files", UriKind.Relative));
        ((int)zipResponse.StatusCode).ShouldBe(200);
        zipResponse.Content.Headers.ContentType!.MediaType.ShouldBe("application/zip");
        using var zip = new System.IO.Compression.ZipArchive(await zipResponse.Content.ReadAsStreamAsync());
        zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ShouldBe(["antrag/antrag.bpmn", "antrag/forms/pruefung.form", "antrag/scenarios/neu.scenario.yaml"]);
        using (var reader = new StreamReader(zip.GetEntry("antrag/scenarios/neu.scenario.yaml")!.Open())) (await reader.ReadToEndAsync()).ShouldBe(Passing);
        using (var reader = new StreamReader(zip.GetEntry("antrag/antrag.bpmn")!.Open())) (await reader.ReadToEndAsync()).ShouldContain("egov:forms/pruefung");

        // A bad scenario sent with the deployment is refused before anything is deployed.
        var refused = await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(anna, HttpMethod.Post, "api/designer/Antrag/deploy",
            new { xml = Antrag, changeNote = "kaputt", scenarios = new Dictionary<string, string> { ["x.scenario.yaml"] = "steps: 5" } }), 422);
        refused["detail"]!.GetValue<string>().ShouldContain("x.scenario.yaml");
        (await s.GetJsonAsync("api/processes/Antrag"))["latestVersion"]!.GetValue<int>().ShouldBe(2);
    }
}

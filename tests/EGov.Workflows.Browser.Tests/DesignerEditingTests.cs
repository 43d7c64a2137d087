using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The designer's editing parts on the REAL server (issue 11 items 2–4): a Frist set in the egov properties panel, the
/// lint overlays (our plug-in at once, the server's check after it), a user-task form edited in the form-js editor, a
/// scenario written, run and kept with the draft (still there after a reload), deploy — the API reports version n+1 with
/// the Frist and the edited form; an activity picked from the element templates the server generates; and a corpus file
/// with vendor extensions (a Signavio export of the MIWG suite) uploaded, saved and downloaded loses none of them.
/// axe-core runs on the page with every new part shown.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DesignerEditingTests
{
    private const string ProcessId = "Process_Urlaubsantrag";
    private const string TaskId = "Task_Vorgesetzte_Genehmigen";
    private readonly BrowserFixture fixture;

    public DesignerEditingTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    private async Task<HttpClient> ClientAsync(params string[] roles)
    {
        return await MachineClients.SignedInAsync(fixture.Server, "designer", roles, []);
    }

    private static async Task OpenGroupAsync(IPage page, string groupId)
    {
        var group = page.Locator($".designer-properties [data-group-id='group-{groupId}']");
        await Expect(group).ToBeVisibleAsync();
        if (await group.Locator(".bio-properties-panel-group-entries.open").CountAsync() == 0)
            await group.Locator(".bio-properties-panel-group-header").ClickAsync();
    }

    [BrowserFact]
    public async Task Analyst_SetsAFrist_SeesTheChecks_EditsAForm_WritesAScenario_Deploys_AndPicksAnActivityTemplate()
    {
        var api = await ClientAsync("analyst");
        var before = JsonNode.Parse(await api.GetStringAsync($"api/processes/{ProcessId}"))!["latestVersion"]!.GetValue<int>();
        var page = await Analysts.SignedInAsync(fixture, $"/designer/{ProcessId}");

        // The Frist in the egov properties panel; a period in hours is flagged at once by our lint plug-in, then by the server.
        var shape = page.Locator($".designer-canvas [data-element-id={TaskId}]").First;
        await Expect(shape).ToBeVisibleAsync();
        await shape.ClickAsync();
        await OpenGroupAsync(page, "egov-frist");
        var frist = page.Locator(".designer-properties #bio-properties-panel-egov-frist");
        await frist.FillAsync("PT5H");
        await Expect(page.Locator($".djs-overlay-linting li[data-rule='egov/frist-period']")).Not.ToHaveCountAsync(0);
        await Expect(page.Locator(".djs-overlay-linting li[data-rule='egov/server-errors']")).Not.ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await frist.FillAsync("P14D");
        await Expect(page.Locator(".djs-overlay-linting li[data-rule='egov/frist-period']")).ToHaveCountAsync(0);
        await Expect(page.Locator(".djs-overlay-linting li[data-rule='egov/server-errors']")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await page.Locator(".designer-properties select#bio-properties-panel-egov-fristArt").SelectOptionAsync("Beginn");
        await Expect(page.Locator(".designer-source")).Not.ToContainTextAsync("Ungespeicherte Änderungen", new() { Timeout = 30_000 });

        // The user task's form in the form-js editor: the label changed through the JSON field, kept with the draft.
        var formRow = page.Locator(".designer-forms tr[data-form='urlaub-genehmigung.form']");
        await Expect(formRow).ToContainTextAsync(TaskId);
        await formRow.GetByRole(AriaRole.Button, new() { Name = "Formular urlaub-genehmigung.form bearbeiten" }).ClickAsync();
        await Expect(page.Locator(".designer-forms .fjs-editor-container")).ToBeVisibleAsync();
        var json = page.GetByLabel("Formular als JSON");
        await Expect(json).ToHaveValueAsync(new Regex("\"components\""));
        var form = JsonNode.Parse(await json.InputValueAsync())!;
        var labelled = form["components"]!.AsArray().First(c => c!["label"] is not null)!;
        labelled["label"] = "Entscheidung der Vorgesetzten (geändert)";
        await json.FillAsync(form.ToJsonString());
        await json.PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Formular übernehmen" }).ClickAsync();
        await Expect(formRow).ToContainTextAsync("im Entwurf geändert");

        // A scenario written in the editor, run alone against the draft, kept with it.
        var scenario = (await File.ReadAllTextAsync(Path.Combine(Repository.ProcessesDirectory, "urlaubsantrag", "scenarios", "01-genehmigung.scenario.yaml")))
            .Replace("name: \"Genehmigung:", "name: \"Entwurf – Genehmigung:", StringComparison.Ordinal);
        await page.GetByLabel("Dateiname").FillAsync("entwurf.scenario.yaml");
        await page.GetByLabel("Szenario (YAML)").FillAsync(scenario);
        await page.GetByRole(AriaRole.Button, new() { Name = "Dieses Szenario ausführen" }).ClickAsync();
        await Expect(page.Locator(".designer-scenarios [role=status]")).ToContainTextAsync("1 bestanden, 0 fehlgeschlagen", new() { Timeout = 120_000 });
        await Expect(page.Locator(".designer-scenarios tbody tr")).ToContainTextAsync("Entwurf");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mit dem Entwurf speichern" }).ClickAsync();
        await Expect(page.Locator(".scenario-list")).ToContainTextAsync("entwurf.scenario.yaml");
        await page.ShouldHaveNoSeriousViolationsAsync($"/designer/{ProcessId} (Formular-Editor, Szenario-Editor, Prüfhinweise)");
        await Screenshots.TakeAsync(page, "designer-bearbeiten");

        // Recording switches the token simulation on (modelling paused) and back off; the (empty) run becomes a scenario skeleton.
        var record = page.GetByRole(AriaRole.Button, new() { Name = "Aus der Token-Simulation aufzeichnen" });
        await record.ClickAsync();
        var stop = page.GetByRole(AriaRole.Button, new() { Name = "Aufzeichnung übernehmen" });
        await Expect(stop).ToHaveAttributeAsync("aria-pressed", "true");
        await stop.ClickAsync();
        await Expect(page.GetByLabel("Szenario (YAML)")).ToHaveValueAsync(new Regex("completed: \\[\\]"));
        await Expect(record).ToHaveAttributeAsync("aria-pressed", "false");

        // Nothing is lost on a reload: the draft brings its Frist, its form and its scenario back.
        await page.ReloadAsync();
        await Expect(page.Locator(".scenario-list")).ToContainTextAsync("entwurf.scenario.yaml");
        await Expect(page.Locator(".designer-forms tr[data-form='urlaub-genehmigung.form']")).ToContainTextAsync("im Entwurf geändert");

        // Deploy: version n+1 carries the Frist and the edited form.
        await page.GetByRole(AriaRole.Button, new() { Name = "Bereitstellen", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Änderungsnotiz").FillAsync("Frist für die Genehmigung, Formular klarer beschriftet");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Bereitstellen", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync($"Version {before + 1} wurde bereitgestellt");
        var xml = await api.GetStringAsync($"api/process-definitions/{ProcessId}/versions/{before + 1}/xml");
        xml.ShouldContain("egov:frist=\"P14D\"");
        xml.ShouldContain("egov:fristArt=\"Beginn\"");
        var forms = JsonNode.Parse(await api.GetStringAsync($"api/designer/{ProcessId}/versions/{before + 1}/forms"))!;
        forms["forms"]!["urlaub-genehmigung.form"]!["components"]!.AsArray().Select(c => c!["label"]?.GetValue<string>())
            .ShouldContain("Entscheidung der Vorgesetzten (geändert)");

        // An activity from the element templates the server generated from the SDK declarations.
        var service = page.Locator(".designer-canvas [data-element-id=Task_Urlaub_Buchen]").First;
        await service.ClickAsync();
        await page.Locator(".designer-properties .bio-properties-panel-select-template-button").ClickAsync();
        var chooser = page.GetByRole(AriaRole.Dialog);
        await chooser.GetByLabel(new Regex("^E-Mail an Bürgerin")).CheckAsync();
        await chooser.GetByRole(AriaRole.Button, new() { Name = "Anwenden" }).ClickAsync();
        await OpenGroupAsync(page, "egov");
        await Expect(page.Locator(".designer-properties select#bio-properties-panel-egov-activity")).ToHaveValueAsync("notify-email");
        await Expect(page.Locator(".designer-properties")).ToContainTextAsync("Eingaben");
        await page.ShouldHaveNoSeriousViolationsAsync($"/designer/{ProcessId} (Vorlage angewendet)");
    }

    [BrowserFact]
    public async Task ACorpusFileWithVendorExtensions_UploadedSavedAndDownloaded_LosesNothing()
    {
        var corpus = Path.Combine(Repository.Root, "..", "shared", "corpora", "bpmn-miwg", "vendor-exports", "sap-signavio-19.9.0", "A.2.0-export.bpmn");
        if (!File.Exists(corpus)) corpus = Path.Combine(Repository.Root, "..", "..", "shared", "corpora", "bpmn-miwg", "vendor-exports", "sap-signavio-19.9.0", "A.2.0-export.bpmn");
        File.Exists(corpus).ShouldBeTrue($"the MIWG corpus is beside the repository: {corpus}");
        var original = XDocument.Parse(await File.ReadAllTextAsync(corpus));
        XNamespace bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
        var processId = original.Descendants(bpmn + "process").Single().Attribute("id")!.Value;

        // The designer opens a process that is deployed: a stand-in version with the corpus process's id.
        var api = await ClientAsync("analyst");
        var standIn = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="D" targetNamespace="https://egov-workflows.example/tests">
              <bpmn:process id="{processId}" name="MIWG A.2.0" isExecutable="true"><bpmn:startEvent id="S" /></bpmn:process>
              <bpmndi:BPMNDiagram id="Diagramm"><bpmndi:BPMNPlane id="Ebene" bpmnElement="{processId}">
                <bpmndi:BPMNShape id="S_di" bpmnElement="S"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
              </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
            </bpmn:definitions>
            """;
        using (var content = new StringContent(standIn, Encoding.UTF8, "application/xml"))
        using (var deployed = await api.PostAsync("api/deployments?name=miwg-a2.bpmn", content))
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());

        var page = await Analysts.SignedInAsync(fixture, $"/designer/{processId}");
        await Expect(page.Locator(".designer-source")).ToContainTextAsync("Version 1");
        await page.Locator("#designer-datei").SetInputFilesAsync(corpus);
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("A.2.0-export.bpmn wurde geöffnet");
        await page.GetByRole(AriaRole.Button, new() { Name = "Entwurf speichern", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Entwurf gespeichert");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = ".bpmn herunterladen" }).ClickAsync());
        var written = XDocument.Parse(await File.ReadAllTextAsync((await download.PathAsync())!));

        // Every element and attribute outside BPMN's own namespaces (Signavio's metadata, i18n) is there again with its values,
        // and so is every id, every diagram shape and edge, and the exporter the file names.
        static IEnumerable<string> Vendor(XDocument d) =>
            d.Descendants().SelectMany(e =>
                (e.Name.NamespaceName.StartsWith("http://www.omg.org/spec/", StringComparison.Ordinal) ? [] : new[] { $"{e.Name}|{string.Join(",", e.Attributes().Select(a => $"{a.Name}={a.Value}").Order(StringComparer.Ordinal))}" })
                .Concat(e.Attributes().Where(a => !a.IsNamespaceDeclaration && a.Name.NamespaceName.Length > 0 && !a.Name.NamespaceName.StartsWith("http://www.omg.org/spec/", StringComparison.Ordinal)
                    && a.Name.NamespaceName != "http://www.w3.org/2001/XMLSchema-instance").Select(a => $"@{e.Attribute("id")?.Value}:{a.Name}={a.Value}")))
            .Order(StringComparer.Ordinal);
        var vendor = Vendor(original).ToList();
        vendor.Count.ShouldBeGreaterThan(10);
        Vendor(written).ToList().ShouldBe(vendor);
        static List<string> Ids(XDocument d) => d.Descendants().Select(e => e.Attribute("id")?.Value).OfType<string>().Order(StringComparer.Ordinal).ToList();
        Ids(written).ShouldBe(Ids(original));
        XNamespace di = "http://www.omg.org/spec/BPMN/20100524/DI";
        written.Descendants(di + "BPMNShape").Count().ShouldBe(original.Descendants(di + "BPMNShape").Count());
        written.Descendants(di + "BPMNEdge").Count().ShouldBe(original.Descendants(di + "BPMNEdge").Count());
        written.Root!.Attribute("exporter")?.Value.ShouldBe(original.Root!.Attribute("exporter")?.Value);
    }
}

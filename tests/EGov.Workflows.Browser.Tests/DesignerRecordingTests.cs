using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// A scenario recorded from the token simulation on the REAL server (issue 11 item 4): the path the tokens take
/// (DesignerRecordingTests.bpmn: a check, the gateway's "ja" branch, the notice, the end) becomes a runnable scenario — the
/// user tasks completed, the variable the chosen condition needs, the branch not taken expected not completed — which then
/// passes when run against the draft; deployed, it stays with version n+1, the process lists it, and the version's service
/// folder downloads with model and scenario.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DesignerRecordingTests
{
    private const string ProcessId = "Process_Aufzeichnung";
    private readonly BrowserFixture fixture;

    public DesignerRecordingTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    [BrowserFact]
    public async Task TheTokenSimulationsPath_BecomesARunnableScenario_DeployedWithTheVersion_AndDownloadedWithItsFolder()
    {
        using var api = await MachineClients.SignedInAsync(fixture.Server, "aufzeichnung", ["analyst"], ["*"]);
        int before;
        using (var content = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "DesignerRecordingTests.bpmn"))))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            using var deployed = await api.PostAsync("api/deployments?name=aufzeichnung.bpmn", content);
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
            before = JsonNode.Parse(await api.GetStringAsync($"api/processes/{ProcessId}"))!["latestVersion"]!.GetValue<int>();
        }
        var page = await Analysts.SignedInAsync(fixture, $"/designer/{ProcessId}");
        await Expect(page.Locator(".designer-canvas [data-element-id=Start]").First).ToBeVisibleAsync();

        // Record: the simulation starts at the start event's play button; the gateway's first branch ("ja") is preselected.
        await page.GetByRole(AriaRole.Button, new() { Name = "Aus der Token-Simulation aufzeichnen" }).ClickAsync();
        var play = page.Locator(".djs-overlays[data-container-id=Start] .bts-context-pad").First;
        await play.ClickAsync();
        await Expect(page.Locator("#aufzeichnung-stand")).ToContainTextAsync("Ende_Genehmigt", new() { Timeout = 60_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Aufzeichnung übernehmen" }).ClickAsync();

        var yaml = page.GetByLabel("Szenario (YAML)");
        var text = await yaml.InputValueAsync();
        text.ShouldContain("- complete: Antrag_Pruefen\n    variables: {\"genehmigt\":true}", Case.Sensitive, text);
        text.ShouldContain("# Gateway_Genehmigt → Flow_Ja (${genehmigt == true})", Case.Sensitive, text);
        text.ShouldContain("- complete: Bescheid_Schreiben", Case.Sensitive, text);
        text.ShouldContain("state: completed", Case.Sensitive, text);
        text.ShouldContain("completed: [Start, Antrag_Pruefen, Gateway_Genehmigt, Bescheid_Schreiben, Ende_Genehmigt]", Case.Sensitive, text);
        text.ShouldContain("notCompleted: [Ende_Abgelehnt]", Case.Sensitive, text);
        await Expect(page.GetByLabel("Dateiname")).ToHaveValueAsync("aufzeichnung.scenario.yaml");

        // The recorded path runs, as it is, against the draft on the server.
        await page.GetByRole(AriaRole.Button, new() { Name = "Dieses Szenario ausführen" }).ClickAsync();
        await Expect(page.Locator(".designer-scenarios [role=status]")).ToContainTextAsync("1 bestanden, 0 fehlgeschlagen", new() { Timeout = 120_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Mit dem Entwurf speichern" }).ClickAsync();
        await Expect(page.Locator(".scenario-list")).ToContainTextAsync("aufzeichnung.scenario.yaml");
        await page.ShouldHaveNoSeriousViolationsAsync($"/designer/{ProcessId} (Aufzeichnung übernommen)");

        // Deployed with a change: the scenario stays with version n+1, the process lists it, the folder downloads.
        // The text view renames as the canvas does (the name field of the element's row).
        var rename = page.Locator("#name-Bescheid_Schreiben");
        await rename.FillAsync("Bescheid erstellen");
        await rename.PressAsync("Tab");
        await Expect(page.Locator(".designer-source")).Not.ToContainTextAsync("Ungespeicherte Änderungen", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Bereitstellen", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Änderungsnotiz").FillAsync("Bescheid umbenannt, Weg aufgezeichnet");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Bereitstellen", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync($"Version {before + 1} wurde bereitgestellt");
        var process = JsonNode.Parse(await api.GetStringAsync($"api/processes/{ProcessId}"))!;
        process["versions"]!.AsArray().Single(v => v!["version"]!.GetValue<int>() == before + 1)!["scenarios"]!.AsArray()
            .Select(x => x!.GetValue<string>()).ShouldBe(["aufzeichnung.scenario.yaml"]);
        await Expect(page.Locator(".scenario-list")).ToContainTextAsync("aufzeichnung.scenario.yaml");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = $"Dienstordner von Version {before + 1} herunterladen (ZIP)" }).ClickAsync());
        using var zip = System.IO.Compression.ZipFile.OpenRead((await download.PathAsync())!);
        zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ShouldBe(["aufzeichnung/aufzeichnung.bpmn", "aufzeichnung/scenarios/aufzeichnung.scenario.yaml"]);
    }
}

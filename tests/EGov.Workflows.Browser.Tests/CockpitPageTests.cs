using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Identity.Clients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The operators' cockpit against the REAL server (issue 11, Done-when): a case stops with an incident (its script needs a
/// variable nobody set); an operator signs in through the sign-in form, finds the case in /betrieb by "with incident" and
/// its Aktenzeichen, opens it, sets the missing variable with a reason, presses "Erneut versuchen", and the case moves on
/// to its user task; then version 2 is deployed and the operator migrates the case from its page: the dry run refuses the
/// unmapped task, the mapping to the renamed task passes it, the migration runs in the background with its progress, and
/// the API reports the case on version 2 at the new task. axe-core runs on both pages.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CockpitPageTests
{
    private const string Password = "ein-langes-Passwort-1";
    private readonly BrowserFixture fixture;

    public CockpitPageTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    private T Service<T>() where T : notnull => fixture.Server.App.Services.GetRequiredService<T>();

    private static string Model(string processId, string taskId, string taskName) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
            xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="D_{processId}" targetNamespace="https://egov-workflows.example/tests">
          <bpmn:process id="{processId}" name="Betriebstest" isExecutable="true">
            <bpmn:startEvent id="Start" name="Antrag da"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
            <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Rechnen" />
            <bpmn:scriptTask id="Rechnen" name="Gebühr rechnen" scriptFormat="javascript"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:script>execution.setVariable('gebuehr', betrag * 2);</bpmn:script></bpmn:scriptTask>
            <bpmn:sequenceFlow id="f2" sourceRef="Rechnen" targetRef="{taskId}" />
            <bpmn:userTask id="{taskId}" name="{taskName}"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>
            <bpmn:sequenceFlow id="f3" sourceRef="{taskId}" targetRef="Ende" />
            <bpmn:endEvent id="Ende"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
          </bpmn:process>
          <bpmndi:BPMNDiagram id="Dia"><bpmndi:BPMNPlane id="Plane" bpmnElement="{processId}">
            <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
            <bpmndi:BPMNShape id="Rechnen_di" bpmnElement="Rechnen"><dc:Bounds x="190" y="78" width="100" height="80" /></bpmndi:BPMNShape>
            <bpmndi:BPMNShape id="{taskId}_di" bpmnElement="{taskId}"><dc:Bounds x="340" y="78" width="100" height="80" /></bpmndi:BPMNShape>
            <bpmndi:BPMNShape id="Ende_di" bpmnElement="Ende"><dc:Bounds x="490" y="100" width="36" height="36" /></bpmndi:BPMNShape>
            <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="136" y="118" /><di:waypoint x="190" y="118" /></bpmndi:BPMNEdge>
            <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="290" y="118" /><di:waypoint x="340" y="118" /></bpmndi:BPMNEdge>
            <bpmndi:BPMNEdge id="f3_di" bpmnElement="f3"><di:waypoint x="440" y="118" /><di:waypoint x="490" y="118" /></bpmndi:BPMNEdge>
          </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
        </bpmn:definitions>
        """;

    private async Task<HttpClient> MachineAsync(string[] roles)
    {
        return await MachineClients.SignedInAsync(fixture.Server, "cockpit", roles, ["*"]);
    }

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, $"{response.RequestMessage?.RequestUri}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task DeployAsync(HttpClient http, string xml, string file)
    {
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(xml, Encoding.UTF8, "application/xml"), "file", file);
        await JsonAsync(await http.PostAsync("api/deployments", content), 201);
    }

    private async Task<IPage> SignInAsync(string[] roles, string returnTo)
    {
        var name = $"op{Guid.NewGuid():N}"[..12];
        await Service<AccountStore>().CreateAsync(new NewAccount(name, "Betrieb " + name, roles, [], []), Password);
        var page = await fixture.NewPageAsync();
        page.Context.SetDefaultTimeout(30_000);
        page.Context.SetDefaultNavigationTimeout(60_000);
        await page.GotoAsync(returnTo);
        await Expect(page).ToHaveURLAsync(new Regex("/anmelden\\?ReturnUrl="));
        await page.GetByLabel("Benutzername", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickAsync();
        return page;
    }

    [BrowserFact]
    public async Task Operator_FindsTheCaseWithAnIncident_SetsTheVariableWithAReason_Retries_AndMigratesItToVersion2()
    {
        var processId = $"Betrieb_{Guid.NewGuid():N}"[..16];
        var machine = await MachineAsync(["analyst", "clerk", "operator"]);
        await DeployAsync(machine, Model(processId, "Pruefen", "Antrag prüfen"), $"{processId}.bpmn");
        var key = $"BT-{Guid.NewGuid():N}"[..12];
        var start = await JsonAsync(await machine.PostAsJsonAsync($"api/process-definitions/{processId}/start", new { businessKey = key }), 201);
        var instance = start["id"]!.GetValue<string>();
        (await JsonAsync(await machine.GetAsync($"api/process-instances/{instance}"), 200))["state"]!.GetValue<string>().ShouldBe("incident");

        // The list: filtered by incident and Aktenzeichen, the filter kept in the address.
        var page = await SignInAsync(["operator"], "/betrieb");
        await Expect(page).ToHaveURLAsync(new Regex("/betrieb$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Betrieb");
        await page.GetByLabel("Nur Vorgänge mit offener Störung").CheckAsync();
        await page.GetByLabel("Aktenzeichen", new() { Exact = true }).FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filtern", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"businessKey={key}"));
        var row = page.Locator("tbody tr").Filter(new() { HasText = key });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("Störung");
        await page.ShouldHaveNoSeriousViolationsAsync("/betrieb");

        // The case's page: the incident with its message and details, the diagram with the token.
        await row.GetByRole(AriaRole.Link, new() { Name = key }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/betrieb/{instance}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Vorgang {key}");
        var incident = page.Locator("article.incident");
        await Expect(incident).ToContainTextAsync("Rechnen");
        await Expect(page.Locator(".token-count")).ToHaveCountAsync(1);
        await Expect(page.Locator("#betrieb-diagramm .djs-container svg")).ToBeVisibleAsync();
        await page.ShouldHaveNoSeriousViolationsAsync("/betrieb/{id} with an incident");

        // The missing variable, with a reason (recorded), then "Erneut versuchen".
        await page.GetByRole(AriaRole.Button, new() { Name = "Variable hinzufügen", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("betrag");
        await dialog.GetByLabel("Wert", new() { Exact = false }).FillAsync("21");
        await dialog.GetByLabel("Begründung").FillAsync("Betrag laut Antrag nachgetragen");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Speichern", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Die Variable betrag wurde geändert.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Störung an Rechnen erneut versuchen" }).ClickAsync();
        await Expect(page.Locator("article.incident")).ToHaveCountAsync(0);
        await Expect(page.GetByText("Keine offenen Störungen.")).ToBeVisibleAsync();
        var after = await JsonAsync(await machine.GetAsync($"api/process-instances/{instance}"), 200);
        after["state"]!.GetValue<string>().ShouldBe("running");
        after["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Pruefen"]);
        after["variables"]!["gebuehr"]!.GetValue<int>().ShouldBe(42);
        var journal = page.Locator("table").Filter(new() { HasText = "Erneut versucht" });
        await Expect(journal).ToContainTextAsync("Betrag laut Antrag nachgetragen");

        // Version 2 renames the task; the operator migrates the case from its page.
        await DeployAsync(machine, Model(processId, "Vorpruefen", "Antrag vorprüfen"), $"{processId}.bpmn");
        await page.ReloadAsync();
        await page.GetByLabel("Zielversion").SelectOptionAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Probelauf", Exact = true }).ClickAsync();
        await Expect(page.Locator(".migration-errors")).ToContainTextAsync("'Pruefen'");
        var startMigration = page.GetByRole(AriaRole.Button, new() { Name = "Migration starten", Exact = true });
        await Expect(startMigration).ToBeDisabledAsync();
        (await JsonAsync(await machine.GetAsync($"api/process-instances/{instance}"), 200))["version"]!.GetValue<int>().ShouldBe(1); // the dry run changed nothing
        await page.GetByLabel("Ziel für Pruefen").SelectOptionAsync("Vorpruefen");
        await page.GetByRole(AriaRole.Button, new() { Name = "Probelauf", Exact = true }).ClickAsync();
        await Expect(page.Locator(".migration-ok")).ToContainTextAsync("1 Vorgänge können migriert werden");
        await page.ShouldHaveNoSeriousViolationsAsync("/betrieb/{id} migration dry run");
        await startMigration.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Migration beendet: 1 migriert");
        var migrated = await JsonAsync(await machine.GetAsync($"api/process-instances/{instance}"), 200);
        migrated["version"]!.GetValue<int>().ShouldBe(2);
        migrated["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Vorpruefen"]);
        await Expect(page.Locator(".case-facts")).ToContainTextAsync("2");
        await page.ShouldHaveNoSeriousViolationsAsync("/betrieb/{id} after the migration");
    }

    [BrowserFact]
    public async Task AClerk_SeesNoCockpitEntry_AndTheApiRefusesTheCockpitsData()
    {
        var page = await SignInAsync(["clerk"], "/betrieb");
        await Expect(page).ToHaveURLAsync(new Regex("/betrieb$"));
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Berechtigung");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Hauptnavigation" }).GetByRole(AriaRole.Link, new() { Name = "Betrieb" })).ToHaveCountAsync(0);
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(0);
    }
}

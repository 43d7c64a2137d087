using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Identity.Clients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The analyst's way through the designer on the REAL server (issue 11): sign in, find the Urlaubsantrag in the process
/// catalogue (/prozesse), open it in the designer, rename a user task in the properties panel (the text view follows),
/// run its scenarios against the draft, deploy with a change note — and the API reports version n+1 with the new name,
/// the note and the analyst as author. axe-core runs on both pages.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DesignerPageTests
{
    private const string Password = "ein-langes-Passwort-1";
    private const string ProcessId = "Process_Urlaubsantrag";
    private const string TaskId = "Task_Vorgesetzte_Genehmigen";
    private readonly BrowserFixture fixture;

    public DesignerPageTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    private T Service<T>() where T : notnull => fixture.Server.App.Services.GetRequiredService<T>();

    private async Task<HttpClient> AuditorAsync()
    {
        return await MachineClients.SignedInAsync(fixture.Server, "designer", ["auditor"], []);
    }

    [BrowserFact]
    public async Task Analyst_RenamesATaskInThePropertiesPanel_RunsTheScenarios_Deploys_AndTheApiReportsVersionNPlus1WithTheChange()
    {
        var api = await AuditorAsync();
        var before = JsonNode.Parse(await api.GetStringAsync($"api/processes/{ProcessId}"))!["latestVersion"]!.GetValue<int>();
        var analyst = $"ana{Guid.NewGuid():N}"[..12];
        await Service<AccountStore>().CreateAsync(new NewAccount(analyst, "Analyse " + analyst, ["analyst"], [], []), Password);

        var page = await fixture.NewPageAsync();
        page.Context.SetDefaultTimeout(30_000);
        page.Context.SetDefaultNavigationTimeout(60_000);
        await page.GotoAsync("/prozesse");
        await Expect(page).ToHaveURLAsync(new Regex("/anmelden\\?ReturnUrl="));
        await page.GetByLabel("Benutzername", new() { Exact = true }).FillAsync(analyst);
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/prozesse$"));

        // The catalogue: the process with its version and a link into the designer.
        var row = page.Locator($"tr[data-process-id={ProcessId}]");
        await Expect(row).ToContainTextAsync("Urlaubsantrag");
        await Expect(row.Locator("td").First).ToHaveTextAsync(before.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ShouldHaveNoSeriousViolationsAsync("/prozesse");
        await Screenshots.TakeAsync(page, "prozesse");
        await row.GetByRole(AriaRole.Link, new() { Name = "Urlaubsantrag im Designer öffnen" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/designer/{ProcessId}$"));

        // Select the task on the canvas and rename it in the properties panel.
        var shape = page.Locator($".designer-canvas [data-element-id={TaskId}]").First;
        await Expect(shape).ToBeVisibleAsync();
        await shape.ClickAsync();
        var name = page.Locator(".designer-properties #bio-properties-panel-name");
        await Expect(name).ToHaveValueAsync("Urlaub genehmigen");
        await page.Locator("[data-group-id='group-general'] .bio-properties-panel-group-header").ClickAsync(); // groups start closed
        await name.FillAsync("Urlaub durch Vorgesetzte genehmigen");
        // The text view edits the same model and follows.
        await Expect(page.Locator($"#name-{TaskId}")).ToHaveValueAsync("Urlaub durch Vorgesetzte genehmigen");
        await Expect(page.Locator(".designer-source")).Not.ToContainTextAsync("Ungespeicherte Änderungen", new() { Timeout = 30_000 });
        await page.ShouldHaveNoSeriousViolationsAsync($"/designer/{ProcessId}");

        // The scenarios run against the draft, one line each.
        await page.GetByRole(AriaRole.Button, new() { Name = "Szenarien ausführen" }).ClickAsync();
        await Expect(page.Locator(".designer-scenarios [role=status]")).ToContainTextAsync("0 fehlgeschlagen", new() { Timeout = 120_000 });
        (await page.Locator(".designer-scenarios tbody tr").CountAsync()).ShouldBeGreaterThan(5);

        // Deploy with a change note.
        await page.GetByRole(AriaRole.Button, new() { Name = "Bereitstellen", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Änderungsnotiz").FillAsync("Genehmigungsschritt klarer benannt");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Bereitstellen", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync($"Version {before + 1} wurde bereitgestellt");
        await Screenshots.TakeAsync(page, "designer");

        var process = JsonNode.Parse(await api.GetStringAsync($"api/processes/{ProcessId}"))!;
        process["latestVersion"]!.GetValue<int>().ShouldBe(before + 1);
        var latest = process["versions"]!.AsArray()[0]!;
        latest["changeNote"]!.GetValue<string>().ShouldBe("Genehmigungsschritt klarer benannt");
        latest["deployedBy"]!.GetValue<string>().ShouldBe(analyst);
        var xml = await api.GetStringAsync($"api/process-definitions/{ProcessId}/versions/{before + 1}/xml");
        xml.ShouldContain("name=\"Urlaub durch Vorgesetzte genehmigen\"");
        xml.ShouldContain("camunda:formKey=\"egov:forms/urlaub-genehmigung\""); // the Camunda attributes came through the designer
    }
}

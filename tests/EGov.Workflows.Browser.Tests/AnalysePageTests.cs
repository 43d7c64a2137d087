using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Host;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Identity.Clients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The analysis and the version comparison on a REAL server with a SQLite store (issue 11 items 5, 6): three
/// Urlaubsanträge are started (each runs the plausibility check, then waits for the Vertretung), version 2 renames the
/// approval task; the analyst sees "3×" on the plausibility check's heatmap badge and in the table, and the comparison
/// marks the renamed task as changed on both diagrams and lists it with old and new name. axe-core runs on both pages.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AnalysePageTests
{
    private const string Password = "ein-langes-Passwort-1";
    private const string ProcessId = "Process_Urlaubsantrag";
    private readonly BrowserFixture fixture;

    public AnalysePageTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    [BrowserFact]
    public async Task Analyst_SeesTheCountsOfASeededHistoryOnTheHeatmap_AndTheDiffShowsAChangedTask()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-analyse-browser", Guid.NewGuid().ToString("N"));
        var processes = Path.Combine(dir, "processes");
        CopyDirectory(Path.Combine(Repository.ProcessesDirectory, "urlaubsantrag"), Path.Combine(processes, "urlaubsantrag"));
        await using var server = await EGovServer.StartAsync(new ServeOptions
        {
            Urls = "http://127.0.0.1:0", Store = $"sqlite:{Path.Combine(dir, "data", "egov.db")}", ProcessesDirectory = processes,
            WebDirectory = Repository.WebDirectory, JobPollInterval = TimeSpan.FromMilliseconds(200),
        });
        var api = await ClientAsync(server);
        for (var i = 0; i < 3; i++)
        {
            using var started = await api.PostAsync($"api/process-definitions/{ProcessId}/start", Json($$"""
                {"variables": {"antrag": {"von": "2026-12-01", "bis": "2026-12-05", "tage": 5}, "mitarbeiter": "erika", "vorgesetzter": "max", "vertretung": "jan"}, "businessKey": "U-{{i}}"}
                """));
            ((int)started.StatusCode).ShouldBe(201, await started.Content.ReadAsStringAsync());
        }
        var xml = await File.ReadAllTextAsync(Path.Combine(processes, "urlaubsantrag", "urlaubsantrag.bpmn"));
        var renamed = xml.Replace("name=\"Urlaub genehmigen\"", "name=\"Urlaub genehmigen (neu)\"", StringComparison.Ordinal);
        renamed.ShouldNotBe(xml);
        using (var content = new StringContent(renamed, Encoding.UTF8, "application/xml"))
        using (var deployed = await api.PostAsync("api/deployments?name=urlaubsantrag.bpmn", content))
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());

        var analyst = $"ana{Guid.NewGuid():N}"[..12];
        await server.App.Services.GetRequiredService<AccountStore>().CreateAsync(new NewAccount(analyst, "Analyse " + analyst, ["analyst"], [], []), Password);
        var page = await fixture.NewPageAsync();
        page.Context.SetDefaultTimeout(30_000);
        page.Context.SetDefaultNavigationTimeout(60_000);
        await page.GotoAsync(new Uri(server.BaseAddress, $"analyse/{ProcessId}?version=1").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/anmelden\\?ReturnUrl="));
        await page.GetByLabel("Benutzername", new() { Exact = true }).FillAsync(analyst);
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/analyse/{ProcessId}\\?"));

        // The heatmap: the plausibility check ran three times; the table says the same.
        await Expect(page.Locator(".analyse-badge[data-element-id=Task_Antrag_Pruefen]")).ToContainTextAsync("3×");
        await Expect(page.Locator("tr[data-element-id=Task_Antrag_Pruefen] td").Nth(1)).ToHaveTextAsync("3");
        await Expect(page.Locator("[data-figure=started] dd")).ToHaveTextAsync("3");
        await Expect(page.Locator(".djs-element[data-element-id=Task_Antrag_Pruefen]")).ToHaveClassAsync(new Regex("heat-[1-5]"));
        await page.ShouldHaveNoSeriousViolationsAsync("/analyse");
        await Screenshots.TakeAsync(page, "analyse");

        // The comparison: version 2 renamed the approval task.
        await page.GetByRole(AriaRole.Link, new() { Name = "Versionen vergleichen" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/analyse/{ProcessId}/vergleich"));
        var changed = page.Locator("tr[data-diff=changed][data-element-id=Task_Vorgesetzte_Genehmigen]");
        await Expect(changed).ToContainTextAsync("Urlaub genehmigen (neu)");
        await Expect(changed).ToContainTextAsync("„Urlaub genehmigen“");
        await Expect(page.Locator("#vergleich-b-diagramm .djs-element[data-element-id=Task_Vorgesetzte_Genehmigen]")).ToHaveClassAsync(new Regex("diff-changed"));
        await Expect(page.Locator("#vergleich-a-diagramm .djs-element[data-element-id=Task_Vorgesetzte_Genehmigen]")).ToHaveClassAsync(new Regex("diff-changed"));
        await Expect(page.Locator("table.analyse-compare").First).ToContainTextAsync("Gestartet");
        await page.ShouldHaveNoSeriousViolationsAsync("/analyse/vergleich");
        await Screenshots.TakeAsync(page, "vergleich");
        await page.Context.CloseAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<HttpClient> ClientAsync(RunningServer server)
    {
        return await MachineClients.SignedInAsync(server, "analyse", ["clerk", "analyst"], []);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
    }
}

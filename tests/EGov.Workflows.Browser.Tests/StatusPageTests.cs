using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Host.Citizens.Status;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Identity.Clients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The status like a parcel in headless Chromium on the real server: <c>/status/&lt;Aktenzeichen&gt;</c> with a wrong and
/// the right access code (the same "nicht gefunden" for a wrong one; milestones, current step, nothing internal), and a
/// Rückfrage: a clerk asks it on the task page, the citizen answers on the status page with a file, and the case moves on.
/// axe-core on every page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StatusPageTests
{
    private const string ProcessId = "Process_Browser_Status";
    private const string Password = "Status-Test-Passwort-1";
    private readonly BrowserFixture fixture;

    public StatusPageTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    private T Service<T>() where T : notnull => fixture.Server.App.Services.GetRequiredService<T>();

    private Host.Tenancy.TenantEngine Tenant => fixture.Server.Engines.Get("default");

    /// <summary>
    /// Deploys the model (once per server; <paramref name="processId"/> other than the model's own: a copy under that id, so
    /// a test's finished cases do not change another test's estimate) and records a citizen case as the start does, with its access code.
    /// </summary>
    private async Task<(string Id, string Aktenzeichen, string Code)> CitizenCaseAsync(string processId = ProcessId)
    {
        if (Tenant.Catalog.Latest(processId) is null)
        {
            using var http = await MachineClients.SignedInAsync(fixture.Server, "status", ["analyst"], ["*"]);
            var xml = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "StatusPageTests.bpmn"))).Replace(ProcessId, processId, StringComparison.Ordinal);
            using var content = new StringContent(xml, System.Text.Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            using var deployed = await http.PostAsync($"api/deployments?name={processId}.bpmn", content);
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        }
        const string owner = "buerger:browser-status-test";
        var id = Guid.NewGuid().ToString("N");
        var az = $"B-2026-{Guid.NewGuid():N}"[..11].ToUpperInvariant() + "-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();
        await Service<CitizenCaseStore>().AddAsync("default", owner, id, processId, az);
        Tenant.Engine.StartProcessAs(id, processId, new JsonObject { ["buerger"] = new JsonObject { ["id"] = owner } }, az, owner);
        return (id, az, await Service<CitizenAccessCodes>().IssueAsync("default", id, az));
    }

    [BrowserFact]
    public async Task StatusPage_ShowsTheExpectedDate_OnceEnoughCasesOfTheVersionFinished()
    {
        const string process = "Process_Browser_Schaetzung";
        var (_, az, code) = await CitizenCaseAsync(process);
        var page = await fixture.NewPageAsync();
        await OpenWithCodeAsync(page, az, code);
        await Expect(page.Locator("#voraussichtlich")).ToHaveTextAsync("noch keine Schätzung");

        // Five cases of the version run to their end (within moments: the median remaining time is about zero).
        for (var i = 0; i < CompletionEstimates.MinimumCases; i++)
        {
            var (done, _, _) = await CitizenCaseAsync(process);
            Tenant.Engine.CompleteUserTask(Tenant.Engine.OpenUserTasks(done).Single(t => t.ElementId == "Pruefen").Id, null, "clerk");
            Tenant.Engine.TriggerWaiting(done, "Nachreichen");
            Tenant.Engine.CompleteUserTask(Tenant.Engine.OpenUserTasks(done).Single(t => t.ElementId == "Bestaetigen").Id, null, "buerger:browser-status-test");
            Tenant.Engine.CompleteUserTask(Tenant.Engine.OpenUserTasks(done).Single(t => t.ElementId == "Entscheiden").Id, null, "clerk");
        }
        await page.ReloadAsync();
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        await Expect(page.Locator("#voraussichtlich")).ToHaveTextAsync(new Regex(
            $"^voraussichtlich am ({today:dd.MM.yyyy}|{today.AddDays(1):dd.MM.yyyy})$")); // around midnight the next day
        await page.ShouldHaveNoSeriousViolationsAsync("/status (expected date)");
    }

    private async Task OpenWithCodeAsync(IPage page, string az, string code)
    {
        await page.GotoAsync($"/status/{az}");
        await page.GetByLabel("Zugangscode").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Stand anzeigen" }).ClickAsync();
    }

    [BrowserFact]
    public async Task StatusPage_WithAWrongCode_SaysNotFound_WithTheRightCode_ShowsMilestonesAndCurrentStep()
    {
        var (_, az, code) = await CitizenCaseAsync();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/status/{az}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Stand Ihres Antrags");
        await page.ShouldHaveNoSeriousViolationsAsync("/status (code form)");

        await OpenWithCodeAsync(page, az, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("keinen Antrag mit diesem Aktenzeichen und diesem Zugangscode");
        await page.ShouldHaveNoSeriousViolationsAsync("/status (not found)");

        await page.GetByLabel("Zugangscode").FillAsync(code.ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Stand anzeigen" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/status/{az}$"));
        await Expect(page.Locator("#aktuell")).ToHaveTextAsync("Antrag wird geprüft");
        await Expect(page.Locator("#voraussichtlich")).ToHaveTextAsync("noch keine Schätzung");
        await Expect(page.Locator("ol.meilensteine li")).ToHaveCountAsync(4);
        await Expect(page.Locator("ol.meilensteine li").First).ToContainTextAsync("Antrag eingegangen");
        var text = await page.Locator("main").InnerTextAsync();
        text.ShouldNotContain("Frau Intern");
        text.ShouldNotContain("Herr Meier");
        page.Url.ShouldNotContain(code);
        await page.ShouldHaveNoSeriousViolationsAsync("/status (case)");
    }

    [BrowserFact]
    public async Task Rueckfrage_AskedOnTheTaskPage_IsAnsweredOnTheStatusPageWithAFile_AndTheCaseMovesOn()
    {
        var (id, az, code) = await CitizenCaseAsync();
        Tenant.Engine.CompleteUserTask(Tenant.Engine.OpenUserTasks(id).Single(t => t.ElementId == "Pruefen").Id, null, "clerk");
        Tenant.Engine.TriggerWaiting(id, "Nachreichen");
        Tenant.Engine.CompleteUserTask(Tenant.Engine.OpenUserTasks(id).Single(t => t.ElementId == "Bestaetigen").Id, null, "buerger:browser-status-test");
        var taskId = Tenant.Engine.OpenUserTasks(id).Single(t => t.ElementId == "Entscheiden").Id;

        // The clerk asks on the task page.
        var clerkName = $"st{Guid.NewGuid():N}"[..12];
        await Service<AccountStore>().CreateAsync(new NewAccount(clerkName, "Sachbearbeitung " + clerkName, ["clerk"], ["sachbearbeitung"], []), Password);
        var clerk = await fixture.NewPageAsync();
        clerk.Context.SetDefaultTimeout(30_000);
        await clerk.GotoAsync($"/aufgaben/{taskId}");
        await clerk.GetByLabel("Benutzername", new() { Exact = true }).FillAsync(clerkName);
        await clerk.GetByLabel("Passwort", new() { Exact = true }).FillAsync(Password);
        await clerk.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickAsync();
        await Expect(clerk.GetByRole(AriaRole.Heading, new() { Name = "Rückfragen an die Antragstellerin oder den Antragsteller" })).ToBeVisibleAsync();
        await clerk.GetByRole(AriaRole.Button, new() { Name = "Rückfrage stellen" }).ClickAsync();
        await clerk.GetByLabel("Ihre Frage").FillAsync("Bitte senden Sie uns den Fahrzeugschein.");
        await clerk.GetByRole(AriaRole.Button, new() { Name = "Rückfrage senden" }).ClickAsync();
        await Expect(clerk.GetByRole(AriaRole.Status).Filter(new() { HasText = "Die Rückfrage wurde gestellt" })).ToBeVisibleAsync();
        await Expect(clerk.Locator(".task-rueckfragen")).ToContainTextAsync("Noch nicht beantwortet.");
        await clerk.ShouldHaveNoSeriousViolationsAsync("/aufgaben/{id} (Rückfrage)");

        // The citizen answers on the status page.
        var page = await fixture.NewPageAsync();
        await OpenWithCodeAsync(page, az, code);
        await Expect(page.Locator("#status")).ToHaveTextAsync("Rückfrage");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Was Sie tun müssen" })).ToBeVisibleAsync();
        await Expect(page.Locator("blockquote.frage")).ToHaveTextAsync("Bitte senden Sie uns den Fahrzeugschein.");
        (await page.Locator("main").InnerTextAsync()).ShouldNotContain(clerkName);
        await page.ShouldHaveNoSeriousViolationsAsync("/status (Rückfrage)");
        await page.GetByLabel("Ihre Antwort").FillAsync("Anbei der Fahrzeugschein.");
        await page.GetByLabel(new Regex("^Dateien hinzufügen")).SetInputFilesAsync(new FilePayload
        {
            Name = "fahrzeugschein.pdf", MimeType = "application/pdf", Buffer = "%PDF-1.4\n%%EOF\n"u8.ToArray(),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Absenden" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Ihre Angaben sind bei der Behörde eingegangen");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ihre Antworten auf Rückfragen" })).ToBeVisibleAsync();
        await page.ShouldHaveNoSeriousViolationsAsync("/status (answered)");

        // The answer reached the waiting case: the boundary event moved it on, with the answer and the file.
        Tenant.Engine.OpenUserTasks(id).Select(t => t.ElementId).ShouldBe(["AntwortSichten"]);
        var answer = Tenant.Engine.GetInstance(id).Variables["rueckfrage"]!;
        answer["antwort"]!.GetValue<string>().ShouldBe("Anbei der Fahrzeugschein.");
        answer["dokumente"]![0]!["name"]!.GetValue<string>().ShouldBe("fahrzeugschein.pdf");
    }
}

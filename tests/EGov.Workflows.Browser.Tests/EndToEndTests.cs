using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Identity.Clients;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The clerk's whole way against the REAL server (no fake API): the Anwohnerparkausweis from processes/ is started
/// through the API and paid by a worker, then a clerk of the group "sachbearbeitung-parken" signs in with the sign-in
/// form, sees the case in the Gruppenaufgaben, takes it over, sees the diagram with the current step, fills the form-js
/// form and completes it; the instance moves on (the next step is the permit's external task). A clerk of another
/// group signs in too and never sees the task. axe-core runs on every page visited.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EndToEndTests
{
    private const string Password = "ein-langes-Passwort-1";
    private const string ProcessId = "Process_Anwohnerparkausweis";
    private readonly BrowserFixture fixture;

    public EndToEndTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        // A loaded two-core machine: every expectation waits generously (auto-waiting, never a sleep).
        SetDefaultExpectTimeout(30_000);
    }

    private T Service<T>() where T : notnull => fixture.Server.App.Services.GetRequiredService<T>();

    /// <summary>A machine client of the default tenant with a bearer token from the server's token endpoint.</summary>
    private async Task<HttpClient> MachineAsync(string[] roles)
    {
        return await MachineClients.SignedInAsync(fixture.Server, "e2e", roles, ["*"]);
    }

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, $"{response.RequestMessage?.RequestUri}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>
    /// Starts an application as the online service would and pays its fee at the e-payment platform (the simulator, which
    /// notifies the server as a provider does); answers the instance id once the case waits for the clerk.
    /// </summary>
    private async Task<string> ApplicationPaidAsync(HttpClient service, string businessKey)
    {
        var before = fixture.Payment.Transactions.Select(t => t.Id).ToHashSet();
        using var start = await service.PostAsJsonAsync($"api/process-definitions/{ProcessId}/start", new
        {
            businessKey,
            variables = new
            {
                eidLevel = "substantiell", zone = "A", laufzeitJahre = 1,
                antragsteller = new { name = "Erika Mustermann", anschrift = new { strasse = "Rathausstraße 5", plz = "12345", ort = "Musterstadt" } },
                fahrzeug = new { kennzeichen = "MS-EM 1964", halter = "Erika Mustermann" },
            },
        });
        var instance = (await JsonAsync(start, 201))["id"]!.GetValue<string>();
        var payment = await Eventually(() => fixture.Payment.Transactions.SingleOrDefault(t => !before.Contains(t.Id)), "the payment request at the platform");
        await fixture.Payment.PayAsync(payment.Id);
        await Eventually(async () =>
        {
            var state = await JsonAsync(await service.GetAsync($"api/process-instances/{instance}"), 200);
            return state["waiting"]!.AsArray().Any(w => w!.GetValue<string>() == "Task_Sachbearbeitung_Pruefen") ? state : null;
        }, "the case waiting for the clerk after the payment");
        return instance;
    }

    private static Task<T> Eventually<T>(Func<T?> probe, string what) where T : class => Eventually(() => Task.FromResult(probe()), what);

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > until) throw new ShouldAssertException($"{what} did not happen within 60 s");
            await Task.Delay(200);
        }
    }

    /// <summary>A person with a local account signs in through the real sign-in form and lands on the Gruppenaufgaben.</summary>
    private async Task<(IPage Page, string Name)> SignInAsync(string groups)
    {
        var name = $"e2e{Guid.NewGuid():N}"[..14];
        await Service<AccountStore>().CreateAsync(new NewAccount(name, "Sachbearbeitung " + name, ["clerk"], [groups], []), Password);
        var page = await fixture.NewPageAsync();
        page.Context.SetDefaultTimeout(30_000);
        page.Context.SetDefaultNavigationTimeout(60_000);
        await page.GotoAsync("/aufgaben?view=group");
        await Expect(page).ToHaveURLAsync(new Regex("/anmelden\\?ReturnUrl="));
        await page.ShouldHaveNoSeriousViolationsAsync("/anmelden");
        await page.GetByLabel("Benutzername", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/aufgaben\\?view=group$"));
        return (page, name);
    }

    private static ILocator Row(IPage page, string businessKey) => page.Locator("tbody tr").Filter(new() { HasText = businessKey });

    [BrowserFact]
    public async Task Clerk_SignsIn_TakesOverTheGroupTask_CompletesItsForm_AndTheCaseMovesOn_AClerkOfAnotherGroupNeverSeesIt()
    {
        var service = await MachineAsync(["clerk", "worker", "operator"]);
        var key = $"VG-E2E-{Guid.NewGuid():N}"[..18];
        var instance = await ApplicationPaidAsync(service, key);
        var waiting = await JsonAsync(await service.GetAsync($"api/process-instances/{instance}"), 200);
        waiting["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldContain("Task_Sachbearbeitung_Pruefen");

        // A clerk of another group: the open task is not in her lists, and its page does not exist for her.
        var (other, _) = await SignInAsync($"kasse-{Guid.NewGuid():N}"[..14]);
        var views = other.GetByRole(AriaRole.Navigation, new() { Name = "Ansichten" });
        await Expect(views.GetByRole(AriaRole.Link, new() { Name = "Gruppenaufgaben 0" })).ToHaveAttributeAsync("aria-current", "page");
        await Expect(Row(other, key)).ToHaveCountAsync(0);
        await other.ShouldHaveNoSeriousViolationsAsync("/aufgaben (another group)");

        // The clerk of the task's group.
        var (page, clerk) = await SignInAsync("sachbearbeitung-parken");
        var row = Row(page, key);
        await Expect(row).ToContainTextAsync("niemand (frei)");
        await page.ShouldHaveNoSeriousViolationsAsync("/aufgaben?view=group");
        await row.GetByRole(AriaRole.Button, new() { Name = "Übernehmen", Exact = true }).ClickAsync();
        await Expect(row).ToContainTextAsync("Sie");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("liegt jetzt bei Ihnen");

        await row.GetByRole(AriaRole.Link, new() { Name = "Antrag prüfen und entscheiden" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/aufgaben/[^/?]+$"));
        var taskId = Uri.UnescapeDataString(new Uri(page.Url).AbsolutePath.Split('/').Last());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Antrag prüfen und entscheiden");
        await Expect(page.Locator("dl.facts").First).ToContainTextAsync(key);
        // The diagram comes from GET /api/process-definitions/{id}/versions/{v}/xml, the current step marked.
        await Expect(page.Locator(".diagram-canvas [data-element-id=Task_Sachbearbeitung_Pruefen].aktueller-schritt")).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("Prozessdiagramm") })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Begründung")).ToBeEditableAsync();
        // The case's history in German, naming who took the task over.
        var taken = page.Locator("section[aria-labelledby=verlauf-titel] tbody tr").Filter(new() { HasText = "Übernommen" });
        await Expect(taken).ToContainTextAsync(clerk);
        await page.ShouldHaveNoSeriousViolationsAsync("/aufgaben/{id}");

        // Not for the other group's clerk, not even by its address.
        var foreign = await other.Context.APIRequest.GetAsync($"/api/tasks/{Uri.EscapeDataString(taskId)}");
        foreign.Status.ShouldBe(404);

        await page.GetByLabel("Antrag genehmigen").CheckAsync();
        await page.GetByLabel("Begründung").FillAsync("Voraussetzungen nach VwV-StVO zu § 45 erfüllt");
        await page.GetByRole(AriaRole.Button, new() { Name = "Abschließen", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/aufgaben(\\?.*)?$"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("wurde abgeschlossen");
        await Expect(Row(page, key)).ToHaveCountAsync(0);
        await page.ShouldHaveNoSeriousViolationsAsync("/aufgaben after completing");

        // The case moved on: the decision is stored, the permit is the next step, the history names the clerk.
        var moved = await JsonAsync(await service.GetAsync($"api/process-instances/{instance}"), 200);
        moved["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldContain("Task_Parkausweis_Ausstellen");
        moved["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldNotContain("Task_Sachbearbeitung_Pruefen");
        moved["variables"]!["approved"]!.GetValue<bool>().ShouldBeTrue();
        moved["variables"]!["begruendung"]!.GetValue<string>().ShouldBe("Voraussetzungen nach VwV-StVO zu § 45 erfüllt");
        var events = (await JsonAsync(await service.GetAsync($"api/process-instances/{instance}/history/tasks"), 200)).AsArray()
            .Where(e => e!["elementId"]!.GetValue<string>() == "Task_Sachbearbeitung_Pruefen")
            .Select(e => (e!["event"]!.GetValue<string>(), e["userId"]?.GetValue<string>())).ToList();
        events.ShouldContain(("completed", clerk));
    }
}

using System.Text.RegularExpressions;
using EGov.Workflows.Host.Stadtplanung;
using EGov.Workflows.Persistence.Stadtplanung;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The eAkte Stadtplanung search (/stadtplanung, issue 17 item 3) against the REAL server: 25 open procedures in one Gemarkung,
/// one in the middle of its public display and one confidential in another; a clerk of the Stadtplanung finds them by search term
/// (by keyboard) and by Gemarkung, pages on the server (20 a page), reaches the case's tasks in the Postkorb, sees the end of the
/// display as the Frist; the confidential procedure only a member of its lead group sees. All by role and accessible name, axe-clean.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StadtplanungPageTests
{
    private readonly BrowserFixture fixture;

    public StadtplanungPageTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    private IStadtplanungStore Store => fixture.Server.App.Services.GetRequiredService<StadtplanungRegister>().Store;

    private sealed record Seeded(string Nord, string Sued, string Lead, string Stadtpark, string Geheim);

    private Seeded Seed(string p)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        var (nord, sued, lead) = ($"Nordheim-{p}", $"Südheim-{p}", $"stadtplanung-{p}");
        Verfahren V(string nr, string titel, string gemarkung, bool vertraulich, string status, LocalDate? auslegung, int minutesAgo) =>
            new(nr, null, nr, titel, "Bebauungsplan", gemarkung, "Flur 1", "regel", "61.20.01", "Bebauungspläne", $"61.20.01-{nr}", lead, vertraulich,
                [], status, auslegung, now - Duration.FromMinutes(minutesAgo), now - Duration.FromMinutes(minutesAgo));
        for (var i = 0; i < 25; i++)
            Store.PutVerfahren("default", V($"BP-{p}-{i:00}", $"Bebauungsplan Wohngebiet {i:00}", nord, false, VerfahrenStatus.Aufgestellt, null, i + 10));
        var stadtpark = $"BP-{p}-SP";
        // The display starts on Monday, 2 March 2026: one month ends on 1 April, 30 days on 31 March — the later counts.
        Store.PutVerfahren("default", V(stadtpark, $"Am Stadtpark {p}", sued, false, VerfahrenStatus.Auslegung, new LocalDate(2026, 3, 2), 1));
        var geheim = $"BP-{p}-GE";
        Store.PutVerfahren("default", V(geheim, "Sondergebiet Rechenzentrum", sued, true, VerfahrenStatus.Eingeleitet, null, 2));
        return new Seeded(nord, sued, lead, stadtpark, geheim);
    }

    private static async Task SearchAsync(IPage page, string? q = null, string? gemarkung = null)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Suche zurücksetzen" }).ClickAsync();
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Suchbegriff" }).FillAsync(q ?? "");
        await page.GetByLabel("Gemarkung", new() { Exact = true }).FillAsync(gemarkung ?? "");
        await page.GetByRole(AriaRole.Button, new() { Name = "Suchen", Exact = true }).ClickAsync();
    }

    [BrowserFact]
    public async Task ClerkOfTheStadtplanung_FindsProceduresBySearchTermAndGemarkung_PagesOnTheServer_AndSeesTheConfidentialOne()
    {
        var p = Guid.NewGuid().ToString("N")[..6];
        var s = Seed(p);
        var page = await Staff.SignedInAsync(fixture, Staff.NewName("sp"), ["clerk"], [s.Lead], "/stadtplanung");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("eAkte Stadtplanung");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Hauptnavigation" }).GetByRole(AriaRole.Link, new() { Name = "Stadtplanung" }))
            .ToHaveAttributeAsync("aria-current", "page");
        var results = page.GetByRole(AriaRole.Table, new() { Name = "Bauleitplanverfahren" });
        var count = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "gefunden" });

        // By search term, by keyboard: the title's words, the Frist is the end of the display.
        var search = page.GetByRole(AriaRole.Searchbox, new() { Name = "Suchbegriff" });
        await search.FocusAsync();
        await page.Keyboard.TypeAsync($"stadtpark {p}");
        await page.Keyboard.PressAsync("Enter");
        await Expect(count).ToHaveTextAsync("1 Verfahren gefunden.");
        await Expect(page).ToHaveURLAsync(new Regex($"q=stadtpark"));
        var row = results.Locator("tbody tr");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(results.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync($"61.20.01-{s.Stadtpark}");
        await Expect(row).ToContainTextAsync($"Am Stadtpark {p}");
        await Expect(row).ToContainTextAsync("öffentliche Auslegung");
        await Expect(row).ToContainTextAsync("Auslegung bis 01.04.2026");
        await Expect(row.GetByRole(AriaRole.Link, new() { Name = $"Aufgaben zu {s.Stadtpark}" }))
            .ToHaveAttributeAsync("href", $"/aufgaben?view=group&q={s.Stadtpark}");
        await page.ShouldHaveNoSeriousViolationsAsync("/stadtplanung, found by search term");

        // By Gemarkung: 25 procedures, 20 on the first page, 5 on the second, newest change first.
        await SearchAsync(page, gemarkung: s.Nord);
        await Expect(count).ToHaveTextAsync("25 Verfahren gefunden.");
        await Expect(row).ToHaveCountAsync(20);
        await Expect(results.GetByRole(AriaRole.Rowheader).First).ToHaveTextAsync($"61.20.01-BP-{p}-00");
        var pager = page.GetByRole(AriaRole.Navigation, new() { Name = "Seiten der Verfahren" });
        await Expect(pager).ToContainTextAsync("1–20 von 25");
        await pager.GetByRole(AriaRole.Button, new() { Name = "Nächste Seite" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(5);
        await Expect(pager).ToContainTextAsync("21–25 von 25");
        await Expect(results.GetByRole(AriaRole.Rowheader).Last).ToHaveTextAsync($"61.20.01-BP-{p}-24");
        await Expect(page).ToHaveURLAsync(new Regex("offset=20"));
        await Expect(pager.GetByRole(AriaRole.Button, new() { Name = "Nächste Seite" })).ToBeDisabledAsync();
        await pager.GetByRole(AriaRole.Button, new() { Name = "Vorherige Seite" }).ClickAsync();
        await Expect(pager).ToContainTextAsync("1–20 von 25");

        // The lead group sees the confidential procedure, marked as such.
        await SearchAsync(page, gemarkung: s.Sued);
        await Expect(count).ToHaveTextAsync("2 Verfahren gefunden.");
        var geheim = results.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = $"61.20.01-{s.Geheim}" }) });
        await Expect(geheim).ToContainTextAsync("vertraulich");
        await Screenshots.TakeAsync(page, "stadtplanung");
        await page.ShouldHaveNoSeriousViolationsAsync("/stadtplanung, by Gemarkung with a confidential procedure");

        // Nothing found: the empty state says what to do.
        await SearchAsync(page, q: $"gibtsnicht-{p}");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Keine Verfahren gefunden." })).ToBeVisibleAsync();
        await Expect(page.GetByText("Prüfen Sie den Suchbegriff und die Gemarkung")).ToBeVisibleAsync();
        await Expect(results).ToHaveCountAsync(0);
        await page.ShouldHaveNoSeriousViolationsAsync("/stadtplanung, nothing found");
    }

    [BrowserFact]
    public async Task AClerkWithoutTheReadGroup_DoesNotSeeTheConfidentialProcedure_AndAWrongAddressIsExplainedInGerman()
    {
        var p = Guid.NewGuid().ToString("N")[..6];
        var s = Seed(p);
        var page = await Staff.SignedInAsync(fixture, Staff.NewName("ba"), ["clerk"], ["bauaufsicht"], $"/stadtplanung?gemarkung={Uri.EscapeDataString(s.Sued)}");
        var count = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "gefunden" });
        await Expect(count).ToHaveTextAsync("1 Verfahren gefunden.");
        var results = page.GetByRole(AriaRole.Table, new() { Name = "Bauleitplanverfahren" });
        await Expect(results.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync($"61.20.01-{s.Stadtpark}");
        await Expect(results).Not.ToContainTextAsync("Rechenzentrum");
        await SearchAsync(page, q: "rechenzentrum");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Keine Verfahren gefunden." })).ToBeVisibleAsync();
        await page.ShouldHaveNoSeriousViolationsAsync("/stadtplanung without the read group");

        // A status the address made up: the server's German refusal, shown as an alert.
        await page.GotoAsync("/stadtplanung?status=beschlossen");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Den Verfahrensstand „beschlossen“ gibt es nicht");

        // A role without PlanningRead has no entry in the navigation and is told so on the page.
        var analyst = await Staff.SignedInAsync(fixture, Staff.NewName("an"), ["analyst"], [s.Lead], "/stadtplanung");
        await Expect(analyst.GetByRole(AriaRole.Alert)).ToContainTextAsync("Dafür fehlt Ihnen die Berechtigung.");
        await Expect(analyst.GetByRole(AriaRole.Navigation, new() { Name = "Hauptnavigation" }).GetByRole(AriaRole.Link, new() { Name = "Stadtplanung" })).ToHaveCountAsync(0);
        await Expect(analyst.GetByRole(AriaRole.Table, new() { Name = "Bauleitplanverfahren" })).ToHaveCountAsync(0);
    }
}

using System.Text.RegularExpressions;
using EGov.Workflows.Host.Mobilfunk;
using EGov.Workflows.Persistence.Mobilfunk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The Mobilfunk overview (/mobilfunk, issue 17 item 4) against the REAL server: 120 contracts in two cost centres; the
/// IT-Service filters by cost centre (paged on the server, 50 a page), searches a phone number, sees the costs per cost
/// centre, all by role and accessible name and axe-clean; a clerk sees only their own contract and no costs.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class MobilfunkPageTests
{
    private readonly BrowserFixture fixture;

    public MobilfunkPageTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    private IMobilfunkStore Store => fixture.Server.App.Services.GetRequiredService<MobilfunkRegister>().Store;

    /// <summary>70 contracts of cost centre A (tariff 9,90 € with a device of 289 €), 50 of B (24,50 €, SIM only), one of <paramref name="clerk"/> in C.</summary>
    private (string A, string B, string C) Seed(string p, string clerk)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        Store.PutTarif("default", new Tarif($"basis-{p}", "Behördentarif Basis", 9.90m, 24, 10, true, now));
        Store.PutTarif("default", new Tarif($"leitung-{p}", "Behördentarif Leitung", 24.50m, 24, null, true, now));
        Store.PutGeraet("default", new Geraet($"phone-{p}", "Standard-Smartphone", "Samsung", 289.00m, true, now));
        var (a, b, c) = ($"KST-{p}-A", $"KST-{p}-B", $"KST-{p}-C");
        for (var i = 0; i < 120; i++)
        {
            var inA = i < 70;
            Store.Bestellen("default", new Bestellung($"MF-{p}-{i:000}", $"person{i:000}.{p}", inA ? a : b, inA ? $"basis-{p}" : $"leitung-{p}", inA ? $"phone-{p}" : null, null, now));
        }
        Store.Uebergeben("default", $"MF-{p}-071", $"0151 {p}", null, $"person071.{p}", new LocalDate(2026, 1, 15), now);
        Store.Bestellen("default", new Bestellung($"MF-{p}-EIGEN", clerk, c, $"basis-{p}", null, null, now));
        return (a, b, c);
    }

    [BrowserFact]
    public async Task ItService_FiltersSearchesAndPagesThousandsReadyOverview_WithCostsPerCostCentre()
    {
        var p = Guid.NewGuid().ToString("N")[..6];
        var (a, b, _) = Seed(p, "niemand-" + p);
        var page = await Staff.SignedInAsync(fixture, Staff.NewName("its"), ["itservice"], [], "/mobilfunk");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Mobilfunkverträge");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Hauptnavigation" }).GetByRole(AriaRole.Link, new() { Name = "Mobilfunk" }))
            .ToHaveAttributeAsync("aria-current", "page");

        // Cost centre A: 70 contracts, 50 on the first page, 20 on the second; the filter kept in the address.
        await page.GetByLabel("Kostenstelle", new() { Exact = true }).FillAsync(a);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filtern", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Verträge gefunden" })).ToHaveTextAsync("70 Verträge gefunden.");
        await Expect(page).ToHaveURLAsync(new Regex($"kostenstelle={Regex.Escape(a)}"));
        var contracts = page.GetByRole(AriaRole.Table, new() { Name = "Verträge", Exact = true });
        await Expect(contracts.Locator("tbody tr")).ToHaveCountAsync(50);
        var first = contracts.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = $"MF-{p}-000" }) });
        await Expect(first).ToContainTextAsync("Behördentarif Basis");
        await Expect(first).ToContainTextAsync("Standard-Smartphone");
        await Expect(first).ToContainTextAsync("9,90 €");
        await Expect(first).ToContainTextAsync("118,80 €");
        var pager = page.GetByRole(AriaRole.Navigation, new() { Name = "Seiten der Verträge" });
        await Expect(pager).ToContainTextAsync("1–50 von 70");
        await pager.GetByRole(AriaRole.Button, new() { Name = "Nächste Seite" }).ClickAsync();
        await Expect(contracts.Locator("tbody tr")).ToHaveCountAsync(20);
        await Expect(pager).ToContainTextAsync("51–70 von 70");

        // Costs per cost centre: A's 70 contracts cost 693,00 € a month, 8.316,00 € a year, devices 20.230,00 €.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Kosten je Kostenstelle" })).ToBeVisibleAsync();
        var costs = page.GetByRole(AriaRole.Table, new() { Name = "Laufende Verträge und ihre Kosten je Kostenstelle" });
        var rowA = costs.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = a }) });
        await Expect(rowA).ToContainTextAsync("693,00 €");
        await Expect(rowA).ToContainTextAsync("8.316,00 €");
        await Expect(rowA).ToContainTextAsync("20.230,00 €");
        await Expect(costs.GetByRole(AriaRole.Rowheader, new() { Name = b })).ToHaveCountAsync(0, new() { Timeout = 5_000 });
        await page.ShouldHaveNoSeriousViolationsAsync("/mobilfunk, filtered by cost centre");

        // Search by keyboard: the phone number, across every cost centre.
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter zurücksetzen" }).ClickAsync();
        await Expect(page.GetByLabel("Kostenstelle", new() { Exact = true })).ToHaveValueAsync("");
        var search = page.GetByRole(AriaRole.Searchbox, new() { Name = "Suchen" });
        await search.FocusAsync();
        await page.Keyboard.TypeAsync($"0151 {p}");
        await page.Keyboard.PressAsync("Enter");
        await Expect(contracts.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(contracts.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync($"MF-{p}-071");
        await Expect(contracts.Locator("tbody tr")).ToContainTextAsync("aktiv");
        await Expect(contracts.Locator("tbody tr")).ToContainTextAsync("15.01.2028");

        // Status filter: every contract of A is only ordered, none runs.
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter zurücksetzen" }).ClickAsync();
        await page.GetByLabel("Kostenstelle", new() { Exact = true }).FillAsync(a);
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "aktiv" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Filtern", Exact = true }).ClickAsync();
        await Expect(page.GetByText("Keine Verträge gefunden.")).ToBeVisibleAsync();
        await page.ShouldHaveNoSeriousViolationsAsync("/mobilfunk, nothing found");
    }

    [BrowserFact]
    public async Task Clerk_SeesOnlyTheirOwnContract_AndNoCosts()
    {
        var p = Guid.NewGuid().ToString("N")[..6];
        var clerk = Staff.NewName("mf");
        Seed(p, clerk);
        var page = await Staff.SignedInAsync(fixture, clerk, ["clerk"], [], "/mobilfunk");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "gefunden" })).ToHaveTextAsync("1 Vertrag gefunden.");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Verträge", Exact = true }).GetByRole(AriaRole.Rowheader)).ToHaveTextAsync($"MF-{p}-EIGEN");
        await Expect(page.GetByText("Alle Verträge und die Kosten je Kostenstelle sieht der IT-Service.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Kosten je Kostenstelle" })).ToHaveCountAsync(0);
        await page.ShouldHaveNoSeriousViolationsAsync("/mobilfunk as a clerk");
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using EGov.Workflows.Host.Termine;
using EGov.Workflows.Persistence.Termine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The Bürgerbüro's day view (/termine, issue 17 item 7) against the REAL server: a clerk sees today's appointments of a
/// place by time and counter with their status, marks one attended and one missed (the server's table says so afterwards),
/// goes to the next day and back by keyboard, hides the cancelled ones — controls found by role and accessible name,
/// axe-core clean.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class TerminePageTests
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    private readonly BrowserFixture fixture;

    public TerminePageTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    private ITerminStore Store => fixture.Server.App.Services.GetRequiredService<TerminRegister>().Store;

    private Termin Book(string id, string place, Instant von, string name, int minutes = 20, string status = TerminStatus.Gebucht)
    {
        var now = SystemClock.Instance.GetCurrentInstant();
        return Store.Buchen("default", new Termin(id, place, 0, "perso-" + place, von, von + Duration.FromMinutes(minutes), status, "b-" + id, name, null, null, null, now, now), 3);
    }

    private static string Hhmm(Instant i) => i.InZone(Berlin).ToString("HH:mm", CultureInfo.InvariantCulture);

    [BrowserFact]
    public async Task Clerk_MarksAttendedAndMissed_NavigatesDaysByKeyboard_AndHidesCancelled()
    {
        var p = Guid.NewGuid().ToString("N")[..6];
        var place = $"bb-{p}";
        var now = SystemClock.Instance.GetCurrentInstant();
        var today = now.InZone(Berlin).Date;
        var sinceMidnight = now - today.AtStartOfDayInZone(Berlin).ToInstant();
        // Begun today (also shortly after midnight), so it can be marked attended and missed.
        var begun = now - Duration.Min(Duration.FromMinutes(10), sinceMidnight / 2);
        Store.PutStandort("default", new Standort(place, $"Bürgerbüro {p}", "Rathausplatz 1", 3, 15, 60, "buergerbuero", true, now));
        Store.PutDienstleistung("default", new Dienstleistung("perso-" + place, $"Personalausweis {p}", 20, null, true, now));
        Book($"T-{p}-1", place, begun, "Erika Mustermann");
        Book($"T-{p}-2", place, begun, "Max Muster");
        Book($"T-{p}-3", place, begun, "Anna Abgesagt", status: TerminStatus.Storniert);
        var tomorrow = today.PlusDays(1).AtStartOfDayInZone(Berlin).ToInstant() + Duration.FromHours(9);
        Book($"T-{p}-4", place, tomorrow, "Bernd Morgen");

        var page = await Staff.SignedInAsync(fixture, Staff.NewName("bb"), ["clerk"], ["buergerbuero"], $"/termine?standort={place}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Tagesansicht Bürgerbüro");
        await Expect(page.GetByLabel("Standort", new() { Exact = true })).ToHaveValueAsync(place);
        await Expect(page.GetByLabel("Datum", new() { Exact = true })).ToHaveValueAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var table = page.GetByRole(AriaRole.Table, new() { NameRegex = new Regex($"^Termine am .* – Bürgerbüro {p}$") });
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(3);
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "an diesem Tag" })).ToHaveTextAsync("3 Termine an diesem Tag.");
        var erika = table.GetByRole(AriaRole.Row).Filter(new() { HasText = "Erika Mustermann" });
        await Expect(erika.Locator(".badge")).ToHaveTextAsync("gebucht");
        await Expect(erika).ToContainTextAsync($"Personalausweis {p}");
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = "Anna Abgesagt" }).Locator(".badge")).ToHaveTextAsync("abgesagt");
        await page.ShouldHaveNoSeriousViolationsAsync("/termine today");

        // Erschienen and nicht erschienen, by the buttons' accessible names; the table of the server says so afterwards.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Erschienen: Erika Mustermann, {Hhmm(begun)} Uhr", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "vermerkt" })).ToContainTextAsync($"Termin T-{p}-1 (Erika Mustermann) ist als erschienen vermerkt.");
        await Expect(erika.Locator(".badge")).ToHaveTextAsync("erschienen");
        await Expect(erika.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        Store.GetTermin("default", $"T-{p}-1")!.Status.ShouldBe(TerminStatus.Erschienen);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Nicht erschienen: Max Muster, {Hhmm(begun)} Uhr", Exact = true }).ClickAsync();
        await Expect(table.GetByRole(AriaRole.Row).Filter(new() { HasText = "Max Muster" }).Locator(".badge")).ToHaveTextAsync("nicht erschienen");
        Store.GetTermin("default", $"T-{p}-2")!.Status.ShouldBe(TerminStatus.NichtErschienen);
        await page.ShouldHaveNoSeriousViolationsAsync("/termine after marking");

        // The next day by keyboard (Alt+PageDown): tomorrow's appointment cannot be marked yet; Alt+PageUp goes back.
        await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).ClickAsync();
        await page.Keyboard.PressAsync("Alt+PageDown");
        await Expect(page).ToHaveURLAsync(new Regex($"datum={today.PlusDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"));
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        var bernd = table.GetByRole(AriaRole.Row).Filter(new() { HasText = "Bernd Morgen" });
        await Expect(bernd).ToContainTextAsync("09:00–09:20");
        await Expect(bernd).ToContainTextAsync("erst am Tag des Termins");
        await Expect(bernd.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("Alt+PageUp");
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(3);

        // The buttons do the same as the keys, and only the booked and running appointments remain when asked.
        await page.GetByRole(AriaRole.Button, new() { Name = "Nächster Tag" }).ClickAsync();
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Heute" }).ClickAsync();
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(3);
        await page.GetByLabel("Nur gebuchte und laufende Termine anzeigen").CheckAsync();
        await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(table).ToContainTextAsync("Erika Mustermann");
        await Expect(page).ToHaveURLAsync(new Regex("alle=false"));
    }
}

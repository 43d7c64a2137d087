using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The life chain's online consent in headless Chromium against the real server with processes/ deployed: the birth
/// registration without a recorded consent sends the parents a notice with a one-time Einwilligungscode; the mother opens
/// "Einwilligung nach der Geburt", signs in at the BundID simulator (substanziell), enters the code, sees which data go to
/// the Familienkasse and to the Kita-Verwaltung, consents for the Kindergeld only, and then finds the Kindergeld case under
/// "Meine Vorgänge". axe-core on every page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class CitizenConsentPageTests : IClassFixture<CitizenApplyFixture>
{
    private readonly CitizenApplyFixture fixture;

    public CitizenConsentPageTests(CitizenApplyFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    [BrowserFact]
    public async Task Parent_GivesConsentOnThePage_WithTheCodeFromTheNotice_AndThenFollowsTheKindergeldCase()
    {
        var (aktenzeichen, code) = await BirthWaitingForConsentAsync();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/buerger/einwilligung");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "BundID-Simulator – Anmeldung" })).ToBeVisibleAsync();
        await page.GetByLabel("substanziell – ELSTER-Zertifikat").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Weiter zum Dienst" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/buerger/einwilligung$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Einwilligung nach der Geburt");
        var kindergeld = page.GetByRole(AriaRole.Group).Filter(new() { HasText = "Familienkasse" });
        var kita = page.GetByRole(AriaRole.Group).Filter(new() { HasText = "Kita-Verwaltung" });
        await Expect(kindergeld).ToContainTextAsync("Registernummer der Beurkundung");
        await Expect(kita).ToContainTextAsync("Geburtsdatum des Kindes");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/einwilligung");

        // A wrong code first: the German message, nothing changed.
        await page.GetByLabel("Einwilligungscode").FillAsync("AAAA-BBBB-CCCC-DDDD-EEEE");
        await kindergeld.GetByLabel("Ja, ich willige ein").CheckAsync();
        await kita.GetByLabel("Nein, nicht weitergeben").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Antwort absenden" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Diesen Einwilligungscode kennen wir nicht");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/einwilligung (wrong code)");

        await page.GetByLabel("Einwilligungscode").FillAsync(code);
        await Expect(kindergeld.GetByLabel("Ja, ich willige ein")).ToBeCheckedAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Antwort absenden" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ihre Antwort ist eingegangen");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(aktenzeichen);
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("Kita-Anmeldung: nicht eingewilligt");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/einwilligung (done)");

        await page.GetByRole(AriaRole.Link, new() { Name = "Zu meinen Vorgängen" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/buerger/vorgaenge$"));
        var mine = page.GetByRole(AriaRole.Region, new() { Name = "Kindergeld beantragen (Lebenslage Geburt)" }).Filter(new() { HasText = aktenzeichen });
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!(await mine.CountAsync() > 0 && (await mine.TextContentAsync() ?? "").Contains("✓ Daten aus dem Standesamt übernommen", StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > until) throw new ShouldAssertException("the Kindergeld case did not show under Meine Vorgänge within 60 s");
            await Task.Delay(500);
            await page.ReloadAsync();
        }
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Kita-Platz anmelden" }).Filter(new() { HasText = aktenzeichen })).ToHaveCountAsync(0);
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/vorgaenge (Kindergeld from the birth registration)");
    }

    private async Task<(string Aktenzeichen, string Code)> BirthWaitingForConsentAsync()
    {
        var aktenzeichen = "G-2026-" + Random.Shared.Next(10000, 99999);
        var email = $"eltern-{aktenzeichen.ToLowerInvariant()}@example.org";
        var e = fixture.Engine;
        var id = e.StartProcessByMessage("urn:de:fim:leika:leistung:99027006000000", JsonNode.Parse($$"""
            { "antrag": {
              "kind": { "vorname": "Mia", "familienname": "Muster", "geburtsdatum": "2026-03-01", "geburtsort": "Musterstadt" },
              "mutter": { "vorname": "Maria", "familienname": "Neumann", "anschrift": "Thomas-Mann-Straße 3, 10409 Berlin", "email": "{{email}}" },
              "klinik": { "name": "Klinikum Musterstadt", "email": "geburtshilfe@klinikum.example" },
              "einwilligung": { "antragsteller": "mutter" }
            } }
            """)!.AsObject(), aktenzeichen);
        void Complete(string element, JsonObject variables, string user) =>
            e.CompleteUserTask(e.OpenUserTasks(id).Single(t => t.ElementId == element).Id, variables, user);
        Complete("Task_Pruefen", new JsonObject { ["vollstaendig"] = true, ["einwilligungKindergeld"] = false, ["einwilligungKita"] = false }, "s.sachbearbeitung");
        Complete("Task_Beurkunden", new JsonObject { ["registernummer"] = "G 7/2026" }, "b.standesbeamtin");
        Complete("Task_Urkunden", new JsonObject { ["urkundenAnzahl"] = 1, ["urkundenVersand"] = "post" }, "b.standesbeamtin");
        for (var i = 0; i < 200; i++)
        {
            var mail = Directory.Exists(fixture.MailDirectory)
                ? Directory.GetFiles(fixture.MailDirectory, "*.eml").Select(File.ReadAllText).FirstOrDefault(m => m.Contains(email, StringComparison.Ordinal))
                : null;
            if (mail is not null && CodeInMail().Match(mail) is { Success: true } m) return (aktenzeichen, m.Groups[1].Value);
            await Task.Delay(100);
        }
        throw new ShouldAssertException($"no notice with a code; the case waits at {string.Join(", ", e.GetInstance(id).Waiting)}");
    }

    [GeneratedRegex(@"Einwilligungscode: ([2-9A-Z]{4}(?:-[2-9A-Z]{4}){4})")]
    private static partial Regex CodeInMail();
}

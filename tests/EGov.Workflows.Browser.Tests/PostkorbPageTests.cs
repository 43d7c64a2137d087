using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>The Postkorb and task pages against the task API contract (answered by <see cref="FakePostkorbApi"/>).</summary>
[Collection(BrowserCollection.Name)]
public sealed class PostkorbPageTests(BrowserFixture fixture)
{
    private static FakePostkorbApi Inbox()
    {
        var api = new FakePostkorbApi();
        api.Tasks.Add(FakePostkorbApi.Task("a1.u1", "Urlaub genehmigen", "U-2026-001", FakePostkorbApi.Me, due: "2026-01-10T00:00:00Z"));
        api.Tasks.Add(FakePostkorbApi.Task("a2.u1", "Urlaub genehmigen", "U-2026-002", "max", due: "2099-12-24T00:00:00Z"));
        api.Tasks.Add(FakePostkorbApi.Task("a3.u1", "Vertretung bestätigen", "U-2026-003", null, priority: 80));
        return api;
    }

    private async Task<(IPage Page, FakePostkorbApi Api)> OpenAsync(FakePostkorbApi api, string path = "/aufgaben")
    {
        var page = await fixture.NewPageAsync();
        await api.InstallAsync(page);
        await page.GotoAsync(path);
        return (page, api);
    }

    private static ILocator Row(IPage page, string businessKey) => page.Locator("tbody tr").Filter(new() { HasText = businessKey });

    [BrowserFact]
    public async Task Inbox_ShowsEachViewWithItsCount_TheAktenzeichen_AndWhoHoldsEachTask()
    {
        var (page, _) = await OpenAsync(Inbox(), "/aufgaben?view=group");

        var views = page.GetByRole(AriaRole.Navigation, new() { Name = "Ansichten" });
        await Expect(views.GetByRole(AriaRole.Link, new() { Name = "Meine Aufgaben 1" })).ToBeVisibleAsync();
        await Expect(views.GetByRole(AriaRole.Link, new() { Name = "Gruppenaufgaben 3" })).ToHaveAttributeAsync("aria-current", "page");
        await Expect(views.GetByRole(AriaRole.Link, new() { Name = "Überfällig 1" })).ToBeVisibleAsync();
        await Expect(views.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Wiedervorlage") })).ToBeVisibleAsync();
        await Expect(views.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Team") })).ToHaveCountAsync(0);

        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Aktenzeichen" })).ToBeVisibleAsync();
        await Expect(Row(page, "U-2026-001")).ToContainTextAsync("Sie");
        await Expect(Row(page, "U-2026-001")).ToContainTextAsync("überfällig");
        await Expect(Row(page, "U-2026-002")).ToContainTextAsync("max");
        await Expect(Row(page, "U-2026-003")).ToContainTextAsync("niemand (frei)");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Abmelden" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Erika Mustermann")).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "postkorb");
        await page.ShouldHaveNoSeriousViolationsAsync("/aufgaben");
    }

    [BrowserFact]
    public async Task Claim_OfATaskAColleagueHolds_AsksFirst_AndTakesItOverOnlyWhenConfirmed()
    {
        var (page, api) = await OpenAsync(Inbox(), "/aufgaben?view=group");
        var claim = Row(page, "U-2026-002").GetByRole(AriaRole.Button, new() { Name = "Übernehmen", Exact = true });

        await claim.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Aufgabe von max übernehmen?" });
        await Expect(dialog).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "postkorb-uebernehmen");
        await page.ShouldHaveNoSeriousViolationsAsync("the take-over dialog");
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(claim).ToBeFocusedAsync();
        api.Requests.ShouldNotContain(r => r.Path.Contains("/claim", StringComparison.Ordinal));

        await claim.ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Übernehmen", Exact = true }).ClickAsync();
        await Expect(Row(page, "U-2026-002")).ToContainTextAsync("Sie");
        var request = api.Requests.Single(r => r.Path.EndsWith("/claim", StringComparison.Ordinal));
        JsonNode.Parse(request.Body!)!["takeOver"]!.GetValue<bool>().ShouldBeTrue();
        request.Csrf.ShouldBe("csrf-abc");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("liegt jetzt bei Ihnen");
    }

    [BrowserFact]
    public async Task Claim_OfAFreeTask_NeedsNoQuestion()
    {
        var (page, api) = await OpenAsync(Inbox(), "/aufgaben?view=group");
        await Row(page, "U-2026-003").GetByRole(AriaRole.Button, new() { Name = "Übernehmen", Exact = true }).ClickAsync();

        await Expect(Row(page, "U-2026-003")).ToContainTextAsync("Sie");
        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        JsonNode.Parse(api.Requests.Single(r => r.Path.EndsWith("/claim", StringComparison.Ordinal)).Body!)!["takeOver"]!.GetValue<bool>().ShouldBeFalse();
    }

    [BrowserFact]
    public async Task Search_ShowsARemovableChip_AndTheListKeepsItsStateOnTheWayBackFromATask()
    {
        var (page, api) = await OpenAsync(Inbox(), "/aufgaben?view=group");
        await page.GetByLabel("Aktenzeichen oder Prozess", new() { Exact = true }).FillAsync("U-2026-00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Suchen" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Priorität" }).ClickAsync();
        var chip = page.GetByRole(AriaRole.Button, new() { Name = "Aktenzeichen oder Prozess: U-2026-00 entfernen" });
        await Expect(chip).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("q=U-2026-00"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Vertretung bestätigen" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/aufgaben/a3\\.u1$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Zurück zum Postkorb" }).ClickAsync();

        await Expect(chip).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Aktenzeichen oder Prozess", new() { Exact = true })).ToHaveValueAsync("U-2026-00");
        await Expect(page.GetByRole(AriaRole.Columnheader, new() { Name = "Priorität" })).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Vertretung bestätigen" })).ToBeFocusedAsync();
        api.Requests.Last(r => r.Path.StartsWith("/api/tasks?", StringComparison.Ordinal)).Path.ShouldContain("q=U-2026-00");

        await chip.ClickAsync();
        await Expect(chip).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Aktenzeichen oder Prozess", new() { Exact = true })).ToHaveValueAsync("");
        await Expect(page.GetByLabel("Aktenzeichen oder Prozess", new() { Exact = true })).ToBeFocusedAsync();
    }

    [BrowserFact]
    public async Task Inbox_CanBeWorkedWithTheKeyboardAlone_ToATaskAndItsClaim()
    {
        var (page, api) = await OpenAsync(Inbox(), "/aufgaben?view=group");
        await Expect(Row(page, "U-2026-003")).ToBeVisibleAsync();

        var link = page.GetByRole(AriaRole.Link, new() { Name = "Vertretung bestätigen" });
        await TabToAsync(page, link);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/aufgaben/a3\\.u1$"));

        var claim = page.GetByRole(AriaRole.Button, new() { Name = "Übernehmen", Exact = true });
        await TabToAsync(page, claim);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Zurückgeben" })).ToBeVisibleAsync();
        api.Requests.ShouldContain(r => r.Path == "/api/tasks/a3.u1/claim");
    }

    /// <summary>Presses Tab until the target has the focus (at most 60 times), checking that every stop shows its focus.</summary>
    private static async Task TabToAsync(IPage page, ILocator target)
    {
        for (var i = 0; i < 60; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var visible = await page.EvaluateAsync<bool>(
                "() => { const e = document.activeElement; if (!e || e === document.body) return true; const s = getComputedStyle(e); return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none'; }");
            visible.ShouldBeTrue($"focus is not visible on {await page.EvaluateAsync<string>("() => document.activeElement.outerHTML.slice(0, 120)")}");
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement")) return;
        }
        throw new ShouldAssertException($"{target} was not reached with Tab");
    }

    [BrowserFact]
    public async Task TaskPage_ShowsProcessVersionAktenzeichenHistoryAndDiagram_AndIsAxeClean()
    {
        var (page, _) = await OpenAsync(Inbox(), "/aufgaben/a1.u1");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Urlaub genehmigen");
        await Expect(page.Locator("dl.facts").First).ToContainTextAsync("Urlaubsantrag (Version 1)");
        await Expect(page.Locator("dl.facts").First).ToContainTextAsync("U-2026-001");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verlauf des Vorgangs" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Antrag gestellt", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("Max Muster", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator(".diagram-canvas .aktueller-schritt")).ToHaveCountAsync(1);
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("Prozessdiagramm „Urlaubsantrag“") })).ToBeVisibleAsync();
        foreach (var name in new[] { "Zurückgeben", "Delegieren", "Wiedervorlage setzen", "Abschließen", "Kommentar hinzufügen" })
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true })).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "aufgabe");
        await page.ShouldHaveNoSeriousViolationsAsync("/aufgaben/{id}");
    }

    [BrowserFact]
    public async Task TaskPage_CompletesWithTheFormValues_AfterShowingTheServersFieldErrorsAtTheFields()
    {
        var api = Inbox();
        api.Form = JsonNode.Parse("""
            { "type": "default", "components": [
              { "id": "Field_Bemerkung", "key": "bemerkung", "type": "textfield", "label": "Bemerkung" },
              { "id": "Field_Genehmigt", "key": "genehmigt", "type": "checkbox", "label": "Genehmigt" },
              { "id": "Field_Submit", "type": "button", "action": "submit", "label": "Senden" } ] }
            """)!.AsObject();
        api.NextCompleteErrors = JsonNode.Parse("""[{ "field": "bemerkung", "message": "Bitte höchstens 10 Zeichen." }]""")!.AsArray();
        var (page, _) = await OpenAsync(api, "/aufgaben/a1.u1");

        var remark = page.GetByLabel("Bemerkung");
        await Expect(remark).ToHaveValueAsync("vorbefüllt");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Senden" })).ToHaveCountAsync(0);
        await page.GetByLabel("Genehmigt").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Abschließen", Exact = true }).ClickAsync();

        await Expect(page.Locator(".form-errors")).ToContainTextAsync("Bemerkung: Bitte höchstens 10 Zeichen.");
        await Expect(page.Locator(".fjs-form-field-error").First).ToContainTextAsync("Bitte höchstens 10 Zeichen.");
        await Expect(remark).ToHaveAttributeAsync("aria-invalid", "true");
        await Screenshots.TakeAsync(page, "aufgabe-formularfehler");
        await page.ShouldHaveNoSeriousViolationsAsync("the form with errors");

        await remark.FillAsync("passt");
        await page.GetByRole(AriaRole.Button, new() { Name = "Abschließen", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/aufgaben(\\?.*)?$"));
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("wurde abgeschlossen");
        var completions = api.Requests.Where(r => r.Path == "/api/tasks/a1.u1/complete").ToList();
        completions.Count.ShouldBe(2);
        var variables = JsonNode.Parse(completions[1].Body!)!["variables"]!;
        variables["bemerkung"]!.GetValue<string>().ShouldBe("passt");
        variables["genehmigt"]!.GetValue<bool>().ShouldBeTrue();
    }

    [BrowserFact]
    public async Task TeamLead_SeesTheTeamView_WithHolders_AndReassignsATask()
    {
        var api = Inbox();
        api.Roles = ["clerk", "teamlead"];
        var (page, _) = await OpenAsync(api, "/aufgaben?view=team");

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Team 3" })).ToHaveAttributeAsync("aria-current", "page");
        await Expect(Row(page, "U-2026-002")).ToContainTextAsync("max");
        await Row(page, "U-2026-002").GetByRole(AriaRole.Button, new() { Name = "Neu zuweisen" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Benutzername der neuen Bearbeiterin oder des neuen Bearbeiters").FillAsync("jan");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Neu zuweisen" }).ClickAsync();

        await Expect(Row(page, "U-2026-002")).ToContainTextAsync("jan");
        JsonNode.Parse(api.Requests.Single(r => r.Path == "/api/tasks/a2.u1/assign").Body!)!["userId"]!.GetValue<string>().ShouldBe("jan");
        await page.ShouldHaveNoSeriousViolationsAsync("the team view");
    }

    [BrowserFact]
    public async Task FollowUp_IsSetInADialog_AndShownOnTheTaskPage()
    {
        var (page, api) = await OpenAsync(Inbox(), "/aufgaben/a1.u1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Wiedervorlage setzen" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Wiedervorlage setzen" });
        await dialog.GetByLabel("Wiedervorlage am").FillAsync("2026-12-24");
        await page.ShouldHaveNoSeriousViolationsAsync("the follow-up dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Wiedervorlage setzen" }).ClickAsync();

        await Expect(page.Locator("dl.facts").First).ToContainTextAsync("24.12.2026");
        JsonNode.Parse(api.Requests.Single(r => r.Path == "/api/tasks/a1.u1/follow-up").Body!)!["followUp"]!.GetValue<string>().ShouldBe("2026-12-24");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Wiedervorlage setzen" })).ToBeFocusedAsync();
    }

    [BrowserFact]
    public async Task EndedSession_IsSaidInGerman_WithALinkToSignInAgain()
    {
        var api = Inbox();
        api.SessionEnded = true;
        var (page, _) = await OpenAsync(api);

        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("Sie sind nicht mehr angemeldet.");
        await Expect(alert.GetByRole(AriaRole.Link, new() { Name = "Erneut anmelden" })).ToHaveAttributeAsync("href", "/aufgaben");
        await page.ShouldHaveNoSeriousViolationsAsync("the Postkorb without a session");
    }

    [BrowserFact]
    public async Task RefusedCompletion_SaysWhyInAnAlert_AndTheTaskStays()
    {
        var api = Inbox();
        api.RefuseCompletion = "Vier-Augen-Prinzip: Sie haben „Antrag prüfen“ in diesem Vorgang abgeschlossen.";
        var (page, _) = await OpenAsync(api, "/aufgaben/a1.u1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Abschließen", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Dafür fehlt Ihnen die Berechtigung. Hinweis des Servers: Vier-Augen-Prinzip");
        await Expect(page).ToHaveURLAsync(new Regex("/aufgaben/a1\\.u1$"));
        api.Tasks.ShouldContain(t => (string)t["id"]! == "a1.u1");
    }

    [BrowserFact]
    public async Task RefusedUpload_SaysInGermanHowLargeAFileMayBe()
    {
        var api = Inbox();
        api.UploadLimit = 1024;
        var (page, _) = await OpenAsync(api, "/aufgaben/a1.u1");
        await page.GetByLabel("Datei anhängen").SetInputFilesAsync(new FilePayload { Name = "plan.pdf", MimeType = "application/pdf", Buffer = new byte[2048] });
        await page.GetByRole(AriaRole.Button, new() { Name = "Hochladen", Exact = true }).ClickAsync();

        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync("Die Datei ist zu groß. Hinweis des Servers: Die Datei ist größer als 1 KB; höchstens 1 KB sind erlaubt.");
        (await alert.TextContentAsync())!.ShouldNotContain("bytes", Case.Insensitive);
        await page.ShouldHaveNoSeriousViolationsAsync("the task page with a refused upload");
    }

    [BrowserFact]
    public async Task TaskPage_RendersARichForm_PrefilledAndReadOnlyWhereTheSchemaSaysSo_AndIsAxeClean()
    {
        var api = Inbox();
        api.Form = JsonNode.Parse("""
            { "type": "default", "components": [
              { "id": "Text_Kopf", "type": "text", "text": "## Urlaubsantrag entscheiden\nBitte prüfen Sie, ob dienstliche Belange entgegenstehen." },
              { "id": "Field_Mitarbeiter", "type": "textfield", "key": "bemerkung", "label": "Antragstellende Person", "readonly": true },
              { "id": "Field_Von", "type": "datetime", "subtype": "date", "key": "von", "dateLabel": "Urlaub von" },
              { "id": "Field_Tage", "type": "number", "key": "tage", "label": "Urlaubstage", "validate": { "min": 1, "max": 30 } },
              { "id": "Field_Art", "type": "select", "key": "art", "label": "Art", "values": [ { "label": "Erholungsurlaub", "value": "erholung" }, { "label": "Sonderurlaub", "value": "sonder" } ] },
              { "id": "Field_Genehmigt", "type": "checkbox", "key": "genehmigt", "label": "Urlaub genehmigen", "description": "Ohne Haken wird der Antrag abgelehnt." },
              { "id": "Field_Begruendung", "type": "textarea", "key": "begruendung", "label": "Begründung", "validate": { "required": true, "maxLength": 2000 } } ] }
            """)!.AsObject();
        var (page, _) = await OpenAsync(api, "/aufgaben/a1.u1");

        await Expect(page.GetByLabel("Antragstellende Person")).ToHaveValueAsync("vorbefüllt");
        await Expect(page.GetByLabel("Antragstellende Person")).ToHaveAttributeAsync("readonly", "");
        await page.GetByRole(AriaRole.Button, new() { Name = "Abschließen", Exact = true }).ClickAsync();
        await Expect(page.Locator(".form-errors")).ToContainTextAsync("Begründung: Bitte füllen Sie dieses Feld aus.");
        await Expect(page.Locator(".form-errors")).ToBeFocusedAsync();
        await Screenshots.TakeAsync(page, "aufgabe-formular");
        await page.ShouldHaveNoSeriousViolationsAsync("a task page with a rich form");
        api.Requests.ShouldNotContain(r => r.Path.EndsWith("/complete", StringComparison.Ordinal));
    }
    [BrowserFact]
    public async Task TaskForm_SpeaksGerman_AlsoInFormJsOwnControls_AndItsCalendar()
    {
        var api = Inbox();
        api.Form = JsonNode.Parse("""
            { "type": "default", "components": [
              { "id": "Field_Art", "type": "select", "key": "art", "label": "Art", "values": [ { "label": "Erholungsurlaub", "value": "erholung" }, { "label": "Sonderurlaub", "value": "sonder" } ] },
              { "id": "Field_Ort", "type": "select", "key": "ort", "label": "Dienstort", "searchable": true, "values": [ { "label": "Rathaus", "value": "rathaus" } ] },
              { "id": "Field_Tage", "type": "number", "key": "tage", "label": "Urlaubstage" },
              { "id": "Field_Von", "type": "datetime", "subtype": "date", "key": "von", "dateLabel": "Urlaub von" } ] }
            """)!.AsObject();
        var (page, _) = await OpenAsync(api, "/aufgaben/a1.u1");
        await Expect(page.GetByLabel("Urlaubstage")).ToBeVisibleAsync();

        // form-js writes these as English literals; the page must not show them (BITV: the language of every part).
        await Expect(page.Locator(".fjs-select-display").First).ToHaveTextAsync("Bitte auswählen");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Erhöhen" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Verringern" })).ToBeVisibleAsync();
        await page.GetByLabel("Dienstort").FillAsync("xyz");
        await Expect(page.Locator(".form-host")).ToContainTextAsync("Keine Treffer");
        var host = await page.Locator(".form-host").InnerHTMLAsync();
        foreach (var english in new[] { ">Select<", "\"Search\"", "No results", "\"Increment\"", "\"Decrement\"" })
            host.ShouldNotContain(english);

        await page.GetByLabel("Urlaub von").ClickAsync();
        var calendar = page.Locator(".flatpickr-calendar.open");
        await Expect(calendar.Locator(".flatpickr-weekday").First).ToHaveTextAsync(new Regex("^\\s*Mo\\s*$"));
        (await calendar.Locator(".flatpickr-monthDropdown-month").AllInnerTextsAsync()).ShouldContain("Dezember");
        await page.Keyboard.PressAsync("Escape");
        await page.ShouldHaveNoSeriousViolationsAsync("a task form with form-js's own controls in German");
    }
}

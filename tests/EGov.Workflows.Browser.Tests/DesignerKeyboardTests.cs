using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The designer's mouse tools have keyboard ways (issue 11, BITV 2.0), tested with the keyboard only — Tab to reach a
/// control, Enter, Space, arrow keys and typing to use it, no click: the token simulation (start, the gateway's branch, a
/// step, reset) from its panel, and a user-task form's fields (add, label, key, Pflichtfeld, move up) in the field list,
/// which edits the same form JSON the form-js editor shows. axe-core runs on the page with both parts in use.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DesignerKeyboardTests
{
    private readonly BrowserFixture fixture;

    public DesignerKeyboardTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    /// <summary>Presses Tab until the target has the focus; our own controls must show it.</summary>
    private static async Task TabToAsync(IPage page, ILocator target, int max = 600)
    {
        for (var i = 0; i < max; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (!await target.EvaluateAsync<bool>("e => e === document.activeElement")) continue;
            var visible = await target.EvaluateAsync<bool>(
                "e => { const s = getComputedStyle(e); return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none'; }");
            visible.ShouldBeTrue($"the focus is not visible on {await target.EvaluateAsync<string>("e => e.outerHTML.slice(0, 120)")}");
            return;
        }
        throw new ShouldAssertException($"{target} was not reached with Tab in {max} steps");
    }

    [BrowserFact]
    public async Task TheTokenSimulation_IsStarted_Branched_Stepped_AndReset_WithTheKeyboardOnly()
    {
        using (var api = await MachineClients.SignedInAsync(fixture.Server, "tastatur", ["analyst"], ["*"]))
        using (var content = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "DesignerRecordingTests.bpmn"))))
        {
            content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
            using var deployed = await api.PostAsync("api/deployments?name=aufzeichnung.bpmn", content);
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        }
        var page = await Analysts.SignedInAsync(fixture, "/designer/Process_Aufzeichnung");
        await Expect(page.Locator(".designer-canvas [data-element-id=Start]").First).ToBeVisibleAsync();
        var panel = page.Locator(".designer-simulation");
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "Token-Simulation mit der Tastatur" })).ToBeVisibleAsync();

        var onOff = panel.GetByRole(AriaRole.Button, new() { Name = "Simulation starten" });
        await TabToAsync(page, onOff);
        await page.Keyboard.PressAsync("Enter");
        await Expect(panel.Locator("#simulation-an")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(panel.Locator("#simulation-an")).ToHaveTextAsync("Simulation beenden");

        // The gateway's branch: "nein" instead of the first one.
        var branch = panel.GetByLabel("Weg nach Genehmigt?");
        await Expect(branch).ToHaveValueAsync("Flow_Ja");
        await TabToAsync(page, branch);
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(branch).ToHaveValueAsync("Flow_Nein");
        await Expect(panel.Locator(".simulation-live")).ToHaveTextAsync("An Genehmigt? geht der Token nach Abgelehnt.");

        // A step: the start event's token goes along the chosen branch to its end.
        var start = panel.GetByRole(AriaRole.Button, new() { Name = "Auslösen: Antrag da" });
        await TabToAsync(page, start);
        await page.Keyboard.PressAsync("Enter");
        var log = panel.Locator(".simulation-log");
        await Expect(log).ToContainTextAsync("Token erreicht Abgelehnt.", new() { Timeout = 60_000 });
        ((await log.TextContentAsync()) ?? "").ShouldNotContain("Bescheid schreiben");
        await page.ShouldHaveNoSeriousViolationsAsync("/designer/Process_Aufzeichnung (Token-Simulation mit der Tastatur)");

        var reset = panel.GetByRole(AriaRole.Button, new() { Name = "Simulation zurücksetzen" });
        await TabToAsync(page, reset);
        await page.Keyboard.PressAsync("Enter");
        await Expect(panel.Locator(".simulation-live")).ToHaveTextAsync("Die Simulation wurde zurückgesetzt.");
        await Expect(log.Locator("li")).ToHaveCountAsync(0);
        await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "Auslösen: Antrag da" })).ToBeVisibleAsync();

        // And off again: the modeller is back.
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Shift+Tab");
        await Expect(panel.Locator("#simulation-an")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(panel.Locator("#simulation-an")).ToHaveAttributeAsync("aria-pressed", "false");
    }

    [BrowserFact]
    public async Task AFormsFields_AreAdded_Labelled_Keyed_Required_AndMoved_WithTheKeyboardOnly_InTheSameFormJson()
    {
        var page = await Analysts.SignedInAsync(fixture, "/designer/Process_Urlaubsantrag");
        var edit = page.GetByRole(AriaRole.Button, new() { Name = "Formular urlaub-vertretung.form bearbeiten" });
        await Expect(edit).ToBeVisibleAsync();
        await TabToAsync(page, edit);
        await page.Keyboard.PressAsync("Enter");
        var fields = page.Locator(".field-list-editor");
        await Expect(fields.GetByRole(AriaRole.Heading, new() { Name = "Felder mit der Tastatur bearbeiten" })).ToBeVisibleAsync();
        var json = page.GetByLabel("Formular als JSON");
        await Expect(json).ToHaveValueAsync(new Regex("\"components\""));
        var before = JsonNode.Parse(await json.InputValueAsync())!["components"]!.AsArray().Count;
        before.ShouldBeGreaterThan(0);

        // Add a field: the focus goes to its label; type it, Tab to the key, type it, Tab to the kind, Tab to Pflichtfeld, Space.
        await TabToAsync(page, fields.GetByRole(AriaRole.Button, new() { Name = "Feld hinzufügen" }));
        await page.Keyboard.PressAsync("Enter");
        var label = fields.Locator($"#feld-{before}-beschriftung");
        await Expect(label).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("Telefonnummer für Rückfragen");
        await page.Keyboard.PressAsync("Tab");
        await Expect(fields.Locator($"#feld-{before}-schluessel")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("telefon");
        await page.Keyboard.PressAsync("Tab");
        await Expect(fields.Locator($"#feld-{before}-typ")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(fields.Locator($"#feld-{before}-pflicht")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Space");
        await Expect(fields.Locator(".field-list-live")).ToHaveTextAsync("Feld Telefonnummer für Rückfragen ist jetzt ein Pflichtfeld.");

        // Move it up one place with "Nach oben": the list shows the new order and says so, the focus follows the field.
        await TabToAsync(page, fields.Locator($"#feld-{before}-hoch"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(fields.Locator(".field-list-live")).ToContainTextAsync($"steht jetzt an Stelle {before} von {before + 1}");
        await Expect(fields.Locator("legend").Nth(before - 1)).ToHaveTextAsync($"Feld {before}: Telefonnummer für Rückfragen");
        await Expect(fields.Locator($"#feld-{before - 1}-hoch")).ToBeFocusedAsync();

        // The same form JSON, in the JSON field and in the form-js editor.
        await Expect(json).ToHaveValueAsync(new Regex("telefon"));
        var components = JsonNode.Parse(await json.InputValueAsync())!["components"]!.AsArray();
        components.Count.ShouldBe(before + 1);
        var added = components.Single(c => c!["key"]?.GetValue<string>() == "telefon")!;
        added["label"]!.GetValue<string>().ShouldBe("Telefonnummer für Rückfragen");
        added["type"]!.GetValue<string>().ShouldBe("textfield");
        added["validate"]!["required"]!.GetValue<bool>().ShouldBeTrue();
        await Expect(page.Locator(".designer-forms .fjs-editor-container")).ToContainTextAsync("Telefonnummer für Rückfragen");
        await page.ShouldHaveNoSeriousViolationsAsync("/designer/Process_Urlaubsantrag (Feldliste des Formulars)");

        // Kept with the draft: "Formular übernehmen".
        await TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Formular übernehmen" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(".designer-forms tr[data-form='urlaub-vertretung.form']")).ToContainTextAsync("im Entwurf geändert");

        // The server keeps the form as moved: the new field one place above the last.
        var keys = new List<string?>();
        for (var i = 0; i < 30 && keys.IndexOf("telefon") != before - 1; i++)
        {
            if (i > 0) await Task.Delay(500);
            var response = await page.APIRequest.GetAsync("/api/designer/Process_Urlaubsantrag/draft");
            var draft = JsonNode.Parse(await response.TextAsync())!;
            keys = draft["forms"]?["urlaub-vertretung.form"]?["components"]?.AsArray().Select(c => c!["key"]?.GetValue<string>()).ToList() ?? [];
        }
        keys.Count.ShouldBe(before + 1);
        keys.IndexOf("telefon").ShouldBe(before - 1);
    }

    /// <summary>
    /// "Nach oben"/"Nach unten" reach the saved form: after a move and "Formular übernehmen" the draft the server keeps has
    /// the new order — for a form whose fields have no rows (<c>layout.row</c>) and for one whose fields have them.
    /// </summary>
    [BrowserFact]
    public async Task AFieldMovedWithTheKeyboard_IsSavedInItsNewPlace_WithAndWithoutLayoutRows()
    {
        const string path = "/designer/Process_Urlaubsantrag";
        var page = await Analysts.SignedInAsync(fixture, path);
        var edit = page.GetByRole(AriaRole.Button, new() { Name = "Formular urlaub-vertretung.form bearbeiten" });
        await edit.ClickAsync();
        var fields = page.Locator(".field-list-editor");
        var json = page.GetByLabel("Formular als JSON");
        await Expect(json).ToHaveValueAsync(new Regex("\"components\""));
        var original = JsonNode.Parse(await json.InputValueAsync())!["components"]!.AsArray();
        var ids = original.Select(c => c!["id"]!.GetValue<string>()).ToList();
        ids.Count.ShouldBeGreaterThanOrEqualTo(3);
        original.ShouldAllBe(c => c!["layout"] == null || c["layout"]!["row"] == null, "the form is meant to have no rows");

        async Task<List<string>> SavedAsync()
        {
            var response = await page.APIRequest.GetAsync("/api/designer/Process_Urlaubsantrag/draft");
            response.Status.ShouldBe(200, await response.TextAsync());
            var draft = JsonNode.Parse(await response.TextAsync())!;
            return draft["forms"]!["urlaub-vertretung.form"]!["components"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
        }

        async Task<List<string?>> SavedRowsAsync()
        {
            var draft = JsonNode.Parse(await (await page.APIRequest.GetAsync("/api/designer/Process_Urlaubsantrag/draft")).TextAsync())!;
            return draft["forms"]!["urlaub-vertretung.form"]!["components"]!.AsArray().Select(c => c!["layout"]?["row"]?.GetValue<string>()).ToList();
        }

        // Saves and reads the draft until it has the expected order (the save may still be on its way), at most 15 s.
        async Task SaveAndExpectAsync(List<string> order)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Formular übernehmen" }).ClickAsync();
            await Expect(page.Locator(".designer-forms tr[data-form='urlaub-vertretung.form']")).ToContainTextAsync("im Entwurf geändert");
            var saved = await SavedAsync();
            for (var i = 0; i < 30 && !saved.SequenceEqual(order); i++)
            {
                await Task.Delay(500);
                saved = await SavedAsync();
            }
            saved.ShouldBe(order);
        }

        // Without rows: the second field goes down one place, the first up one place (the keyboard's Enter on each) — with a
        // label changed just before, not yet in the form-js editor (it goes there when the focus leaves the list).
        await fields.Locator("#feld-1-beschriftung").FillAsync("Vertreten durch");
        await page.Keyboard.PressAsync("Tab");
        await fields.Locator("#feld-1-runter").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(fields.Locator(".field-list-live")).ToContainTextAsync("steht jetzt an Stelle 3");
        await fields.Locator("#feld-0-runter").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(fields.Locator(".field-list-live")).ToContainTextAsync("steht jetzt an Stelle 2");
        List<string> expected = [ids[2], ids[0], ids[1], .. ids.Skip(3)];
        await SaveAndExpectAsync(expected);

        // With rows (as the form-js editor writes them for fields placed by drag and drop): the JSON field gives every field
        // its own row, then the last field goes up one place.
        await edit.ClickAsync();
        await Expect(json).ToHaveValueAsync(new Regex("\"components\""));
        var form = JsonNode.Parse(await json.InputValueAsync())!.AsObject();
        var n = 0;
        foreach (var c in form["components"]!.AsArray()) c!["layout"] = new JsonObject { ["row"] = $"Row_{n++}", ["columns"] = null };
        await json.FillAsync(form.ToJsonString());
        await json.DispatchEventAsync("change");
        await page.GetByRole(AriaRole.Button, new() { Name = "Formular übernehmen" }).ClickAsync();
        for (var i = 0; i < 30 && (await SavedRowsAsync()).Distinct().Count() < ids.Count; i++) await Task.Delay(500);
        (await SavedRowsAsync()).Distinct().Count().ShouldBe(ids.Count, "every field has its own row in the draft");
        (await SavedAsync()).ShouldBe(expected);
        await edit.ClickAsync();
        await Expect(json).ToHaveValueAsync(new Regex("Row_"));
        var last = ids.Count - 1;
        await fields.Locator($"#feld-{last}-beschriftung").FillAsync("Bemerkung (geändert)");
        await page.Keyboard.PressAsync("Tab");
        await fields.Locator($"#feld-{last}-hoch").PressAsync("Enter");
        await Expect(fields.Locator(".field-list-live")).ToContainTextAsync($"steht jetzt an Stelle {last}");
        List<string> reordered = [.. expected];
        (reordered[last - 1], reordered[last]) = (reordered[last], reordered[last - 1]);
        await SaveAndExpectAsync(reordered);
    }
}

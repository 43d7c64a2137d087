using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Identity.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The designer, its properties panel (every group of several element kinds opened), the palette and context pad, and
/// the cockpit's pages speak German (issue 11): no word of a list of common English UI words remains in their texts,
/// titles, accessible names or placeholders. Words that are the same in German or are technical terms (Name, ID,
/// Version, Format, Code, Signal, Details, Connector, Deployment, Job, Token, Link, Start, Status, Element, Gateway,
/// Listener, Topic, Timer…) are not on the list, nor are product names (FIT-Connect) and what stands in parentheses
/// beside a German text (egov:activity, an id). What the analyst wrote (element names, ids, the model's own values, form
/// fields) is not looked at.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class GermanLabelsTests
{
    private readonly BrowserFixture fixture;

    public GermanLabelsTests(BrowserFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    /// <summary>Common English words of modeller and panel UIs that have a German word of their own (compared ignoring case).</summary>
    private static readonly HashSet<string> English = new(StringComparer.OrdinalIgnoreCase)
    {
        // panel groups and entries
        "general", "documentation", "implementation", "input", "inputs", "output", "outputs", "mapping", "mappings", "assignment",
        "asynchronous", "continuation", "continuations", "before", "after", "exclusive", "execution", "retry", "retries",
        "priority", "forms", "reference", "custom", "generated", "user", "users", "assignee", "candidate", "candidates", "groups",
        "due", "follow", "extension", "extensions", "properties", "property", "field", "fields",
        "injection", "injections", "condition", "conditions", "expression", "delegate", "external", "script", "resource",
        "decision", "binding", "timer", "duration", "cycle", "message", "messages", "error", "errors", "escalation",
        "tasklist", "startable", "collection", "variables", "target", "source", "local", "label", "key", "values", "value",
        "template", "templates", "select", "unlink", "remove", "update", "create", "add", "delete", "type", "task", "tasks", "event",
        "events", "process", "flow", "sequence", "default", "loop", "characteristics", "instance", "instances", "entries", "entry",
        "completion", "empty", "none", "open", "close", "search", "append", "change", "show",
        "hide", "toggle", "enter", "edit", "insert", "history", "cleanup", "time", "live", "starters", "called", "powered",
        "business", "tenant", "activity", "activities", "wait", "throw", "catch", "interrupting", "cancel",
        "attached", "category", "group", "data", "store", "object", "participant", "lane", "class",
        // palette, context pad, simulation
        "tool", "tools", "space", "connection", "subprocess", "usertask", "servicetask", "startevent", "endevent", "sub", "call", "send", "receive", "manual", "rule", "based",
        "inclusive", "complex", "intermediate", "boundary", "compensation", "definitions", "correlation", "play", "reset",
        "point", "log", "choose", "settings", "color", "colour", "help",
        // sentences
        "the", "and", "or", "of", "to", "for", "with", "is", "are", "this", "that", "be", "no", "yes", "on", "off", "at", "by",
        "from", "if", "when", "can", "must", "should", "use", "used", "using", "please", "click", "drag", "here", "new", "end",
    };

    private const string CollectTexts = """
        (selectors) => {
          const skip = 'code, pre, textarea, .bjsl-overlay .rule, .djs-label, .designer-text, .fjs-container, .designer-canvas svg text, .bjs-powered-by, [data-user-text]';
          const out = [];
          for (const root of selectors.flatMap(s => [...document.querySelectorAll(s)])) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const el = n.parentElement;
              if (!el || el.closest(skip)) continue;
              const style = getComputedStyle(el);
              if (style.display === 'none' || style.visibility === 'hidden') continue;
              if (n.textContent.trim()) out.push(n.textContent.trim());
            }
            for (const el of root.querySelectorAll('[title], [aria-label], [placeholder], option')) {
              if (el.closest(skip)) continue;
              for (const a of ['title', 'aria-label', 'placeholder']) { const v = el.getAttribute(a); if (v) out.push(v); }
              if (el.tagName === 'OPTION' && el.textContent.trim()) out.push(el.textContent.trim());
            }
          }
          return out;
        }
        """;

    /// <summary>
    /// The words of the texts: what stands in parentheses is a technical name given beside the German (egov:activity, a
    /// template id, an element id) and is left out, as is every identifier (with _ : . or digits, as element ids are).
    /// </summary>
    private static IEnumerable<string> EnglishIn(IEnumerable<string> texts) =>
        texts.SelectMany(t => Regex.Matches(Regex.Replace(t, @"\([^)]*\)", " "), @"[\p{L}\p{N}_:.]+").Select(m => (Word: m.Value.TrimEnd('.', ':'), Text: t)))
            .Where(w => !Regex.IsMatch(w.Word, @"[_:.\p{N}]") && English.Contains(w.Word))
            .Select(w => $"„{w.Word}“ in „{(w.Text.Length > 100 ? w.Text[..100] + "…" : w.Text)}“")
            .Distinct();

    private static async Task<IReadOnlyList<string>> TextsAsync(IPage page, params string[] selectors) =>
        await page.EvaluateAsync<string[]>(CollectTexts, selectors);

    /// <summary>Opens every collapsed group of the properties panel (and the lists inside them).</summary>
    private static async Task OpenAllGroupsAsync(IPage page)
    {
        var headers = page.Locator(".designer-properties .bio-properties-panel-group-header:not(.open)");
        for (var i = 0; i < 40 && await headers.CountAsync() > 0; i++) await headers.First.ClickAsync();
        var items = page.Locator(".designer-properties .bio-properties-panel-collapsible-entry-header:not(.open)");
        for (var i = 0; i < 40 && await items.CountAsync() > 0; i++) await items.First.ClickAsync();
    }

    [BrowserFact]
    public async Task TheDesignerAndItsPropertiesPanel_ShowNoEnglishUiWords()
    {
        var page = await Analysts.SignedInAsync(fixture, "/designer/Process_Urlaubsantrag");
        await Expect(page.Locator(".designer-canvas [data-element-id=Task_Antrag_Pruefen]").First).ToBeVisibleAsync();
        var found = new List<string>();

        // The page itself (toolbar, sections, the keyboard parts), the palette's titles.
        found.AddRange(EnglishIn(await TextsAsync(page, "main", ".djs-palette")));

        // The process (nothing selected), then one element of each kind the service uses; each with its context pad.
        string[] elements = ["StartEvent_Urlaubsantrag_Gestellt", "Task_Antrag_Pruefen", "Task_Genehmigungsweg_Bestimmen", "Gateway_Antrag_Plausibel",
            "SubProcess_Vertretung_Und_Genehmigung", "Task_Vorgesetzte_Genehmigen", "Event_Genehmigung_Ueberfaellig", "EndEvent_Antrag_Zurueckgegeben"];
        await OpenAllGroupsAsync(page);
        found.AddRange(EnglishIn(await TextsAsync(page, ".designer-properties")).Select(w => $"Prozess: {w}"));
        foreach (var id in elements)
        {
            await page.Locator($".designer-canvas .djs-element[data-element-id={id}] .djs-hit").First.ClickAsync(new() { Force = true });
            await Expect(page.Locator(".designer-properties .bio-properties-panel-header")).ToBeVisibleAsync();
            await OpenAllGroupsAsync(page);
            found.AddRange(EnglishIn(await TextsAsync(page, ".designer-properties", ".djs-context-pad")).Select(w => $"{id}: {w}"));
        }
        found.Distinct().ShouldBeEmpty("English words in the designer:\n" + string.Join("\n", found.Distinct()));
    }

    [BrowserFact]
    public async Task TheCockpitsPages_ShowNoEnglishUiWords()
    {
        using var machine = await MachineClients.SignedInAsync(fixture.Server, "deutsch", ["clerk", "operator"], ["*"]);
        var started = await machine.PostAsJsonAsync("api/process-definitions/Process_Urlaubsantrag/start", new
        {
            variables = new { antrag = new { von = "2026-12-01", bis = "2026-12-05", tage = 5 }, mitarbeiter = "erika", vorgesetzter = "max", vertretung = "jan" },
            businessKey = $"DE-{Guid.NewGuid():N}"[..12],
        });
        var text = await started.Content.ReadAsStringAsync();
        ((int)started.StatusCode).ShouldBe(201, text);
        var id = JsonNode.Parse(text)!["id"]!.GetValue<string>();

        var name = $"op{Guid.NewGuid():N}"[..12];
        await fixture.Server.App.Services.GetRequiredService<AccountStore>().CreateAsync(new NewAccount(name, "Betrieb " + name, ["operator"], [], []), Analysts.Password);
        var page = await fixture.NewPageAsync();
        page.Context.SetDefaultTimeout(30_000);
        await page.GotoAsync("/betrieb");
        await page.GetByLabel("Benutzername", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync(Analysts.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickAsync();
        await Expect(page.Locator("tbody tr").First).ToBeVisibleAsync();
        var found = EnglishIn(await TextsAsync(page, "body")).Select(w => $"/betrieb: {w}").ToList();

        await page.GotoAsync($"/betrieb/{id}");
        await Expect(page.Locator("#verlauf-titel")).ToBeVisibleAsync();
        await Expect(page.Locator("#schritte-tabelle table")).ToBeVisibleAsync();
        found.AddRange(EnglishIn(await TextsAsync(page, "body")).Select(w => $"/betrieb/{{id}}: {w}"));
        found.ShouldBeEmpty("English words in the cockpit:\n" + string.Join("\n", found));
    }

    [BrowserFact]
    public async Task TheMobilfunkOverviewAndTheDayView_ShowNoEnglishUiWords()
    {
        var now = NodaTime.SystemClock.Instance.GetCurrentInstant();
        var p = Guid.NewGuid().ToString("N")[..6];
        var mobil = fixture.Server.App.Services.GetRequiredService<EGov.Workflows.Host.Mobilfunk.MobilfunkRegister>().Store;
        mobil.PutTarif("default", new EGov.Workflows.Persistence.Mobilfunk.Tarif($"t-{p}", "Behördentarif", 9.90m, 24, 10, true, now));
        mobil.Bestellen("default", new EGov.Workflows.Persistence.Mobilfunk.Bestellung($"MF-{p}", "jemand", $"KST-{p}", $"t-{p}", null, null, now));
        var termine = fixture.Server.App.Services.GetRequiredService<EGov.Workflows.Host.Termine.TerminRegister>().Store;
        termine.PutStandort("default", new EGov.Workflows.Persistence.Termine.Standort($"de-{p}", $"Bürgerbüro {p}", null, 1, 15, 60, "bb", true, now));
        termine.PutDienstleistung("default", new EGov.Workflows.Persistence.Termine.Dienstleistung($"d-{p}", "Meldebescheinigung", 10, null, true, now));
        termine.Buchen("default", new EGov.Workflows.Persistence.Termine.Termin($"T-{p}", $"de-{p}", 0, $"d-{p}", now - NodaTime.Duration.FromMinutes(1),
            now + NodaTime.Duration.FromMinutes(9), "gebucht", "b", "Erika Mustermann", null, null, null, now, now), 1);

        var page = await Staff.SignedInAsync(fixture, Staff.NewName("its"), ["itservice"], [], "/mobilfunk");
        await Expect(page.Locator("table.kosten-table")).ToBeVisibleAsync();
        var found = EnglishIn(await TextsAsync(page, "body")).Select(w => $"/mobilfunk: {w}").ToList();
        page = await Staff.SignedInAsync(fixture, Staff.NewName("bb"), ["clerk"], ["bb"], $"/termine?standort=de-{p}");
        await Expect(page.Locator("table.termine-table tbody tr").First).ToBeVisibleAsync();
        found.AddRange(EnglishIn(await TextsAsync(page, "body")).Select(w => $"/termine: {w}"));
        found.ShouldBeEmpty("English words on the pages:\n" + string.Join("\n", found));
    }

    [BrowserFact]
    public async Task TheStadtplanungSearch_ShowsNoEnglishUiWords()
    {
        var now = NodaTime.SystemClock.Instance.GetCurrentInstant();
        var p = Guid.NewGuid().ToString("N")[..6];
        var store = fixture.Server.App.Services.GetRequiredService<EGov.Workflows.Host.Stadtplanung.StadtplanungRegister>().Store;
        store.PutVerfahren("default", new EGov.Workflows.Persistence.Stadtplanung.Verfahren($"BP-{p}", null, $"BP-{p}", "Am Stadtpark", "Bebauungsplan", $"Gemarkung-{p}",
            "Flur 3", "regel", "61.20.01", null, $"61.20.01-BP-{p}", "stadtplanung-bauleitplanung", true, [], "auslegung", new NodaTime.LocalDate(2026, 3, 2), now, now));
        var page = await Staff.SignedInAsync(fixture, Staff.NewName("sp"), ["clerk"], ["stadtplanung-bauleitplanung"], $"/stadtplanung?gemarkung=Gemarkung-{p}");
        await Expect(page.Locator("table.stadtplanung-table tbody tr").First).ToBeVisibleAsync();
        var found = EnglishIn(await TextsAsync(page, "body")).Select(w => $"/stadtplanung: {w}").ToList();
        found.ShouldBeEmpty("English words on the page:\n" + string.Join("\n", found));
    }
}

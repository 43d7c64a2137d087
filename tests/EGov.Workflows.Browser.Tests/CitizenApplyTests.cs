using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using EGov.Workflows.Host;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Simulators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The citizen's whole way in headless Chromium against the real server: sign in at the BundID simulator (samlify) with
/// level substanziell, apply for the Anwohnerparkausweis with the prefilled identity, confirm the summary, pay on the
/// XBezahldienste simulator's page, land on "Meine Vorgänge" with "Antrag eingegangen" and "Gebühr bezahlt"; a clerk
/// completes the check in the Postkorb; the citizen's status shows the next milestone. axe-core on every citizen page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CitizenApplyTests : IClassFixture<CitizenApplyFixture>
{
    private readonly CitizenApplyFixture fixture;

    public CitizenApplyTests(CitizenApplyFixture fixture)
    {
        this.fixture = fixture;
        SetDefaultExpectTimeout(30_000);
    }

    [BrowserFact]
    public async Task Citizen_SignsInWithBundId_AppliesWithPrefilledData_Pays_AndFollowsTheCaseWhileTheClerkWorksIt()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/buerger/leistungen/Process_Anwohnerparkausweis");

        // BundID simulator: the requested level is preselected; Maria Neumann is the first test person.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "BundID-Simulator – Anmeldung" })).ToBeVisibleAsync();
        await Expect(page.GetByText("STORK-QAA-Level-3")).ToBeVisibleAsync();
        await page.GetByLabel("substanziell – ELSTER-Zertifikat").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Weiter zum Dienst" }).ClickAsync();

        // The application form: identity fields prefilled and read-only.
        await Expect(page).ToHaveURLAsync(new Regex("/buerger/leistungen/Process_Anwohnerparkausweis$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Anwohnerparkausweis beantragen");
        var vorname = page.GetByLabel("Vorname");
        await Expect(vorname).ToHaveValueAsync("Maria");
        await Expect(vorname).Not.ToBeEditableAsync();
        await Expect(page.GetByLabel("Nachname")).ToHaveValueAsync("Neumann");
        await Expect(page.GetByLabel("Straße und Hausnummer")).ToHaveValueAsync("Thomas-Mann-Straße 3");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/leistungen (form)");

        await page.GetByLabel("Kennzeichen").FillAsync("B-MN 1964");
        await page.GetByLabel("Halterin oder Halter des Fahrzeugs").FillAsync("Maria Neumann");
        await page.GetByLabel("A – Altstadt").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Entwurf speichern" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Entwurf ist gespeichert" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Weiter zur Zusammenfassung" }).ClickAsync();

        // The summary to confirm.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Bitte prüfen Sie Ihre Angaben");
        var summary = page.Locator("dl.zusammenfassung");
        await Expect(summary).ToContainTextAsync("Maria (aus der BundID)");
        await Expect(summary).ToContainTextAsync("B-MN 1964");
        await Expect(summary).ToContainTextAsync("A – Altstadt");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/leistungen (summary)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Antrag absenden" }).ClickAsync();

        // The confirmation with the Aktenzeichen, and the e-mail with it.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ihr Antrag ist eingegangen");
        var aktenzeichen = (await page.Locator("#aktenzeichen").TextContentAsync())!.Trim();
        aktenzeichen.ShouldMatch(@"^B-\d{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/leistungen (confirmation)");
        Directory.GetFiles(fixture.MailDirectory, "*.eml").Select(File.ReadAllText).ShouldContain(m => m.Contains(aktenzeichen, StringComparison.Ordinal));

        // Pay on the payment simulator's page; it sends the citizen back to "Meine Vorgänge".
        await page.GetByRole(AriaRole.Link, new() { Name = "Gebühr jetzt bezahlen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Bezahldienst-Simulator" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Jetzt bezahlen" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/buerger/vorgaenge$"));
        var mine = page.Locator("section").Filter(new() { HasText = aktenzeichen });
        await EventuallyAsync(page, mine, "✓ Gebühr bezahlt");
        await Expect(mine).ToContainTextAsync("✓ Antrag eingegangen");
        await Expect(mine).ToContainTextAsync("Antrag entschieden – noch offen");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/vorgaenge");

        // The clerk completes the check in the Postkorb.
        var clerk = await fixture.ClerkAsync("sachbearbeitung-parken");
        var row = clerk.Locator("tbody tr").Filter(new() { HasText = aktenzeichen });
        await row.GetByRole(AriaRole.Button, new() { Name = "Übernehmen", Exact = true }).ClickAsync();
        await Expect(row).ToContainTextAsync("Sie");
        await row.GetByRole(AriaRole.Link, new() { Name = "Antrag prüfen und entscheiden" }).ClickAsync();
        await Expect(clerk.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Antrag prüfen und entscheiden");
        await clerk.GetByLabel("Antrag genehmigen").CheckAsync();
        await clerk.GetByLabel("Begründung").FillAsync("Voraussetzungen erfüllt");
        await clerk.GetByRole(AriaRole.Button, new() { Name = "Abschließen", Exact = true }).ClickAsync();
        await Expect(clerk.GetByRole(AriaRole.Status)).ToContainTextAsync("wurde abgeschlossen");

        // The citizen's status shows the next milestone.
        await EventuallyAsync(page, mine, "✓ Antrag entschieden");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/vorgaenge after the decision");
    }

    private const string EidCheckModel = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                          xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0" id="Defs_Browser_Eid" targetNamespace="https://egov-workflows.de/tests">
          <bpmn:process id="Process_Browser_EidCheck" name="Auskunft aus dem Melderegister" isExecutable="true">
            <bpmn:startEvent id="Start" egov:trustLevel="niedrig" egov:milestone="Antrag eingegangen" />
            <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Eid" />
            <bpmn:serviceTask id="Eid" name="Identifizierung verlangen" egov:activity="eid-check">
              <bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="niveau">substanziell</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:sequenceFlow id="F2" sourceRef="Eid" targetRef="Pruefen" />
            <bpmn:userTask id="Pruefen" name="Auskunft erteilen" egov:milestone="Identität bestätigt" />
            <bpmn:sequenceFlow id="F3" sourceRef="Pruefen" targetRef="Ende" />
            <bpmn:endEvent id="Ende" />
          </bpmn:process>
        </bpmn:definitions>
        """;

    [BrowserFact]
    public async Task Citizen_BelowTheLevel_GetsTheStepUpPage_AndAnEidCheckLaterInTheCaseIsPassedBySigningInAgain()
    {
        await fixture.DeployAsync("browser-eid-check.bpmn", EidCheckModel);
        var page = await fixture.NewPageAsync();
        // Signed in at "niedrig" (BundID's user name and password).
        await page.GotoAsync("/buerger/leistungen/Process_Browser_EidCheck");
        await page.GetByLabel("niedrig – Benutzername und Passwort").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Weiter zum Dienst" }).ClickAsync();

        // A service that needs more: the page says so and offers the sign-in at that level.
        await page.GotoAsync("/buerger/leistungen/Process_Anwohnerparkausweis");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Vertrauensniveau nicht ausreichend");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Erneut anmelden" })).ToHaveAttributeAsync("href", new Regex("niveau=substantial"));
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/leistungen (level too low)");

        // A service without a form: summary, send; the case then waits in eid-check for "substanziell".
        await page.GotoAsync("/buerger/leistungen/Process_Browser_EidCheck");
        await page.GetByRole(AriaRole.Button, new() { Name = "Weiter zur Zusammenfassung" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Antrag absenden" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ihr Antrag ist eingegangen");
        var cases = await page.Context.APIRequest.GetAsync("/api/citizen/cases");
        var id = System.Text.Json.Nodes.JsonNode.Parse(await cases.TextAsync())!.AsArray()[0]!["id"]!.GetValue<string>();

        await page.GotoAsync($"/buerger/vorgaenge/{id}/identifizierung");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Erneute Anmeldung nötig");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/vorgaenge/{id}/identifizierung (step-up)");
        await page.GetByRole(AriaRole.Link, new() { Name = "Erneut anmelden" }).ClickAsync();
        await Expect(page.GetByText("STORK-QAA-Level-3")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Weiter zum Dienst" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Anmeldung bestätigen");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/vorgaenge/{id}/identifizierung (confirm)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmeldung für den Antrag übernehmen" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/buerger/vorgaenge$"));
        await EventuallyAsync(page, page.Locator("section").Filter(new() { HasText = "Auskunft aus dem Melderegister" }), "✓ Identität bestätigt");
    }

    /// <summary>The status page is rendered on the server: reload until the text is there (the case moves on in jobs).</summary>
    [BrowserFact]
    public async Task Parents_ApplyOnlineForAKitaPlace_WithBundId_AndFollowTheCaseToTheOffer()
    {
        await fixture.KitaAsync("sonnenschein", "Kita Sonnenschein");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/buerger/leistungen/Process_KitaAnmeldung");

        // Nils Karlsson: BundID proves name and e-mail, no address (he enters it himself).
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "BundID-Simulator – Anmeldung" })).ToBeVisibleAsync();
        await page.GetByLabel("Nils Karlsson").CheckAsync();
        await page.GetByLabel("substanziell – ELSTER-Zertifikat").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Weiter zum Dienst" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/buerger/leistungen/Process_KitaAnmeldung$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Kita-Platz anmelden");
        var vorname = Box(page, "Vorname");
        await Expect(vorname).ToHaveValueAsync("Nils");
        await Expect(vorname).Not.ToBeEditableAsync();
        await Expect(Box(page, "E-Mail-Adresse")).Not.ToBeEditableAsync();
        await Expect(Box(page, "Wohnort")).ToBeEditableAsync();
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/leistungen/Process_KitaAnmeldung (form)");

        await Box(page, "Straße und Hausnummer").FillAsync("Lindenweg 5");
        await Box(page, "Postleitzahl").FillAsync("64283");
        await Box(page, "Wohnort").FillAsync("Musterstadt");
        await Box(page, "Vorname des Kindes").FillAsync("Ida");
        await Box(page, "Familienname des Kindes").FillAsync("Karlsson");
        await Box(page, "Geburtsdatum des Kindes").FillAsync("03.11.2025");
        await Box(page, "Geburtsdatum des Kindes").PressAsync("Tab");
        await Box(page, "Gewünschter Betreuungsbeginn").FillAsync("04.01.2027");
        await Box(page, "Gewünschter Betreuungsbeginn").PressAsync("Tab");
        await Box(page, "Erster Wunsch (Kita)").FillAsync("sonnenschein");
        await page.GetByRole(AriaRole.Radio, new() { Name = "beide Eltern berufstätig oder in Ausbildung" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Weiter zur Zusammenfassung" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Bitte prüfen Sie Ihre Angaben");
        var summary = page.Locator("dl.zusammenfassung");
        await Expect(summary).ToContainTextAsync("Nils (aus der BundID)");
        await Expect(summary).ToContainTextAsync("03.11.2025");
        await Expect(summary).ToContainTextAsync("beide Eltern berufstätig oder in Ausbildung");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/leistungen/Process_KitaAnmeldung (summary)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Antrag absenden" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ihr Antrag ist eingegangen");
        var aktenzeichen = (await page.Locator("#aktenzeichen").TextContentAsync())!.Trim();
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/leistungen/Process_KitaAnmeldung (confirmation)");

        // "Meine Vorgänge": the milestones of the Kita case, up to the offer of a place.
        await page.GotoAsync("/buerger/vorgaenge");
        var mine = page.GetByRole(AriaRole.Region, new() { Name = "Kita-Platz anmelden" }).Filter(new() { HasText = aktenzeichen });
        await EventuallyAsync(page, mine, "✓ Platz angeboten");
        await Expect(mine).ToContainTextAsync("✓ Online-Anmeldung eingegangen");
        await Expect(mine).ToContainTextAsync("✓ Auf der Warteliste");
        await page.ShouldHaveNoSeriousViolationsAsync("/buerger/vorgaenge (Kita)");
    }

    /// <summary>A text field of a form by its role and accessible name (form-js marks required fields after the label text).</summary>
    private static ILocator Box(IPage page, string name) => page.GetByRole(AriaRole.Textbox, new() { Name = name, Exact = true });

    private static async Task EventuallyAsync(IPage page, ILocator section, string text)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!(await section.TextContentAsync() ?? "").Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > until) throw new ShouldAssertException($"'{text}' did not show within 60 s: {await section.TextContentAsync()}");
            await Task.Delay(500);
            await page.ReloadAsync();
        }
    }
}

/// <summary>
/// The real server with processes/ and the built pages, the BundID simulator (node, tests/bundid-simulator) and the
/// XBezahldienste simulator on loopback, confirmation e-mails into a folder, and its own Chromium.
/// </summary>
public sealed class CitizenApplyFixture : IAsyncLifetime
{
    private const string PaymentSecret = "citizen-browser-test-secret";
    private IPlaywright? playwright;
    private IBrowser? browser;
    private RunningServer? server;
    private PaymentSimulator? payment;
    private MelderegisterSimulator? melderegister;
    private Process? bundId;
    private readonly StringBuilder bundIdOutput = new();

    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), "egov-citizen-mail-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium.ExecutablePath)) return; // every test is skipped
        if (Repository.EnsureWebBuilt() is { } problem) throw new InvalidOperationException(problem);
        payment = await PaymentSimulator.StartAsync();
        payment.Secret = PaymentSecret;
        // The Anwohnerparkausweis asks the Melderegister before its fee: without a register the case stops at an incident.
        melderegister = await MelderegisterSimulator.StartAsync();
        var port = FreePort();
        var simulatorPort = FreePort();
        await StartBundIdAsync(port, simulatorPort);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BundId:IdpMetadata"] = $"http://127.0.0.1:{simulatorPort}/metadata",
            ["BundId:OrganizationDisplayName"] = "Stadt Musterstadt",
            ["Packs:Payment:BaseUrl"] = payment.BaseUrl,
            ["Packs:Payment:OriginatorId"] = "anwohnerparken",
            ["Packs:Payment:EndpointId"] = "06412000",
            ["Packs:Payment:NotificationSecret"] = PaymentSecret,
            ["Packs:Melderegister:BaseUrl"] = melderegister.BaseUrl,
            ["Packs:Melderegister:ApiKey"] = melderegister.ApiKey,
            ["Packs:Melderegister:Behoerde"] = "Stadt Musterstadt, Straßenverkehrsbehörde",
            ["Packs:Notifications:From"] = "buergerservice@musterstadt.example",
            ["Packs:Notifications:Delivery"] = "Directory",
            ["Packs:Notifications:Directory"] = MailDirectory,
        }).Build();
        server = await EGovServer.StartAsync(new ServeOptions
        {
            Urls = $"http://127.0.0.1:{port}", Store = "memory", ProcessesDirectory = Repository.ProcessesDirectory,
            WebDirectory = Repository.WebDirectory, JobPollInterval = TimeSpan.FromMilliseconds(200), Configuration = configuration,
        });
        payment.NotifyUrl = new Uri(server.BaseAddress, "api/callbacks/default/payment/notify").ToString();
        playwright = await Playwright.CreateAsync();
        browser = await Chromium.LaunchAsync(playwright);
    }

    private async Task StartBundIdAsync(int serverPort, int simulatorPort)
    {
        var folder = Path.Combine(Repository.Root, "tests", "bundid-simulator");
        if (!File.Exists(Path.Combine(folder, "node_modules", "samlify", "package.json")))
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true })!;
            var log = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0) throw new InvalidOperationException($"npm ci in {folder} failed: {await log}");
        }
        var psi = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "simulator.mjs", "--sp", $"http://127.0.0.1:{serverPort}/saml/metadata", "--port", simulatorPort.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        bundId = Process.Start(psi)!;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bundId.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (bundIdOutput) bundIdOutput.AppendLine(e.Data);
            if (e.Data.StartsWith("listening on", StringComparison.Ordinal)) listening.TrySetResult();
        };
        bundId.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (bundIdOutput) bundIdOutput.AppendLine(e.Data); };
        bundId.BeginOutputReadLine();
        bundId.BeginErrorReadLine();
        if (await Task.WhenAny(listening.Task, bundId.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))) != listening.Task)
            lock (bundIdOutput) throw new InvalidOperationException($"the BundID simulator did not start:\n{bundIdOutput}");
    }

    /// <summary>A fresh browser context, German and in the administration's time zone.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server!.BaseAddress.ToString(), Locale = "de-DE", TimezoneId = "Europe/Berlin", ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>The engine of the default tenant (to start a case as a message would, and to work its staff tasks).</summary>
    public EGov.Workflows.Runtime.WorkflowEngine Engine =>
        server!.App.Services.GetRequiredService<EGov.Workflows.Host.Tenancy.TenantEngines>().Get("default").Engine;

    /// <summary>Deploys a model through the API as an analyst's machine client would.</summary>
    public async Task DeployAsync(string name, string xml)
    {
        using var http = await MachineClients.SignedInAsync(server!, "deploy", ["analyst"], ["*"]);
        using var content = new StringContent(xml, Encoding.UTF8, "application/xml");
        using var deployed = await http.PostAsync($"api/deployments?name={Uri.EscapeDataString(name)}", content);
        new[] { 200, 201 }.ShouldContain((int)deployed.StatusCode, await deployed.Content.ReadAsStringAsync());
    }

    /// <summary>A Kita with free places, kept by the Kita-Verwaltung through the API.</summary>
    public async Task KitaAsync(string id, string name)
    {
        using var http = await MachineClients.SignedInAsync(server!, "kita", ["kitaverwaltung"], ["*"]);
        using var content = new StringContent($$"""{"name":"{{name}}","adresse":"Lindenweg 3","plaetzeU3":3,"plaetzeUe3":3}""", Encoding.UTF8, "application/json");
        using var put = await http.PutAsync($"api/kita/einrichtungen/{Uri.EscapeDataString(id)}", content);
        ((int)put.StatusCode).ShouldBe(200, await put.Content.ReadAsStringAsync());
    }

    /// <summary>A clerk of the group, signed in through the sign-in form, on the Gruppenaufgaben.</summary>
    public async Task<IPage> ClerkAsync(string group)
    {
        const string password = "ein-langes-Passwort-1";
        var name = $"sb{Guid.NewGuid():N}"[..14];
        await server!.App.Services.GetRequiredService<AccountStore>().CreateAsync(new NewAccount(name, "Sachbearbeitung " + name, ["clerk"], [group], []), password);
        var page = await NewPageAsync();
        await page.GotoAsync("/aufgaben?view=group");
        await page.GetByLabel("Benutzername", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/aufgaben\\?view=group$"));
        return page;
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.CloseAsync();
        playwright?.Dispose();
        if (server is not null) await server.DisposeAsync();
        if (payment is not null) await payment.DisposeAsync();
        if (melderegister is not null) await melderegister.DisposeAsync();
        if (bundId is { } p)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            p.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Host.Citizens;
using EGov.Workflows.Host.Citizens.Status;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Identity.Citizens;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// The status like a parcel (issue 13 items 4–5) on the real server: access codes (right, wrong, unknown Aktenzeichen,
/// expired, guessing limit), the status filter (a model mixing internal tasks and milestones: nothing internal leaks),
/// what the citizen must do with an upload that moves the case, the expected completion date, and the Rückfrage round trip
/// from the clerk's API to the citizen's answer and the message it delivers. Citizen cases are recorded as the start
/// endpoint records them (citizen_cases row, instance with the owner, code issued), so these tests need no BundID.
/// </summary>
public sealed class CitizenStatusTests : IAsyncLifetime
{
    private const string Process = "Process_Buerger_Status";
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await _server.DeployAsync("citizen-status.bpmn");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private T Service<T>() where T : notnull => _server.Server.App.Services.GetRequiredService<T>();

    private Tenancy.TenantEngine Tenant => _server.Server.Engines.Get("default");

    /// <summary>Records a citizen case as <c>POST /api/citizen/services/{id}/start</c> does, and issues its access code.</summary>
    private async Task<(string Id, string Aktenzeichen, string Code)> CitizenCaseAsync(string owner = "buerger:test-owner-1", string process = Process, DateTimeOffset? expiresAt = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var az = "B-2026-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant() + "-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();
        await Service<CitizenCaseStore>().AddAsync("default", owner, id, process, az);
        Tenant.Engine.StartProcessAs(id, process, new JsonObject { ["buerger"] = new JsonObject { ["id"] = owner }, ["geheim"] = "interne Notiz zum Antrag" }, az, owner);
        var code = await Service<CitizenAccessCodes>().IssueAsync("default", id, az, expiresAt);
        return (id, az, code);
    }

    private Task<HttpResponseMessage> StatusByCodeAsync(string az, string code) =>
        _server.Anonymous.PostAsJsonAsync($"/api/status/{az}", new { code });

    private string OpenTask(string instanceId, string elementId) =>
        Tenant.Engine.OpenUserTasks(instanceId).Single(t => t.ElementId == elementId).Id;

    [Fact]
    public async Task AccessCode_IsLongRandomAndStoredHashed()
    {
        var (_, az, code) = await CitizenCaseAsync();
        code.ShouldMatch("^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){5}$");
        var row = await Service<CitizenStatusStore>().FindCodeAsync("default", az);
        row.ShouldNotBeNull();
        row.CodeHash.ShouldNotContain(code.Replace("-", "", StringComparison.Ordinal));
        row.CodeHash.ShouldBe(CitizenAccessCodes.Hash("default", az, code));
        var (_, _, other) = await CitizenCaseAsync();
        other.ShouldNotBe(code);
    }

    [Fact]
    public async Task AccessCode_WrongCodeAndUnknownAktenzeichen_GetTheSameNotFound_TheRightCodeOpens()
    {
        var (id, az, code) = await CitizenCaseAsync();
        using var wrong = await StatusByCodeAsync(az, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF");
        using var unknown = await StatusByCodeAsync("B-2026-ZZZZ-ZZZZ", code);
        var wrongProblem = await TestServer.ShouldBeProblemAsync(wrong, 404);
        var unknownProblem = await TestServer.ShouldBeProblemAsync(unknown, 404);
        wrongProblem["detail"]!.GetValue<string>().ShouldBe(unknownProblem["detail"]!.GetValue<string>(), "no oracle");
        wrongProblem["title"]!.GetValue<string>().ShouldBe(unknownProblem["title"]!.GetValue<string>());

        using var right = await StatusByCodeAsync(az.ToLowerInvariant(), code.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal));
        var body = await right.Content.ReadAsStringAsync();
        right.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var status = JsonNode.Parse(body)!;
        status["id"]!.GetValue<string>().ShouldBe(id);
        status["aktenzeichen"]!.GetValue<string>().ShouldBe(az);

        // The page: unknown Aktenzeichen and wrong code, the same page and status.
        var (browser, cookies) = await BrowserAsync();
        using var pageWrong = await PostCodeAsync(browser, cookies, az, "falsch");
        using var pageUnknown = await PostCodeAsync(browser, cookies, "B-2026-QQQQ-QQQQ", code);
        pageWrong.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        pageUnknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Strip(await pageWrong.Content.ReadAsStringAsync(), az).ShouldBe(Strip(await pageUnknown.Content.ReadAsStringAsync(), "B-2026-QQQQ-QQQQ"));
    }

    [Fact]
    public async Task AccessCode_GuessingIsLimitedToFiveTriesAMinutePerAddress_EvenTheRightCodeThen()
    {
        var (_, az, code) = await CitizenCaseAsync();
        for (var i = 0; i < CitizenAccessCodes.MaxFailures; i++)
        {
            using var guess = await StatusByCodeAsync(az, $"GUESS-{i}");
            guess.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        using var limited = await StatusByCodeAsync(az, code);
        limited.StatusCode.ShouldBe((HttpStatusCode)429);
        limited.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(60));
        var (browser, cookies) = await BrowserAsync();
        using var page = await PostCodeAsync(browser, cookies, az, code);
        page.StatusCode.ShouldBe((HttpStatusCode)429);
        (await page.Content.ReadAsStringAsync()).ShouldContain("Zu viele Versuche");
    }

    [Fact]
    public async Task AccessCode_ExpiresAtItsEnd_AndWithTheCasesRetention()
    {
        var (_, az, code) = await CitizenCaseAsync(expiresAt: DateTimeOffset.UtcNow.AddSeconds(-1));
        await TestServer.ShouldBeProblemAsync(await StatusByCodeAsync(az, code), 404);

        // Ended with camunda:historyTimeToLive="0": past its retention at once.
        var (_, shortAz, shortCode) = await CitizenCaseAsync(process: "Process_Buerger_Kurz");
        var problem = await TestServer.ShouldBeProblemAsync(await StatusByCodeAsync(shortAz, shortCode), 404);
        problem["detail"]!.GetValue<string>().ShouldBe(StatusPages.NotFoundText);
        (await Service<CitizenStatusStore>().FindCodeAsync("default", shortAz)).ShouldBeNull("an expired code is deleted");
    }

    [Fact]
    public async Task StatusFilter_ShowsMilestonesCurrentStepAndActions_NothingInternal()
    {
        var (id, az, code) = await CitizenCaseAsync();
        _server.Server.App.Services.GetRequiredService<PostkorbServices>().Data.AddComment("default",
            new Persistence.Postkorb.CaseComment("c1", id, "clerk-mueller", null, "Vertraulicher Vermerk von Frau Intern", NodaTime.SystemClock.Instance.GetCurrentInstant()));
        using var response = await StatusByCodeAsync(az, code);
        var text = await response.Content.ReadAsStringAsync();
        var status = JsonNode.Parse(text)!;
        status["milestones"]!.AsArray().Select(m => m!["name"]!.GetValue<string>())
            .ShouldBe(["Antrag eingegangen", "Antrag wird geprüft", "Entscheidung wird vorbereitet", "Bescheid erlassen"]);
        status["currentStep"]!.GetValue<string>().ShouldBe("Antrag wird geprüft");
        status["status"]!.GetValue<string>().ShouldBe("in Bearbeitung");
        status["actions"]!.AsArray().ShouldBeEmpty();
        status["expectedCompletion"]!["text"]!.GetValue<string>().ShouldBe("noch keine Schätzung");
        status["fitConnect"]!["status"]!.GetValue<string>().ShouldBe("accepted");
        status["fitConnect"]!["events"]!.AsArray().Select(e => e!["event"]!.GetValue<string>())
            .ShouldBe(["https://schema.fitko.de/fit-connect/events/submit-submission", "https://schema.fitko.de/fit-connect/events/accept-submission"]);
        NothingInternal(text);

        (await _server.CompleteAsync(OpenTask(id, "Pruefen"))).EnsureSuccessStatusCode();
        using var waiting = await StatusByCodeAsync(az, code);
        text = await waiting.Content.ReadAsStringAsync();
        status = JsonNode.Parse(text)!;
        status["status"]!.GetValue<string>().ShouldBe("Rückfrage");
        var action = status["actions"]!.AsArray().Single()!;
        action["kind"]!.GetValue<string>().ShouldBe("nachreichen");
        action["text"]!.GetValue<string>().ShouldBe("Unterlagen nachreichen");
        action["id"]!.GetValue<string>().ShouldMatch("^n-[0-9a-f]{16}$");
        NothingInternal(text);

        var (browser, cookies) = await BrowserAsync();
        (await PostCodeAsync(browser, cookies, az, code)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/status/{az}"));
        page.ShouldContain("Unterlagen nachreichen");
        page.ShouldContain("Antrag wird geprüft");
        page.ShouldContain("noch keine Schätzung");
        NothingInternal(page);
    }

    [Fact]
    public async Task Nachreichen_WithAnUpload_DeliversTheMessageToThisCase_ARefusedFileStoresNothing()
    {
        var (id, az, code) = await CitizenCaseAsync();
        var (other, _, _) = await CitizenCaseAsync("buerger:someone-else");
        (await _server.CompleteAsync(OpenTask(id, "Pruefen"))).EnsureSuccessStatusCode();
        (await _server.CompleteAsync(OpenTask(other, "Pruefen"))).EnsureSuccessStatusCode();
        var (browser, cookies) = await BrowserAsync();
        (await PostCodeAsync(browser, cookies, az, code)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await browser.GetStringAsync($"/status/{az}");
        var action = Regex.Match(page, "name=\"aktion\" value=\"([^\"]+)\"").Groups[1].Value;

        using var refused = await AnswerAsync(browser, cookies, $"/status/{az}/antwort", action, "Hier mein Nachweis", ("nachweis.pdf", "application/pdf", "MZ\u0090\0binary"u8.ToArray()));
        refused.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("wird nicht angenommen");
        Service<PostkorbServices>().Data.Attachments("default", id).ShouldBeEmpty("nothing is stored for a refused upload");
        Tenant.Engine.GetInstance(id).Waiting.ShouldContain("Nachreichen");

        using var sent = await AnswerAsync(browser, cookies, $"/status/{az}/antwort", action, "Hier mein Nachweis", ("nachweis.pdf", "application/pdf", "%PDF-1.4\n%%EOF\n"u8.ToArray()));
        sent.StatusCode.ShouldBe(HttpStatusCode.Redirect, await sent.Content.ReadAsStringAsync());
        sent.Headers.Location!.OriginalString.ShouldBe($"/status/{az}?gesendet=1");
        var view = Tenant.Engine.GetInstance(id);
        view.Waiting.ShouldNotContain("Nachreichen");
        view.Variables["nachreichung"]!["text"]!.GetValue<string>().ShouldBe("Hier mein Nachweis");
        view.Variables["nachreichung"]!["dokumente"]![0]!["name"]!.GetValue<string>().ShouldBe("nachweis.pdf");
        Service<PostkorbServices>().Data.Attachments("default", id).Single().Name.ShouldBe("nachweis.pdf");
        Tenant.Engine.GetInstance(other).Waiting.ShouldContain("Nachreichen", "another case waiting for the same message is not touched");

        // Next: a user task assigned to the citizen, answered the same way (completes it).
        var status = JsonNode.Parse(await (await StatusByCodeAsync(az, code)).Content.ReadAsStringAsync())!;
        var confirm = status["actions"]!.AsArray().Single()!;
        confirm["text"]!.GetValue<string>().ShouldBe("Empfang bestätigen");
        using var done = await AnswerAsync(browser, cookies, $"/status/{az}/antwort", confirm["id"]!.GetValue<string>(), "Bestätigt");
        done.StatusCode.ShouldBe(HttpStatusCode.Redirect, await done.Content.ReadAsStringAsync());
        Tenant.Engine.OpenUserTasks(id).Select(t => t.ElementId).ShouldBe(["Entscheiden"]);

        // An answer to something no longer open, and without the access cookie: refused.
        using var again = await AnswerAsync(browser, cookies, $"/status/{az}/antwort", action, "nochmal");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var (stranger, strangerCookies) = await BrowserAsync();
        using var foreign = await AnswerAsync(stranger, strangerCookies, $"/status/{az}/antwort", action, "fremd");
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Rueckfrage_RoundTrip_ClerkAsks_CitizenAnswersOnTheStatusPage_TheCaseReceivesTheMessage()
    {
        var (id, az, code) = await CitizenCaseAsync();
        (await _server.CompleteAsync(OpenTask(id, "Pruefen"))).EnsureSuccessStatusCode();
        Tenant.Engine.TriggerWaiting(id, "Nachreichen");
        Tenant.Engine.CompleteUserTask(OpenTask(id, "Bestaetigen"), null, "buerger:test-owner-1");
        var taskId = OpenTask(id, "Entscheiden");

        var clerk = await _server.PersonAsync("sachbearbeiterin-" + Guid.NewGuid().ToString("N")[..6], groups: ["sachbearbeitung"], roles: ["clerk"], tenant: "default");
        var outsider = await _server.PersonAsync("andere-" + Guid.NewGuid().ToString("N")[..6], groups: ["bauamt"], roles: ["clerk"], tenant: "default");
        using (var denied = await outsider.PostAsJsonAsync($"/api/tasks/{taskId}/rueckfragen", new { frage = "?" }))
            denied.StatusCode.ShouldBe(HttpStatusCode.NotFound, "a task the clerk cannot see: no Rückfrage (deny by default)");
        using (var anonymous = await _server.Anonymous.PostAsJsonAsync($"/api/tasks/{taskId}/rueckfragen", new { frage = "?" }))
            anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using (var empty = await clerk.PostAsJsonAsync($"/api/tasks/{taskId}/rueckfragen", new { frage = "  " }))
            empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using var asked = await clerk.PostAsJsonAsync($"/api/tasks/{taskId}/rueckfragen", new { frage = "Bitte senden Sie uns den Fahrzeugschein." });
        asked.StatusCode.ShouldBe(HttpStatusCode.Created, await asked.Content.ReadAsStringAsync());
        var list = JsonNode.Parse(await clerk.GetStringAsync($"/api/tasks/{taskId}/rueckfragen"))!;
        list["online"]!.GetValue<bool>().ShouldBeTrue();
        list["items"]!.AsArray().Single()!["answer"].ShouldBeNull();

        var text = await (await StatusByCodeAsync(az, code)).Content.ReadAsStringAsync();
        var status = JsonNode.Parse(text)!;
        status["status"]!.GetValue<string>().ShouldBe("Rückfrage");
        var action = status["actions"]!.AsArray().Single()!;
        action["kind"]!.GetValue<string>().ShouldBe("rueckfrage");
        action["question"]!.GetValue<string>().ShouldBe("Bitte senden Sie uns den Fahrzeugschein.");
        text.ShouldNotContain("sachbearbeiterin", Case.Insensitive, "never who asked");

        var (browser, cookies) = await BrowserAsync();
        (await PostCodeAsync(browser, cookies, az, code)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        WebUtility.HtmlDecode(await browser.GetStringAsync($"/status/{az}")).ShouldContain("Bitte senden Sie uns den Fahrzeugschein.");
        using var answered = await AnswerAsync(browser, cookies, $"/status/{az}/antwort", action["id"]!.GetValue<string>(), "Anbei der Fahrzeugschein.",
            ("fahrzeugschein.png", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]));
        answered.StatusCode.ShouldBe(HttpStatusCode.Redirect, await answered.Content.ReadAsStringAsync());

        // The message reached the waiting case: the boundary event took it on to "Antwort sichten", with the answer.
        var view = Tenant.Engine.GetInstance(id);
        Tenant.Engine.OpenUserTasks(id).Select(t => t.ElementId).ShouldBe(["AntwortSichten"]);
        view.Variables["rueckfrage"]!["antwort"]!.GetValue<string>().ShouldBe("Anbei der Fahrzeugschein.");
        view.Variables["rueckfrage"]!["dokumente"]![0]!["name"]!.GetValue<string>().ShouldBe("fahrzeugschein.png");

        var newTask = OpenTask(id, "AntwortSichten");
        var seen = JsonNode.Parse(await clerk.GetStringAsync($"/api/tasks/{newTask}/rueckfragen"))!["items"]!.AsArray().Single()!;
        seen["answer"]!.GetValue<string>().ShouldBe("Anbei der Fahrzeugschein.");
        seen["files"]!.AsArray().Single()!["name"]!.GetValue<string>().ShouldBe("fahrzeugschein.png");
        var comments = JsonNode.Parse(await clerk.GetStringAsync($"/api/process-instances/{id}/comments"))!["items"]!.AsArray();
        comments.Select(c => c!["text"]!.GetValue<string>()).ShouldContain(t => t.Contains("Anbei der Fahrzeugschein.", StringComparison.Ordinal));

        using var twice = await AnswerAsync(browser, cookies, $"/status/{az}/antwort", action["id"]!.GetValue<string>(), "nochmal");
        twice.StatusCode.ShouldBe(HttpStatusCode.Conflict, "a Rückfrage is answered once");
    }

    [Fact]
    public async Task Rueckfrage_OnACaseNotAppliedForOnline_IsRefused()
    {
        var id = await _server.StartProcessAsync(Process, new { variables = new { buerger = new { id = "x" } } });
        var clerk = await _server.PersonAsync("sb-" + Guid.NewGuid().ToString("N")[..6], groups: ["sachbearbeitung"], roles: ["clerk"], tenant: "default");
        using var refused = await clerk.PostAsJsonAsync($"/api/tasks/{OpenTask(id, "Pruefen")}/rueckfragen", new { frage = "Frage?" });
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        JsonNode.Parse(await clerk.GetStringAsync($"/api/tasks/{OpenTask(id, "Pruefen")}/rueckfragen"))!["online"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task ExpectedCompletion_IsTheMedianOfFinishedCases_OnlyWithEnoughHistory()
    {
        var (_, az, code) = await CitizenCaseAsync();
        for (var i = 0; i < CompletionEstimates.MinimumCases; i++)
        {
            var (done, _, _) = await CitizenCaseAsync($"buerger:history-{i}");
            (await _server.CompleteAsync(OpenTask(done, "Pruefen"))).EnsureSuccessStatusCode();
            Tenant.Engine.TriggerWaiting(done, "Nachreichen");
            Tenant.Engine.CompleteUserTask(OpenTask(done, "Bestaetigen"), null, $"buerger:history-{i}");
            if (i < CompletionEstimates.MinimumCases - 1)
            {
                var early = JsonNode.Parse(await (await StatusByCodeAsync(az, code)).Content.ReadAsStringAsync())!;
                early["expectedCompletion"]!["text"]!.GetValue<string>().ShouldBe("noch keine Schätzung");
            }
            Tenant.Engine.CompleteUserTask(OpenTask(done, "Entscheiden"), null, "clerk");
        }
        var status = JsonNode.Parse(await (await StatusByCodeAsync(az, code)).Content.ReadAsStringAsync())!;
        var expected = status["expectedCompletion"]!;
        expected["basedOnCases"]!.GetValue<int>().ShouldBe(CompletionEstimates.MinimumCases);
        expected["text"]!.GetValue<string>().ShouldStartWith("voraussichtlich am ");
        DateOnly.Parse(expected["date"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeInRange(DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)), DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)));
    }

    [Fact]
    public async Task WebComponent_IsServedFromTheEngine_WithoutAnyOtherOrigin()
    {
        using var response = await _server.Anonymous.GetAsync("/status/egov-status.js");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        var script = await response.Content.ReadAsStringAsync();
        script.ShouldContain("customElements.define('egov-status'");
        script.ShouldContain("--egov-status-accent");
        script.ShouldNotContain("innerHTML");
        Regex.Matches(script, "https?://[^\\s'\"`]+").Select(m => m.Value).Where(u => !u.StartsWith("https://amt.example", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    // ---------- helpers ----------

    private static void NothingInternal(string text)
    {
        foreach (var secret in new[] { "Frau Intern", "Herr Meier", "Herrn Meier", "Akte 4711", "Sachgebiet", "Pruefen", "Entscheiden", "Nachreichen\"", "AntwortSichten",
                     "geheim", "interne Notiz", "clerk-mueller", "Vertraulicher Vermerk", "sachbearbeitung", "test-owner", "buerger:" })
            text.ShouldNotContain(secret, Case.Sensitive, $"'{secret}' is internal");
    }

    private async Task<(HttpClient Client, CookieContainer Cookies)> BrowserAsync()
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _server.BaseAddress };
        using (await client.GetAsync("/status/B-2026-AAAA-AAAA")) { } // the page sets the CSRF cookie
        return (client, cookies);
    }

    private static string Token(HttpClient client, CookieContainer cookies) => cookies.GetCookies(client.BaseAddress!)["XSRF-TOKEN"]!.Value;

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, CookieContainer cookies, string az, string code)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["zugangscode"] = code, ["__RequestVerificationToken"] = Token(client, cookies) });
        return await client.PostAsync($"/status/{az}", form);
    }

    private static async Task<HttpResponseMessage> AnswerAsync(HttpClient client, CookieContainer cookies, string path, string action, string text,
        params (string Name, string Type, byte[] Content)[] files)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Token(client, cookies)), "__RequestVerificationToken" },
            { new StringContent(action), "aktion" },
            { new StringContent(text, Encoding.UTF8), "text" },
        };
        foreach (var (name, type, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(part, "dateien", name);
        }
        return await client.PostAsync(path, form);
    }

    /// <summary>A page without the Aktenzeichen it names and without the CSRF token, for comparing two answers.</summary>
    private static string Strip(string html, string az) =>
        Regex.Replace(html.Replace(az, "AZ", StringComparison.Ordinal).Replace(Uri.EscapeDataString(az), "AZ", StringComparison.Ordinal), "value=\"[^\"]*\"", "value=\"\"");
}

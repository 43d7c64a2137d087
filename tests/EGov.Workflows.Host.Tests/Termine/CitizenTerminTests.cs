using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tests.Citizens;
using NodaTime;

namespace EGov.Workflows.Host.Tests.Termine;

/// <summary>
/// The citizens' side of the Online-Terminierung (/api/citizen/termine, issue 17 item 7), signed in with BundID (the
/// simulator): a citizen books a free time, sees it among their own, opens the page the mails link to and cancels it
/// there; another citizen can neither see nor cancel it (the same 404 as for an unknown number, on the API and the page);
/// bad input is a 400 in German that says what to do; and of six bookings sent at the same moment by one citizen
/// exactly three are taken — the limit of open appointments holds under concurrency.
/// </summary>
public sealed class CitizenTerminTests(BundIdEnvironment env) : IClassFixture<BundIdEnvironment>, IAsyncLifetime
{
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
    public async Task InitializeAsync()
    {
        if (BundIdFactAttribute.SkipReason is not null) return;
        var token = await new Identities(env.Server).ClientTokenAsync("staff-" + Guid.NewGuid().ToString("N")[..8], Identities.AllRoles, ["*"], ["*"]);
        using var staff = new HttpClient { BaseAddress = env.Server.BaseAddress };
        staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (!(await staff.GetAsync("/api/process-definitions/Process_Terminierung")).IsSuccessStatusCode)
        {
            // The service as ./egov serve deploys it: the model and its forms from processes/terminierung.
            var folder = Path.Combine(Root(), "processes", "terminierung");
            using var form = new MultipartFormDataContent();
            foreach (var file in Directory.GetFiles(folder, "*.bpmn").Concat(Directory.GetFiles(Path.Combine(folder, "forms"), "*.form")))
            {
                var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
                content.Headers.ContentType = new MediaTypeHeaderValue(file.EndsWith(".bpmn", StringComparison.Ordinal) ? "application/xml" : "application/json");
                form.Add(content, "files", Path.GetFileName(file));
            }
            using var deployed = await staff.PostAsync("/api/deployments", form);
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        }
        // Bürgerbüro Nord: 4 counters, open every day 08:00–18:00, a 20-minute service.
        await Ok(await staff.PutAsJsonAsync("/api/termine/standorte/bb-nord", new { name = "Bürgerbüro Nord", adresse = "Nordplatz 2", schalter = 4, rasterMinuten = 15, vorlaufTage = 60, gruppe = "buergerbuero" }));
        await Ok(await staff.PutAsJsonAsync("/api/termine/standorte/bb-nord/oeffnungszeiten",
            Enumerable.Range(1, 7).Select(t => new { wochentag = t, von = "08:00", bis = "18:00" }).ToArray()));
        await Ok(await staff.PutAsJsonAsync("/api/termine/dienstleistungen/meldebescheinigung", new { name = "Meldebescheinigung", dauerMinuten = 20 }));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<JsonNode?> Ok(HttpResponseMessage response, int status = 200)
    {
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        return body.Length == 0 ? null : JsonNode.Parse(body);
    }

    /// <summary>A day from <paramref name="days"/> days on that is no public holiday in Hessen, as yyyy-mm-dd.</summary>
    private static string Day(int days)
    {
        var d = SystemClock.Instance.GetCurrentInstant().InZone(Berlin).Date.PlusDays(days);
        while (Time.FristCalculator.Hessen.Holidays.HolidayName(d) is not null) d = d.PlusDays(1);
        return d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<List<string>> FreeTimesAsync(HttpClient citizen, string day)
    {
        var offer = await Ok(await citizen.GetAsync($"/api/citizen/termine/freie-zeiten?standort=bb-nord&dienstleistung=meldebescheinigung&datum={day}"));
        return offer!["zeiten"]!.AsArray().Select(z => z!["von"]!.GetValue<string>()).ToList();
    }

    private static Task<HttpResponseMessage> BookAsync(HttpClient citizen, string von, string email = "erika@example.org") =>
        citizen.PostAsJsonAsync("/api/citizen/termine", new { standort = "bb-nord", dienstleistung = "meldebescheinigung", von, email });

    [BundIdFact]
    public async Task Citizen_Books_SeesTheirOwn_AndCancelsByTheLink_AnotherCitizenCanNeitherSeeNorCancelIt()
    {
        var a = await SignInAsync("U01");
        var b = await SignInAsync("U07");
        var angebot = await Ok(await a.GetAsync("/api/citizen/termine/angebot"));
        angebot!["standorte"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ShouldContain("bb-nord");
        var von = (await FreeTimesAsync(a, Day(4)))[2];

        using var booked = await BookAsync(a, von);
        var termin = await Ok(booked, 201);
        var id = termin!["id"]!.GetValue<string>();
        booked.Headers.Location!.ToString().ShouldBe($"/api/citizen/termine/{id}");
        termin["status"]!.GetValue<string>().ShouldBe("gebucht");
        termin["absagbar"]!.GetValue<bool>().ShouldBeTrue();
        termin["standortName"]!.GetValue<string>().ShouldBe("Bürgerbüro Nord");
        termin.AsObject().ContainsKey("schalter").ShouldBeFalse("a citizen sees no counter");
        DateTimeOffset.Parse(termin["von"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(DateTimeOffset.Parse(von, System.Globalization.CultureInfo.InvariantCulture));

        // A's own: in the list and by its number. The time is no longer free for a fifth booking at 4 counters? It is: 3 are left.
        (await Ok(await a.GetAsync("/api/citizen/termine")))!["items"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()).ShouldContain(id);
        (await Ok(await a.GetAsync($"/api/citizen/termine/{id}")))!["id"]!.GetValue<string>().ShouldBe(id);

        // B: not in B's list; the API, the page and both ways to cancel answer 404 as for an unknown number.
        (await Ok(await b.GetAsync("/api/citizen/termine")))!["items"]!.AsArray().ShouldBeEmpty();
        foreach (var (method, path) in new[] { ("GET", $"/api/citizen/termine/{id}"), ("POST", $"/api/citizen/termine/{id}/absagen"), ("GET", $"/buerger/termine/{id}"), ("POST", $"/buerger/termine/{id}/absagen") })
        {
            using var foreign = await SendAsync(b, method, path);
            var body = await foreign.Content.ReadAsStringAsync();
            ((int)foreign.StatusCode).ShouldBe(404, $"{method} {path} as another citizen: {body}");
            body.ShouldNotContain("Bürgerbüro Nord", Case.Sensitive, $"{method} {path} tells nothing of the appointment");
            using var unknown = await SendAsync(b, method, path.Replace(id, "T-2027-XXXX-XXXX", StringComparison.Ordinal));
            ((int)unknown.StatusCode).ShouldBe(404, $"{method} {path} with an unknown number");
        }
        (await Ok(await a.GetAsync($"/api/citizen/termine/{id}")))!["status"]!.GetValue<string>().ShouldBe("gebucht", "B's tries changed nothing");

        // The link of the mails: A's page with the appointment and the button; the form cancels it, then it is no longer cancellable.
        using var page = await a.GetAsync($"/buerger/termine/{id}");
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain(id);
        html.ShouldContain("Termin absagen");
        using var cancelled = await SendAsync(a, "POST", $"/buerger/termine/{id}/absagen");
        ((int)cancelled.StatusCode).ShouldBe(302, await cancelled.Content.ReadAsStringAsync());
        cancelled.Headers.Location!.ToString().ShouldBe($"/buerger/termine/{id}?abgesagt=1");
        (await a.GetStringAsync($"/buerger/termine/{id}?abgesagt=1")).ShouldContain("Ihr Termin ist abgesagt.");
        var after = await Ok(await a.GetAsync($"/api/citizen/termine/{id}"));
        after!["status"]!.GetValue<string>().ShouldBe("storniert");
        after["absagbar"]!.GetValue<bool>().ShouldBeFalse();
        var again = await Ok(await a.PostAsJsonAsync($"/api/citizen/termine/{id}/absagen", new { }), 409);
        again!["detail"]!.GetValue<string>().ShouldBe("Dieser Termin ist nicht mehr gebucht.");
        (await FreeTimesAsync(b, Day(4))).ShouldContain(von, "the cancelled time is free again");
    }

    [BundIdFact]
    public async Task BadInput_Is400_InGerman_AndBooksNothing()
    {
        var a = await SignInAsync("U02");
        var von = (await FreeTimesAsync(a, Day(5)))[0];
        async Task<string> Refused(object body, string because)
        {
            var problem = await Ok(await a.PostAsJsonAsync("/api/citizen/termine", body), 400);
            var detail = problem!["detail"]!.GetValue<string>();
            detail.ShouldNotContain(" is ", Case.Sensitive, $"{because}: a German answer, not '{detail}'");
            return detail;
        }
        (await Refused(new { dienstleistung = "meldebescheinigung", von, email = "a@example.org" }, "no place")).ShouldBe("Bitte wählen Sie einen Standort.");
        (await Refused(new { standort = "gibtsnicht", dienstleistung = "meldebescheinigung", von, email = "a@example.org" }, "unknown place"))
            .ShouldContain("Am Standort „gibtsnicht“ können Sie keinen Termin buchen");
        (await Refused(new { standort = "bb-nord", dienstleistung = "reisepass", von, email = "a@example.org" }, "unknown service")).ShouldContain("Für „reisepass“ können Sie keinen Termin buchen");
        (await Refused(new { standort = "bb-nord", dienstleistung = "meldebescheinigung", email = "a@example.org" }, "no time")).ShouldBe("Bitte wählen Sie eine Zeit aus den freien Zeiten.");
        (await Refused(new { standort = "bb-nord", dienstleistung = "meldebescheinigung", von, email = "keine-adresse" }, "bad e-mail")).ShouldContain("„keine-adresse“ ist keine E-Mail-Adresse");
        var offGrid = DateTimeOffset.Parse(von, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(7).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        (await Refused(new { standort = "bb-nord", dienstleistung = "meldebescheinigung", von = offGrid, email = "a@example.org" }, "off the grid")).ShouldContain("Raster");
        var night = DateTimeOffset.Parse(von, System.Globalization.CultureInfo.InvariantCulture).Date.AddHours(20).ToString("yyyy-MM-dd'T'HH:mm:ss'+01:00'", System.Globalization.CultureInfo.InvariantCulture);
        (await Refused(new { standort = "bb-nord", dienstleistung = "meldebescheinigung", von = night, email = "a@example.org" }, "closed")).ShouldContain("geöffnet");
        var datum = await Ok(await a.GetAsync("/api/citizen/termine/freie-zeiten?standort=bb-nord&dienstleistung=meldebescheinigung&datum=morgen"), 400);
        datum!["detail"]!.GetValue<string>().ShouldContain("„morgen“ ist kein Datum");
        (await Ok(await a.GetAsync("/api/citizen/termine")))!["total"]!.GetValue<long>().ShouldBe(0, "nothing was booked");
    }

    [BundIdFact]
    public async Task SixBookingsAtTheSameMoment_ExactlyThreeAreTaken_TheOthersRefusedInGerman()
    {
        var a = await SignInAsync("U03");
        var times = (await FreeTimesAsync(a, Day(6))).Take(6).ToList();
        times.Count.ShouldBe(6);
        var answers = await Task.WhenAll(times.Select(t => BookAsync(a, t)));
        var statuses = answers.Select(r => (int)r.StatusCode).ToList();
        statuses.Count(s => s == 201).ShouldBe(3, string.Join(", ", statuses));
        statuses.Count(s => s == 409).ShouldBe(3, string.Join(", ", statuses));
        foreach (var refused in answers.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            (await refused.Content.ReadAsStringAsync()).ShouldContain("Sie haben schon 3 offene Termine.");
        var own = (await Ok(await a.GetAsync("/api/citizen/termine")))!["items"]!.AsArray();
        own.Count(t => t!["status"]!.GetValue<string>() == "gebucht").ShouldBe(3);

        // One cancelled: a place under the limit again.
        var first = own.First()!["id"]!.GetValue<string>();
        await Ok(await a.PostAsJsonAsync($"/api/citizen/termine/{first}/absagen", new { }));
        await Ok(await BookAsync(a, times[^1]), 201);
    }

    private async Task<HttpClient> SignInAsync(string user)
    {
        var (client, cookies) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client, "substanziell");
        using var acs = await BundIdEnvironment.PostAcsAsync(client, await env.AnswerAsync(request, user, "STORK-QAA-Level-3"));
        ((int)acs.StatusCode).ShouldBe(302, await acs.Content.ReadAsStringAsync());
        using (await client.GetAsync("/buerger")) { }
        client.DefaultRequestHeaders.Add("X-XSRF-TOKEN", cookies.GetCookies(env.Server.BaseAddress)["XSRF-TOKEN"]!.Value);
        return client;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
            request.Content = path.StartsWith("/api/", StringComparison.Ordinal) ? JsonContent.Create(new { }) : new FormUrlEncodedContent(new Dictionary<string, string>());
        return await client.SendAsync(request);
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find EGov.Workflows.sln above " + AppContext.BaseDirectory);
    }
}

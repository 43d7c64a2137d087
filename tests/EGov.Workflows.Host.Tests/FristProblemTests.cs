namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Every refusal of a Fiktionsfrist extension (§42a (2) VwVfG) is German, for the clerk who decides and for the operator: a free task,
/// no period, a period that is none, no reason, a period longer than the Frist, a second extension, an unknown task, case or element,
/// no body — each with its status, a German title and a detail that says what is wrong and what to do; the Frist stays as it was.
/// </summary>
public sealed class FristProblemTests
{
    private const string Ungueltig = "Ungültige Anfrage", NichtGefunden = "Nicht gefunden", Konflikt = "Konflikt", Abgelehnt = "Verlängerung abgelehnt";

    [Fact]
    public async Task Extensions_AreRefusedInGerman_AndTheFristStaysAsItWas()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("fiktion.bpmn");
        var id = await s.StartProcessAsync("Fiktion");
        var taskId = (await s.GroupTasksAsync())[0]!["id"]!.GetValue<string>();
        var erika = await s.PersonAsync();
        var T = $"api/tasks/{taskId}/fiktionsfrist/verlaengerung";
        var F = $"api/process-instances/{id}/fristen/Timer_Fiktion/verlaengerung";
        var body = new { verlaengerung = "P1M", begruendung = "Gutachten steht aus" };

        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, T, body), 409, Konflikt, $"„{taskId}“ ist frei", "übernehmen Sie sie zuerst");
        (await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{taskId}/claim", new { })).EnsureSuccessStatusCode();
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, T, new { begruendung = "x" }), 400, Ungueltig, "um wie lange", "P1M");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, T, new { verlaengerung = "ein Monat", begruendung = "x" }), 400, Ungueltig,
            "„ein Monat“ ist kein Zeitraum nach ISO 8601", "P2W");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, T, new { verlaengerung = "P1M" }), 400, Ungueltig, "(begruendung)", "Schwierigkeit der Angelegenheit");
        (await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, T, new { verlaengerung = "P4M", begruendung = "x" }), 400, Abgelehnt,
            "Verlängerung um P4M ist länger als die Frist selbst (P3M)", "kürzeren Zeitraum"))["code"]!.GetValue<string>().ShouldBe("fristExtensionTooLong");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, T, new { verlaengerung = "P0D", begruendung = "x" }), 400, Abgelehnt, "„P0D“", "positive Zahl");
        await GermanProblem.ShouldBeAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, "api/tasks/gibtsnicht.u1/fiktionsfrist/verlaengerung", body), 404, NichtGefunden, "„gibtsnicht.u1“");
        (await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Post, $"api/process-instances/{id}/fristen/Gibtsnicht/verlaengerung", body), 404, NichtGefunden,
            "An „Gibtsnicht“ läuft", "keine Frist"))["code"]!.GetValue<string>().ShouldBe("fristNotRunning");
        await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Post, "api/process-instances/gibtsnicht/fristen/Timer_Fiktion/verlaengerung", body), 404, NichtGefunden, "Fall „gibtsnicht“");
        (await s.InstanceAsync(id))["fristen"]![0]!["verlaengerung"].ShouldBeNull("nothing was extended");

        (await TestServer.SendAsAsync(erika, HttpMethod.Post, T, body)).EnsureSuccessStatusCode();
        var again = await GermanProblem.ShouldBeAsync(await s.SendAsync(HttpMethod.Post, F, body), 400, Abgelehnt, "an „Timer_Fiktion“ wurde schon am", "um P1M verlängert", "nur eine Verlängerung");
        again["code"]!.GetValue<string>().ShouldBe("fristAlreadyExtended");
        again["detail"]!.GetValue<string>().ShouldMatch(@"schon am \d{2}\.\d{2}\.\d{4} um", "the date as clerks write it");
    }
}

using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tests;

namespace EGov.Workflows.Hardening.Tests;

/// <summary>
/// Incident messages are written for the clerk or operator who finds them, the technical text is kept apart (issue 20,
/// item 8): the probe saw .NET text such as "Value should be in range [-12024-7973]" as the message of an incident.
/// </summary>
public sealed class IncidentTextTests
{
    [Fact]
    public async Task AScriptThatRunsOutOfTime_IsAnIncident_InPlainGerman_WithTheTechnicalTextAsDetails()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("sofortlast.bpmn");

        var id = await s.StartProcessAsync("SofortLast");

        var incident = (await s.InstanceAsync(id))["incidents"]!.AsArray().ShouldHaveSingleItem()!;
        var message = incident["message"]!.GetValue<string>();
        message.ShouldStartWith("Der Schritt „Rechnen“ ist angehalten");
        message.ShouldNotContain("script");
        message.ShouldNotContain("Exception");
        incident["details"]!.GetValue<string>().ShouldContain("time limit");
        var listed = (await s.GetJsonAsync("api/incidents")).AsArray().ShouldHaveSingleItem()!;
        listed["message"]!.GetValue<string>().ShouldBe(message);
        listed["details"]!.GetValue<string>().ShouldBe(incident["details"]!.GetValue<string>());
    }

    [Fact]
    public async Task ALoopWithoutAWaitState_IsRefusedWith422_NamingWhereItStopped_AndStartsNothing()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("schleife.bpmn");

        using var response = await s.SendAsync(HttpMethod.Post, "api/process-definitions/Schleife/start", new { });

        var problem = await TestServer.ShouldBeProblemAsync(response, 422);
        problem["detail"]!.GetValue<string>().ShouldMatch("at element '(Kreisel|Weiter)'");
        (await s.GetJsonAsync("api/incidents")).AsArray().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite:{dir}/egov.db")]
    public async Task TheIncidentHistory_SpeaksGermanToTheClerk_AndKeepsTheTechnicalTextAsDetails(string store)
    {
        await using var s = await TestServer.StartAsync(store: store);
        await s.DeployAsync("skript-fehler.bpmn");
        var id = await s.StartProcessAsync("Skript");
        using (var cancel = await s.SendAsync(HttpMethod.Delete, $"api/process-instances/{id}")) ((int)cancel.StatusCode).ShouldBe(200);

        var events = (await s.GetJsonAsync($"api/process-instances/{id}/history/incidents")).AsArray();

        events.Select(e => e!["event"]!.GetValue<string>()).ShouldBe(["created", "deleted"]);
        var created = events[0]!;
        created["message"]!.GetValue<string>().ShouldStartWith("Der Schritt „Rechnen“ ist angehalten");
        created["details"]!.GetValue<string>().ShouldContain("betrag");
        var deleted = events[1]!;
        deleted["message"]!.GetValue<string>().ShouldBe("Die Störung am Schritt „Rechnen“ ist entfallen: der Fall wurde beendet oder der Schritt abgebrochen.");
        deleted["details"]!.GetValue<string>().ShouldContain("deleted: the process instance was terminated");
        foreach (var e in events)
        {
            var message = e!["message"]!.GetValue<string>();
            message.ShouldNotContain("betrag");
            message.ShouldNotContain("Error");
            message.ShouldNotContain("deleted");
        }
    }
}

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
}

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// PUT /api/services/overlays/{service} answers an operator in German: a bad service name, an empty overlay, and an
/// overlay that no longer fits the shared model (422, with every finding's line and column under "problems"). Nothing is
/// deployed or kept for a refused overlay.
/// </summary>
public sealed class OverlayProblemTests
{
    [Fact]
    public async Task Refused_overlays_are_answered_in_German_and_change_nothing()
    {
        using var copy = new OverlayRedeployTests.OverlayCopy();
        await using var s = await TestServer.StartAsync(processes: copy.Processes, configure: o => o with { TenantsDirectory = copy.Tenants });

        await GermanProblem.ShouldBeAsync(await OverlayRedeployTests.PutOverlayAsync(s, "06412000", "..hund", "groups: { steueramt: x }\n"),
            400, "Ungültige Anfrage", "Leistungsordner");
        await GermanProblem.ShouldBeAsync(await OverlayRedeployTests.PutOverlayAsync(s, "06412000", "hundesteuer", ""),
            400, "Ungültige Anfrage", "kein Overlay");

        var misfit = await GermanProblem.ShouldBeAsync(
            await OverlayRedeployTests.PutOverlayAsync(s, "06412000", "hundesteuer", "texts:\n  Task_Gibtsnicht: Prüfen\n"),
            422, "Overlay passt nicht", "hundesteuer", "1 Befund");
        var problem = misfit["problems"]!.AsArray().ShouldHaveSingleItem()!.GetValue<string>();
        problem.ShouldContain(":2:3:"); // the line and column of Task_Gibtsnicht in the overlay
        problem.ShouldContain("Task_Gibtsnicht");
        File.Exists(Path.Combine(copy.Tenants, "06412000", "hundesteuer.overlay.yaml")).ShouldBeFalse("a refused overlay is not kept");
    }
}

using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// A tenant's version deployed by reference (issue 16 item 4, the memory store): the engine and the catalogue keep the
/// shared model's outline and the overlay, and the merged model is made when the version is first used. It must behave as
/// the merged copy did: the tenant's group, fee, wording, Frist and form labels; an overlay that no longer fits is refused
/// (checked against the shared model's index) for that tenant only, with its positions; a shared-model update deploys each
/// tenant's reference again, and the same shared model deployed again keeps every tenant's version.
/// </summary>
public sealed class OverlayReferenceTests
{
    private const string Process = "Process_Hundesteuer";

    [Fact]
    public async Task ATenantsVersion_IsAReference_MadeOnFirstUse_AndRunsWithTheTenantsGroupFeeWordingAndFrist()
    {
        await using var s = await TestServer.StartAsync(processes: TestServer.ModelPath(Path.Combine("overlays", "processes")));
        var tenant = s.Server.App.Services.GetRequiredService<TenantEngines>().Get("gemeinde-a");
        var entry = tenant.Catalog.Latest(Process)!;
        entry.Version.ShouldBe(1);
        entry.Outline.ShouldNotBeNull("a reference keeps the outline, not a model");
        tenant.Engine.IsGraphBuilt(Process, 1).ShouldBeFalse("nothing was built for the tenant's version at deploy");

        var id = await s.StartProcessAsync(Process, new { variables = new { gefaehrlich = false } }, tenant: "gemeinde-a");
        tenant.Engine.IsGraphBuilt(Process, 1).ShouldBeTrue("the first start made the tenant's model and built its graph");
        (await s.InstanceAsync(id, "gemeinde-a"))["variables"]!["gebuehr"]!.GetValue<string>().ShouldBe("45.00");
        var task = tenant.Engine.OpenUserTasks(id).Single();
        task.ElementId.ShouldBe("Task_Wesenstest", "the tenant's path is always taken");
        task.CandidateGroups.ShouldBe(["steuern-a"]);

        // The catalogue's model, made on demand: the tenant's wording and Frist; the shared model's name stays.
        entry.Element("Task_Pruefen")!.Attribute("name").ShouldBe("Hundeanmeldung prüfen (Gemeinde A)");
        entry.Element("Task_Pruefen")!.Attribute(Model.Namespaces.Egov + "frist").ShouldBe("P10D");
        entry.Element("Task_Wesenstest")!.CamundaAttribute("candidateGroups").ShouldBe("steuern-a");
        entry.Name.ShouldBe("Hund anmelden");
        tenant.Forms.Find(Process, 1, "egov:forms/pruefung")!["components"]![0]!["label"]!.GetValue<string>().ShouldBe("Anmeldung vollständig geprüft");

        // The shared model and the other tenant are untouched by gemeinde-a's overlay.
        var b = s.Server.App.Services.GetRequiredService<TenantEngines>().Get("gemeinde-b");
        b.Catalog.Latest(Process)!.Element("Task_Pruefen")!.CamundaAttribute("candidateGroups").ShouldBe("steueramt");
        b.Forms.Find(Process, 1, "egov:forms/pruefung")!["components"]![0]!["label"]!.GetValue<string>().ShouldNotBe("Anmeldung vollständig geprüft");
    }

    [Fact]
    public async Task AnOverlayThatNoLongerFits_IsRefusedForThatTenantOnly_WithEveryPosition_AndNoVersion()
    {
        using var copy = new OverlayRedeployTests.OverlayCopy();
        await using var s = await TestServer.StartAsync(processes: copy.Processes);
        var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
        var overlay = "fees: { amount: 50.00 }\n"
            + "paths:\n  f4: true\n"                      // 3:3 a flow of the model, but no optional path
            + "fristen:\n  Task_Wesenstest: P5D\n"         // 5:3 the task has no egov:frist
            + "  Task_Pruefen: P0D\n"                     // 6:3 a Frist of nothing
            + "forms:\n  pruefung: { gibtsnicht: x }\n"; // 8:14 no such field
        using var refused = await OverlayRedeployTests.PutOverlayAsync(s, "06412000", "hundesteuer", overlay);
        var problem = await refused.Content.ReadAsStringAsync();
        ((int)refused.StatusCode).ShouldBe(422, problem);
        problem.ShouldContain("hundesteuer.overlay.yaml:3:3: error: paths: 'f4' is not a conditional sequence flow");
        problem.ShouldContain("hundesteuer.overlay.yaml:5:3: error: fristen: 'Task_Wesenstest' has no egov:frist");
        problem.ShouldContain("hundesteuer.overlay.yaml:6:3: error: fristen: the Frist 'P0D' of 'Task_Pruefen' must be longer than nothing");
        problem.ShouldContain("error: forms: the form 'pruefung' has no field with the key 'gibtsnicht'");
        engines.Get("06412000").Engine.HasVersion(Process, 1).ShouldBeFalse();
        File.Exists(Path.Combine(copy.Tenants, "06412000", "hundesteuer.overlay.yaml")).ShouldBeFalse();
        engines.Get("gemeinde-a").Engine.HasVersion(Process, 1).ShouldBeTrue("the other tenants keep theirs");
    }

    [Fact]
    public async Task ASharedModelUpdate_DeploysEachTenantsReferenceAgain_TheSameModelAgainKeepsTheirVersions()
    {
        using var copy = new OverlayRedeployTests.OverlayCopy();
        await using var s = await TestServer.StartAsync(processes: copy.Processes);
        var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
        var changed = File.ReadAllText(copy.SharedModel).Replace("egov:frist=\"P2W\"", "egov:frist=\"P3W\"", StringComparison.Ordinal);
        await OverlayRedeployTests.DeployXmlAsync(s, changed, "hundesteuer.bpmn");

        var b = engines.Get("gemeinde-b");
        b.Catalog.Latest(Process)!.Version.ShouldBe(2);
        b.Engine.IsGraphBuilt(Process, 2).ShouldBeFalse("the new version is a reference as well");
        var id = await s.StartProcessAsync(Process, new { variables = new { gefaehrlich = false } }, tenant: "gemeinde-b");
        (await s.InstanceAsync(id, "gemeinde-b"))["version"]!.GetValue<int>().ShouldBe(2);
        var task = b.Engine.OpenUserTasks(id).Single();
        task.Name.ShouldBe("Anmeldung prüfen (Gemeinde B)");
        b.Catalog.Latest(Process)!.Element("Task_Pruefen")!.Attribute(Model.Namespaces.Egov + "frist").ShouldBe("P3W");
        engines.Get("gemeinde-a").Catalog.Latest(Process)!.Element("Task_Pruefen")!.Attribute(Model.Namespaces.Egov + "frist").ShouldBe("P10D");

        // The same shared model once more: nothing changed for any tenant, so no tenant gets a new version.
        await OverlayRedeployTests.DeployXmlAsync(s, changed, "hundesteuer.bpmn");
        b.Catalog.Latest(Process)!.Version.ShouldBe(2);
        engines.Get("gemeinde-a").Catalog.Latest(Process)!.Version.ShouldBe(2);
        var rows = (await s.GetJsonAsync("api/services/overlays")).AsArray().Select(r => r!.AsObject()).ToList();
        rows.Single(r => r["tenant"]!.GetValue<string>() == "gemeinde-b")["version"]!.GetValue<int>().ShouldBe(2);
        rows.Single(r => r["tenant"]!.GetValue<string>() == "B")["state"]!.GetValue<string>().ShouldBe("refused");
    }

    [Fact]
    public async Task ManyTenants_DeployedSideBySide_EachGetsItsOwnReference_AndTheRowsKeepTheirOrder()
    {
        using var copy = new OverlayRedeployTests.OverlayCopy();
        for (var k = 0; k < 70; k++)
        {
            var folder = Path.Combine(copy.Tenants, $"t{k:D2}");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "hundesteuer.overlay.yaml"), k == 13
                ? "texts: { Task_Gibtsnicht: x }\n"
                : $"groups: {{ steueramt: steuern-{k} }}\ntexts: {{ Task_Pruefen: \"Prüfen ({k})\" }}\n");
        }
        await using var s = await TestServer.StartAsync(processes: copy.Processes);
        var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
        var rows = (await s.GetJsonAsync("api/services/overlays")).AsArray().Select(r => r!.AsObject()).ToList();
        rows.Count.ShouldBe(73);
        rows.Select(r => r["tenant"]!.GetValue<string>()).ShouldBe(rows.Select(r => r["tenant"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        rows.Single(r => r["tenant"]!.GetValue<string>() == "t13")["state"]!.GetValue<string>().ShouldBe("refused");
        rows.Count(r => r["state"]!.GetValue<string>() == "deployed").ShouldBe(71);

        var id = await s.StartProcessAsync(Process, new { variables = new { gefaehrlich = false } }, tenant: "t42");
        var task = engines.Get("t42").Engine.OpenUserTasks(id).Single();
        task.CandidateGroups.ShouldBe(["steuern-42"]);
        task.Name.ShouldBe("Prüfen (42)");
        engines.Get("t41").Engine.IsGraphBuilt(Process, 1).ShouldBeFalse("the other tenants' versions were not built");
        engines.Get("t13").Engine.HasVersion(Process, 1).ShouldBeFalse();
    }
}

using System.Text.Json.Nodes;
using EGov.Workflows.Host.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Shared models with local overlays (issue 16 item 4): one shared Hundesteuer model under processes/, an overlay per tenant
/// under tenants/. Gemeinde A changes the fee and the group (and wording, a path, a Frist, a form label), Gemeinde B only
/// its wording, tenant B's overlay names a task the shared model no longer has: refused with the position, the others deployed.
/// </summary>
public sealed class OverlayTests
{
    private static Task<TestServer> Start() =>
        TestServer.StartAsync(processes: TestServer.ModelPath(Path.Combine("overlays", "processes")));

    [Fact]
    public async Task AnOverlay_ChangesFeeAndGroup_ForOneTenantOnly()
    {
        await using var s = await Start();
        var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();

        var a = await s.StartProcessAsync("Process_Hundesteuer", new { variables = new { gefaehrlich = false } }, tenant: "gemeinde-a");
        var b = await s.StartProcessAsync("Process_Hundesteuer", new { variables = new { gefaehrlich = false } }, tenant: "gemeinde-b");
        var shared = await s.StartProcessAsync("Process_Hundesteuer", new { variables = new { gefaehrlich = false } });

        (await s.InstanceAsync(a, "gemeinde-a"))["variables"]!["gebuehr"]!.GetValue<string>().ShouldBe("45.00");
        (await s.InstanceAsync(b, "gemeinde-b"))["variables"]!["gebuehr"]!.GetValue<string>().ShouldBe("30.00");
        (await s.InstanceAsync(shared))["variables"]!["gebuehr"]!.GetValue<string>().ShouldBe("30.00");

        // Gemeinde A: its path switched on (the dangerous-dog check always), its group; B: the shared group and path.
        var taskA = engines.Get("gemeinde-a").Engine.OpenUserTasks(a).Single();
        taskA.ElementId.ShouldBe("Task_Wesenstest");
        taskA.CandidateGroups.ShouldBe(["steuern-a"]);
        var taskB = engines.Get("gemeinde-b").Engine.OpenUserTasks(b).Single();
        taskB.ElementId.ShouldBe("Task_Pruefen");
        taskB.CandidateGroups.ShouldBe(["steueramt"]);
        taskB.Name.ShouldBe("Anmeldung prüfen (Gemeinde B)");

        // The catalogue: the tenant's fee and groups.
        var serviceA = await s.GetJsonAsync("api/services/99092001000000", "gemeinde-a");
        var serviceShared = await s.GetJsonAsync("api/services/99092001000000");
        serviceA.ToJsonString().ShouldContain("45");
        serviceA.ToJsonString().ShouldContain("steuern-a");
        serviceShared.ToJsonString().ShouldNotContain("45");
        serviceShared.ToJsonString().ShouldNotContain("steuern-a");
    }

    [Fact]
    public async Task AnOverlayThatNoLongerFits_IsRefusedWithItsPosition_TheOthersDeploy()
    {
        await using var s = await Start();
        var rows = (await s.GetJsonAsync("api/services/overlays")).AsArray().Select(r => r!.AsObject()).ToList();
        rows.Select(r => (r["tenant"]!.GetValue<string>(), r["state"]!.GetValue<string>())).OrderBy(r => r.Item1, StringComparer.Ordinal)
            .ShouldBe([("B", "refused"), ("gemeinde-a", "deployed"), ("gemeinde-b", "deployed")]);
        var refused = rows.Single(r => r["tenant"]!.GetValue<string>() == "B");
        var problem = refused["problems"]![0]!.GetValue<string>();
        problem.ShouldContain("hundesteuer.overlay.yaml:5:3: error: texts: the shared model");
        problem.ShouldContain("has no element 'Task_Bescheid'");
        var a = rows.Single(r => r["tenant"]!.GetValue<string>() == "gemeinde-a");
        a["processId"]!.GetValue<string>().ShouldBe("Process_Hundesteuer");
        a["version"]!.GetValue<int>().ShouldBe(1);
        a["sharedVersion"]!.GetValue<int>().ShouldBe(1);
        a["overlayHash"]!.GetValue<string>().Length.ShouldBe(12);
        a["sharedHash"]!.GetValue<string>().ShouldBe(rows.Single(r => r["tenant"]!.GetValue<string>() == "gemeinde-b")["sharedHash"]!.GetValue<string>());

        // Nothing of the refused service runs for tenant B.
        using var start = await s.SendAsync(HttpMethod.Post, "api/process-definitions/Process_Hundesteuer/start", new { }, "B");
        ((int)start.StatusCode).ShouldBe(404);
    }

    [Fact]
    public async Task TheMergedModel_CarriesTheTenantsFristAndFormLabel()
    {
        await using var s = await Start();
        var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
        var a = await s.StartProcessAsync("Process_Hundesteuer", new { variables = new { gefaehrlich = false } }, tenant: "gemeinde-a");
        var engine = engines.Get("gemeinde-a").Engine;
        engine.CompleteUserTask(engine.OpenUserTasks(a).Single().Id);
        var task = engine.OpenUserTasks(a).Single();
        task.Name.ShouldBe("Hundeanmeldung prüfen (Gemeinde A)");
        var created = task.CreatedAt.InZone(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Berlin"]).Date;
        var due = task.Due!.Value.InZone(NodaTime.DateTimeZoneProviders.Tzdb["Europe/Berlin"]).Date;
        NodaTime.Period.Between(created, due, NodaTime.PeriodUnits.Days).Days.ShouldBeInRange(10, 13); // P10D, moved off a weekend at most
        var anna = await s.PersonAsync("anna", ["steuern-a"], tenant: "gemeinde-a");
        var form = await TestServer.GetJsonAsAsync(anna, $"api/tasks/{task.Id}/form", "gemeinde-a");
        form["schema"]!["components"]![0]!["label"]!.GetValue<string>().ShouldBe("Anmeldung vollständig geprüft");
    }

    [Fact]
    public async Task AStartForm_IsCarriedIntoTheTenantsVersion_WithTheOverlaysLabels()
    {
        await using var s = await Start();
        var engines = s.Server.App.Services.GetRequiredService<TenantEngines>();
        foreach (var (tenant, label) in new[] { ("gemeinde-a", "Name Ihres Hundes (Gemeinde A)"), ("gemeinde-b", "Name des Hundes") })
        {
            var t = engines.Get(tenant);
            var version = t.Catalog.Latest("Process_Hundesteuer")!.Version;
            var form = t.Forms.Find("Process_Hundesteuer", version, "egov:forms/anmeldung");
            form.ShouldNotBeNull($"{tenant}: the start form is deployed with the tenant's version");
            form["components"]![0]!["label"]!.GetValue<string>().ShouldBe(label);
        }
    }
}

using System.Text.Json.Nodes;
using EGov.Workflows.Host;
using EGov.Workflows.Testing;
using Microsoft.Extensions.Configuration;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// <c>./egov serve --activities</c>: real packs built outside the engine, loaded from their folders, listed in the banner,
/// their activities run by cases started over HTTP; a model naming an unknown activity is refused at deployment.
/// </summary>
public sealed class PackServerTests
{
    private const string Model = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0" id="D" targetNamespace="http://example.org/t">
          <process id="Beglaubigung" isExecutable="true">
            <startEvent id="Start" /><sequenceFlow id="F1" sourceRef="Start" targetRef="Stempeln" />
            <serviceTask id="Stempeln" egov:activity="test-stempel" /><sequenceFlow id="F2" sourceRef="Stempeln" targetRef="Siegeln" />
            <serviceTask id="Siegeln" egov:activity="test-siegel" /><sequenceFlow id="F3" sourceRef="Siegeln" targetRef="End" />
            <endEvent id="End" />
          </process>
        </definitions>
        """;

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>The activity names the refusal lists: the built-in packs' (which grow with every pack) and the given plug-ins'.</summary>
    private static string Known(params string[] plugIns) =>
        string.Join(", ", BuiltInPacks.Load(Config()).SelectMany(p => p.Activities).Select(a => a.Name).Concat(plugIns).Order(StringComparer.Ordinal));

    [Fact]
    public async Task PacksFromArgumentsAndConfiguration_AreInTheBanner_AndACaseUsingThemCompletesOverHttp()
    {
        var banner = new StringWriter();
        await using var s = await TestServer.StartAsync(configure: o => o with
        {
            Out = banner,
            Packs = [TestPacks.Folder("Stempel")],
            Configuration = Config(("Packs:Paths", TestPacks.Siegel), ("Packs:Stempel:Amt", "Standesamt")),
        });
        banner.ToString().ShouldContain("packs      2 loaded");
        banner.ToString().ShouldContain($"Stempel                          1.2.0  test-stempel  ({TestPacks.Stempel})");
        banner.ToString().ShouldContain($"EGov.Workflows.TestPacks.Siegel  0.9.1  test-siegel, test-kaputt  ({TestPacks.Siegel})");

        using (var deployed = await s.PostRawAsync("api/deployments?name=beglaubigung.bpmn", Model, "application/xml"))
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        var id = await s.StartProcessAsync("Beglaubigung", new { businessKey = "B-1" });

        var instance = await s.WaitForStateAsync(id, "completed");
        instance["state"]!.GetValue<string>().ShouldBe("completed", instance.ToJsonString());
        var variables = instance["variables"]!;
        variables["stempel"]!["amt"]!.GetValue<string>().ShouldBe("Standesamt");
        variables["stempel"]!["json"]!.GetValue<string>().ShouldStartWith("13.0.1.");
        variables["siegelJson"]!.GetValue<string>().ShouldStartWith("13.0.3.");

        // The history says which code ran each step: pack and version.
        var history = (await s.GetJsonAsync($"api/process-instances/{id}/history")).AsArray();
        history.Select(h => (h!["elementId"]!.GetValue<string>(), h["activityPack"]?.GetValue<string>()))
            .ShouldBe([("Start", null), ("Stempeln", "Stempel 1.2.0"), ("Siegeln", "EGov.Workflows.TestPacks.Siegel 0.9.1"), ("End", null)]);
    }

    [Fact]
    public async Task OnSqlite_TheHistoryKeepsThePackAndVersionOfEachActivity()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db", configure: o => o with { Packs = [TestPacks.Stempel, TestPacks.Siegel] });
        using (var deployed = await s.PostRawAsync("api/deployments?name=beglaubigung.bpmn", Model, "application/xml"))
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        var id = await s.StartProcessAsync("Beglaubigung");
        (await s.WaitForStateAsync(id, "completed"))["state"]!.GetValue<string>().ShouldBe("completed");

        var history = (await s.GetJsonAsync($"api/process-instances/{id}/history")).AsArray();
        history.Single(h => h!["elementId"]!.GetValue<string>() == "Stempeln")!["activityPack"]!.GetValue<string>().ShouldBe("Stempel 1.2.0");
    }

    [Fact]
    public async Task AModelNamingAnUnknownActivity_IsRefusedAtDeployment_WithItsPositionAndTheKnownNames()
    {
        await using var s = await TestServer.StartAsync(configure: o => o with { Packs = [TestPacks.Stempel] });

        using var response = await s.PostRawAsync("api/deployments?name=beglaubigung.bpmn", Model, "application/xml");

        var problem = await TestServer.ShouldBeProblemAsync(response, 422);
        problem["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ShouldBe([
            $"beglaubigung.bpmn:6:5: error: serviceTask 'Siegeln': no activity named 'test-siegel' is registered (known: {Known("test-stempel")}); load the pack that has it with --activities",
        ]);
        (await s.GetJsonAsync("api/process-definitions")).ToJsonString().ShouldNotContain("Beglaubigung");
    }

    [Fact]
    public async Task AModelInTheProcessesFolderNamingAnUnknownActivity_StopsTheStart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "beglaubigung.bpmn"), Model);
        var err = new StringWriter();

        (await EGovServer.RunAsync(new ServeOptions { Urls = "http://127.0.0.1:0", Store = "memory", ProcessesDirectory = dir, Error = err })).ShouldBe(1);

        err.ToString().ShouldContain($"beglaubigung.bpmn:5:5: error: serviceTask 'Stempeln': no activity named 'test-stempel' is registered (known: {Known()})");
    }

    [Fact]
    public async Task APackThatCannotBeLoaded_StopsTheStart_NamingTheFile()
    {
        var err = new StringWriter();
        var json = Path.Combine(TestPacks.Folder("Stempel"), "Newtonsoft.Json.dll");

        (await EGovServer.RunAsync(new ServeOptions { Urls = "http://127.0.0.1:0", Store = "memory", ProcessesDirectory = null, Error = err, Packs = [json, "fehlt/Pack.dll"] })).ShouldBe(1);

        err.ToString().ShouldContain($"{json}: error: not an activity pack: it does not reference the activity SDK");
        err.ToString().ShouldContain("fehlt/Pack.dll: error: no such pack file or folder");
        err.ToString().ShouldContain("egov serve: not started: fix or remove the pack(s) above");
    }
}

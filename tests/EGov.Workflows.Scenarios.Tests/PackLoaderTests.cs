using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Packs;
using EGov.Workflows.Runtime;
using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Running;
using EGov.Workflows.Sdk;
using EGov.Workflows.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace EGov.Workflows.Scenarios.Tests;

/// <summary>
/// The one pack loader (serve, validate, test): real packs from their own folders, each in its own load context with its
/// own dependency versions, sharing only the SDK; refusals name the file (and both packs for a name taken twice).
/// </summary>
public sealed class PackLoaderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Model = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:egov="https://egov-workflows.de/schema/bpmn/1.0" id="D" targetNamespace="http://example.org/t">
          <process id="P" isExecutable="true">
            <startEvent id="Start" /><sequenceFlow id="F1" sourceRef="Start" targetRef="Stempeln" />
            <serviceTask id="Stempeln" egov:activity="test-stempel" /><sequenceFlow id="F2" sourceRef="Stempeln" targetRef="Siegeln" />
            <serviceTask id="Siegeln" egov:activity="test-siegel" /><sequenceFlow id="F3" sourceRef="Siegeln" targetRef="End" />
            <endEvent id="End" />
          </process>
        </definitions>
        """;

    private static PackHostServices Config(params (string Key, string Value)[] values) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(), NullLoggerFactory.Instance);

    private static WorkflowEngine Engine(PackCatalog packs) => new(new WorkflowEngineOptions { Activities = packs.AddTo(new ActivityRegistry()) });

    [Fact]
    public void TwoPacks_EachInItsOwnLoadContext_WithItsOwnDependencyVersion_AndOptionsFromPacksSection()
    {
        var packs = PackLoader.Load([TestPacks.Stempel, TestPacks.Siegel], Config(("Packs:Stempel:Amt", "Bürgeramt Mitte")));

        packs.Packs.Select(p => (p.Info.Name, p.Info.Version)).ShouldBe([("Stempel", "1.2.0"), ("EGov.Workflows.TestPacks.Siegel", "0.9.1")]);
        packs.Packs[1].Activities.Select(a => a.Name).ShouldBe(["test-siegel", "test-kaputt"]); // registered by its IActivityPack
        var engine = Engine(packs);
        engine.Deploy("stempel.bpmn", new BpmnReader().ReadString(Model, "stempel.bpmn").Definitions!);
        var id = engine.StartProcess("P", businessKey: "AZ-7");

        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        var stempel = view.Variables["stempel"]!;
        stempel["amt"]!.GetValue<string>().ShouldBe("Bürgeramt Mitte");
        stempel["kontext"]!.GetValue<string>().ShouldBe("pack:EGov.Workflows.TestPacks.Stempel");
        stempel["json"]!.GetValue<string>().ShouldStartWith("13.0.1.");
        stempel["text"]!.GetValue<string>().ShouldBe("{\"BusinessKey\":\"AZ-7\"}");
        view.Variables["siegelJson"]!.GetValue<string>().ShouldStartWith("13.0.3.");
    }

    [Fact]
    public void PackOptions_ArePerTenant_WhereTheConfigurationHasTenantSettings()
    {
        var packs = PackLoader.Load([TestPacks.Stempel], Config(("Packs:Stempel:Amt", "Landkreis"), ("Tenants:06412000:Stempel:Amt", "Stadt Frankfurt")));
        string Amt(string tenant)
        {
            var engine = new WorkflowEngine(new WorkflowEngineOptions { Activities = packs.AddTo(new ActivityRegistry()), TenantId = tenant });
            engine.Deploy("stempel.bpmn", new BpmnReader().ReadString(Model.Replace("test-siegel", "test-stempel", StringComparison.Ordinal), "stempel.bpmn").Definitions!);
            return engine.GetInstance(engine.StartProcess("P")).Variables["stempel"]!["amt"]!.GetValue<string>();
        }

        Amt("06412000").ShouldBe("Stadt Frankfurt");
        Amt("06411000").ShouldBe("Landkreis");
    }

    [Fact]
    public void AFolder_LoadsThePacksInIt_NotTheirDependencies()
    {
        PackLoader.Find(TestPacks.Folder("Stempel")).ShouldBe([TestPacks.Stempel]);
    }

    [Fact]
    public void AnActivityNameTwice_IsRefused_NamingBothPacks()
    {
        var copy = Path.Combine(_dir.Path, "kopie");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.EnumerateFiles(TestPacks.Folder("Stempel"))) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        var second = Path.Combine(copy, Path.GetFileName(TestPacks.Stempel));

        var e = Should.Throw<PackException>(() => PackLoader.Load([TestPacks.Stempel, second]));
        e.Message.ShouldStartWith($"{second}: error: an activity named 'test-stempel' is registered twice: by pack Stempel 1.2.0 ({TestPacks.Stempel})");
        e.Message.ShouldContain($"and by pack Stempel 1.2.0 ({second})");
    }

    [Fact]
    public void AnAssemblyWithoutTheSdk_IsRefused()
    {
        var json = Path.Combine(TestPacks.Folder("Stempel"), "Newtonsoft.Json.dll");
        Should.Throw<PackException>(() => PackLoader.Load([json])).Message
            .ShouldBe($"{json}: error: not an activity pack: it does not reference the activity SDK (EGov.Workflows.Sdk); a pack builds against the SDK only");
    }

    [Theory]
    [InlineData(2, 0)]  // another major version: its contracts may differ
    [InlineData(1, 99)] // same major, but newer than this engine: it may call what the engine does not have
    public void APackBuiltAgainstAnIncompatibleSdk_IsRefused_NamingTheFileAndBothVersions(int major, int minor)
    {
        var host = typeof(WorkflowActivity).Assembly.GetName().Version!;
        var file = EmptyAssemblyReferencingSdk(new Version(major, minor, 0, 0));

        var e = Should.Throw<PackException>(() => PackLoader.Load([file]));

        e.Message.ShouldBe($"{file}: error: built against activity SDK {major}.{minor}.0, this engine has SDK {host.ToString(3)}: " +
            $"rebuild the pack against SDK {host.Major}.x (at most {host.ToString(3)})");
    }

    /// <summary>
    /// The smallest assembly that references the SDK in the given version, written with System.Reflection.Metadata:
    /// what a pack built against another SDK looks like to the loader, which reads references before loading anything.
    /// </summary>
    private string EmptyAssemblyReferencingSdk(Version sdk)
    {
        var md = new MetadataBuilder();
        md.AddModule(0, md.GetOrAddString("AlterPack.dll"), md.GetOrAddGuid(Guid.NewGuid()), default, default);
        md.AddAssembly(md.GetOrAddString("AlterPack"), new Version(1, 0, 0, 0), default, default, default, AssemblyHashAlgorithm.Sha1);
        md.AddAssemblyReference(md.GetOrAddString("EGov.Workflows.Sdk"), sdk, default, default, default, default);
        md.AddTypeDefinition(default, default, md.GetOrAddString("<Module>"), default,
            MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));
        var pe = new ManagedPEBuilder(new PEHeaderBuilder(imageCharacteristics: Characteristics.Dll | Characteristics.ExecutableImage),
            new MetadataRootBuilder(md), new BlobBuilder());
        var image = new BlobBuilder();
        pe.Serialize(image);
        var file = Path.Combine(_dir.Path, $"AlterPack{sdk.Major}_{sdk.Minor}.dll");
        File.WriteAllBytes(file, image.ToArray());
        return file;
    }

    [Fact]
    public void AFileThatIsNoAssembly_AndAPathThatDoesNotExist_AreRefusedByName()
    {
        var file = _dir.Write("Kaputt.dll", "kein .NET");
        var e = Should.Throw<PackException>(() => PackLoader.Load([file, "nirgends/Pack.dll"]));
        e.Message.Split(Environment.NewLine).ShouldBe([
            "nirgends/Pack.dll: error: no such pack file or folder (build the pack first, e.g. dotnet build -c Release)",
            $"{file}: error: not a .NET assembly",
        ]);
    }

    [Fact]
    public void APackWhoseConstructorThrows_OpensAnIncidentWithItsMessage_AndTheEngineRunsOn()
    {
        var engine = new WorkflowEngine(new WorkflowEngineOptions { Activities = PackLoader.Load([TestPacks.Siegel]).AddTo(new ActivityRegistry()), DefaultRetries = 1 });
        engine.Deploy("kaputt.bpmn", new BpmnReader().ReadString(Model.Replace("test-stempel", "test-kaputt", StringComparison.Ordinal), "kaputt.bpmn").Definitions!);

        var incident = engine.GetInstance(engine.StartProcess("P")).Incidents.ShouldHaveSingleItem();
        incident.ElementId.ShouldBe("Stempeln");
        incident.Message.ShouldBe($"activity 'test-kaputt' could not be created: InvalidOperationException: Siegel: Zugangsdaten fehlen (pack EGov.Workflows.TestPacks.Siegel 0.9.1 ({TestPacks.Siegel}))");
        engine.GetInstance(engine.StartProcess("P")).Incidents.Count.ShouldBe(1); // the engine runs on
    }

    [Fact]
    public void Scenarios_RunWithThePacks_AndAreRefusedAtDeployWithoutThem()
    {
        _dir.Write("stempel.bpmn", Model);
        _dir.Write("stempel.scenario.yaml", "name: stamped\ndeploy: [stempel.bpmn]\nsteps:\n  - expect: { state: completed }\n");

        Run(ScenarioEngines.Create(packs: PackLoader.Load([TestPacks.Stempel, TestPacks.Siegel]))).ShouldBe(0);
        var output = new StringWriter();
        new ScenarioSuite(ScenarioEngines.Create()).Run([_dir.Path], new SuiteOptions(), output, output).ShouldBe(1);
        output.ToString().ShouldContain("no activity named 'test-stempel' is registered");
    }

    [Fact]
    public void Verbose_ShowsEachActivityOutcome_WithItsPack()
    {
        _dir.Write("stempel.bpmn", Model);
        _dir.Write("stempel.scenario.yaml", "name: stamped\ndeploy: [stempel.bpmn]\nsteps:\n  - expect: { state: completed }\n");
        var output = new StringWriter();

        new ScenarioSuite(ScenarioEngines.Create(packs: PackLoader.Load([TestPacks.Stempel, TestPacks.Siegel])))
            .Run([_dir.Path], new SuiteOptions { Verbose = true }, output, output).ShouldBe(0);

        output.ToString().ShouldContain("activity test-stempel [Stempel 1.2.0] at Stempeln: execute completed with {\"stempel\":{\"amt\":\"unbekannt\"");
        output.ToString().ShouldContain("activity test-siegel [EGov.Workflows.TestPacks.Siegel 0.9.1] at Siegeln: execute completed with {\"siegelJson\":\"13.0.3.");
    }

    private int Run(IScenarioEngineFactory engines) =>
        new ScenarioSuite(engines).Run([_dir.Path], new SuiteOptions(), TextWriter.Null, TextWriter.Null);

    [Fact]
    public void WalkingAFolder_SkipsBuildOutput()
    {
        _dir.Write("a.scenario.yaml", "name: A\ndeploy: [model.bpmn]\n");
        _dir.Write("bin/Release/a.scenario.yaml", "name: copy\ndeploy: [../../model.bpmn]\n");
        _dir.Write("obj/a.scenario.yaml", "name: copy\ndeploy: [../model.bpmn]\n");

        ScenarioSuite.Discover([_dir.Path], TextWriter.Null, out _).Select(f => f.Full).ShouldBe([Path.GetFullPath(Path.Combine(_dir.Path, "a.scenario.yaml"))]);
    }
}

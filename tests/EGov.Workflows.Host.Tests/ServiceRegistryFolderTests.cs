using EGov.Workflows.Host.Catalogue;
using EGov.Workflows.Host.Deployment;
using Shouldly;
using Xunit;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// A service.yaml names a process of a BPMN model in its own folder — not of a folder beside it whose name starts the same,
/// nor of a folder below it. The versions are grouped by folder once (<see cref="ServiceRegistry.ByFolder"/>).
/// </summary>
public sealed class ServiceRegistryFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "egov-service-folders", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void ProcessOfTheSameFolder_IsFound()
    {
        Service("a", "Process_A");
        var services = ServiceRegistry.Load(_root, [Version("a/model.bpmn", "Process_A")], new HashSet<string>());
        services.Select(s => s.ProcessId).ShouldBe(["Process_A"]);
    }

    [Fact]
    public void ProcessOfAFolderWithTheSamePrefix_IsNotInTheFolder()
    {
        Service("a", "Process_A");
        var e = Should.Throw<Runtime.DeploymentException>(() =>
            ServiceRegistry.Load(_root, [Version("ab/model.bpmn", "Process_A")], new HashSet<string>()));
        e.Messages.ShouldHaveSingleItem().ShouldContain("process 'Process_A': the folder holds no BPMN model");
    }

    [Fact]
    public void ProcessOfANestedFolder_IsNotInTheFolder()
    {
        Service("a", "Process_A");
        var e = Should.Throw<Runtime.DeploymentException>(() =>
            ServiceRegistry.Load(_root, [Version("a/sub/model.bpmn", "Process_A"), Version("a/model.bpmn", "Process_Other")], new HashSet<string>()));
        e.Messages.ShouldHaveSingleItem().ShouldContain("process 'Process_A' is not in a BPMN model of this folder (found: Process_Other)");
    }

    [Fact]
    public void EachServiceFindsItsOwnFolder_AmongMany()
    {
        Service("a", "Process_A");
        Service("ab", "Process_AB");
        Service("a/sub", "Process_Sub");
        var services = ServiceRegistry.Load(_root,
            [Version("a/sub/model.bpmn", "Process_Sub"), Version("ab/model.bpmn", "Process_AB"), Version("a/model.bpmn", "Process_A")], new HashSet<string>());
        services.Select(s => s.ProcessId).ShouldBe(["Process_A", "Process_Sub", "Process_AB"]); // in the files' order
    }

    [Fact]
    public void ByFolder_GroupsByTheFolderAsAFullPath()
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(_root, "a", "one.bpmn"));
        var groups = ServiceRegistry.ByFolder([Version("a/two.bpmn", "P2"), new DeployedDefinition("P1", null, 1, relative, null, DateTimeOffset.UnixEpoch)]);
        groups.Keys.ShouldBe([Path.Combine(_root, "a")]);
        groups[Path.Combine(_root, "a")].Select(d => d.ProcessId).ShouldBe(["P2", "P1"]);
    }

    private void Service(string folder, string processId)
    {
        var dir = Path.Combine(_root, folder);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "service.yaml"), $"""
            internal: true
            name:
              de: Dienst {processId}
            process: {processId}
            legalBases:
              - law: Verwaltungsverfahrensgesetz (VwVfG)
            responsible:
              orgUnit: Bürgeramt
              groups: [buergeramt]
            reifegrad: 2
            """);
    }

    /// <summary>A deployed version as the durable catalogue keeps it: its outline, no model.</summary>
    private DeployedDefinition Version(string file, string processId) =>
        new(processId, null, 1, Path.Combine(_root, file), null, DateTimeOffset.UnixEpoch) { Outline = new Persistence.Deployments.DeploymentOutline() };
}

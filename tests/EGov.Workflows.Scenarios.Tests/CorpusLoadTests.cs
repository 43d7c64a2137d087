using EGov.Workflows.Scenarios.Loading;
using EGov.Workflows.Scenarios.Running;

namespace EGov.Workflows.Scenarios.Tests;

/// <summary>Every scenario the project has (shared conformance and processes/) reads without error.</summary>
public class CorpusLoadTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        var roots = new[] { RepoPaths.Conformance, Path.Combine(RepoPaths.Root, "processes"), Path.Combine(RepoPaths.Root, "samples") };
        foreach (var (full, _) in ScenarioSuite.Discover(roots.Where(Directory.Exists), TextWriter.Null, out _))
            data.Add(Path.GetRelativePath(RepoPaths.Root, full));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryScenarioLoads(string file)
    {
        var result = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, file));
        result.Error.ShouldBeNull(result.ErrorText);
    }

    [Fact]
    public void TheConformanceFolderIsThere() =>
        Directory.Exists(RepoPaths.Conformance).ShouldBeTrue($"shared/ not found at {RepoPaths.Shared}; set EGOV_SHARED");
}

using EGov.Workflows.Scenarios.Engine;
using EGov.Workflows.Scenarios.Running;

namespace EGov.Workflows.Scenarios.Tests;

/// <summary>Runs the shared BPMN conformance scenarios end to end through the real runtime.</summary>
public class ConformanceTests
{
    private static readonly ScenarioSuite Suite = new(new RuntimeScenarioEngineFactory());

    public static TheoryData<string> Conformance() => FilesUnder(RepoPaths.Conformance);

    private static TheoryData<string> FilesUnder(string folder)
    {
        var data = new TheoryData<string>();
        if (!Directory.Exists(folder)) return data;
        foreach (var (full, _) in ScenarioSuite.Discover([folder], TextWriter.Null, out _)) data.Add(full);
        return data;
    }

    [Theory]
    [MemberData(nameof(Conformance))]
    public void SharedConformanceScenarioPasses(string file) => Passes(file);

    private static void Passes(string file)
    {
        var result = Suite.RunFile(file, Paths.Display(file), new SuiteOptions())!;
        result.Passed.ShouldBeTrue(result.Line + Environment.NewLine + string.Join(Environment.NewLine, result.Trace));
    }

    [Fact]
    public void WholeConformanceFolder_ReportsEveryScenarioAndTheCount()
    {
        var stdout = new StringWriter();
        var code = Suite.Run([RepoPaths.Conformance], new SuiteOptions(), stdout, TextWriter.Null);
        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines[^1].ShouldMatch(@"^\d+ passed, \d+ failed$");
        lines.Length.ShouldBe(Conformance().Count + 1);
        lines[..^1].ShouldAllBe(l => l.StartsWith("PASS ") || l.StartsWith("FAIL "));
        code.ShouldBe(lines.Any(l => l.StartsWith("FAIL ")) ? 1 : 0);
    }
}

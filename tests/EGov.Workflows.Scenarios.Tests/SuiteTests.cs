using EGov.Workflows.Scenarios.Running;

namespace EGov.Workflows.Scenarios.Tests;

/// <summary>The report: one line per scenario in file order, the closing count, the exit code.</summary>
public sealed class SuiteTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string[] Out, string Err) Run(SuiteOptions? options = null, params string[] paths)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var factory = new FakeEngineFactory(e => e.OnStart = f => f.AddTask("Review"));
        var code = new ScenarioSuite(factory).Run(paths, options ?? new SuiteOptions(), stdout, stderr);
        return (code, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), stderr.ToString());
    }

    private string Display(string name) => Paths.Display(Path.Combine(_dir.Path, name));

    [Fact]
    public void AllPass_ExitZero_LastLineCounts()
    {
        _dir.Write("b.scenario.yaml", "name: B\ndeploy: [model.bpmn]\nsteps:\n  - expect: { waiting: [Review] }\n");
        _dir.Write("sub/a.scenario.yaml", "name: A\ndeploy: [../model.bpmn]\n");
        _dir.Write("notes.yaml", "not: a scenario");
        var (code, lines, _) = Run(null, _dir.Path);
        code.ShouldBe(0);
        lines.ShouldBe([$"PASS {Display("b.scenario.yaml")}: B", $"PASS {Display("sub/a.scenario.yaml")}: A", "2 passed, 0 failed"]);
    }

    [Fact]
    public void OneFails_ExitOne_EveryScenarioStillRuns()
    {
        _dir.Write("a.scenario.yaml", "name: A\ndeploy: [model.bpmn]\nsteps:\n  - expect: { state: completed }\n");
        _dir.Write("b.scenario.yaml", "name: B\ndeploy: [model.bpmn]\nstesp: []\n");
        _dir.Write("c.scenario.yaml", "name: C\ndeploy: [model.bpmn]\n");
        var (code, lines, _) = Run(null, _dir.Path);
        code.ShouldBe(1);
        lines.ShouldBe([
            $"FAIL {Display("a.scenario.yaml")}: A: step 1: state completed / state running",
            $"FAIL {Display("b.scenario.yaml")}: B: {Display("b.scenario.yaml")}:3:1: unknown key 'stesp' in scenario; expected one of name, deploy, process, clock, timezone, land, start, services, steps",
            $"PASS {Display("c.scenario.yaml")}: C",
            "1 passed, 2 failed",
        ]);
    }

    [Fact]
    public void FilesAreNamedRelativeToTheCurrentDirectory()
    {
        var file = _dir.Write("x.scenario.yaml", "name: X\ndeploy: [model.bpmn]\n");
        var (_, lines, _) = Run(null, file);
        lines[0].ShouldBe($"PASS {Path.GetRelativePath(Directory.GetCurrentDirectory(), file)}: X");
    }

    [Fact]
    public void Filter_SelectsByFileOrName()
    {
        _dir.Write("a.scenario.yaml", "name: Zahlung\ndeploy: [model.bpmn]\n");
        _dir.Write("b.scenario.yaml", "name: Other\ndeploy: [model.bpmn]\n");
        Run(new SuiteOptions { Filter = "zahl" }, _dir.Path).Out.ShouldBe([$"PASS {Display("a.scenario.yaml")}: Zahlung", "1 passed, 0 failed"]);
        Run(new SuiteOptions { Filter = "b.scen" }, _dir.Path).Out.Length.ShouldBe(2);
    }

    [Fact]
    public void NothingFound_OrMissingPath_IsNotASuccess()
    {
        var (code, lines, err) = Run(null, Path.Combine(_dir.Path, "nope"));
        code.ShouldBe(1);
        lines.ShouldBe(["0 passed, 0 failed"]);
        err.ShouldContain("no such file or directory");
        Run(null, _dir.Path).Code.ShouldBe(1);
    }

    [Fact]
    public void Verbose_IndentsTheTraceUnderTheLine()
    {
        _dir.Write("a.scenario.yaml", "name: A\ndeploy: [model.bpmn]\nsteps:\n  - expect: { waiting: [X] }\n");
        var (_, lines, _) = Run(new SuiteOptions { Verbose = true }, _dir.Path);
        lines[0].ShouldStartWith("FAIL ");
        lines.ShouldContain("waiting: [Review]");
        lines[^1].ShouldBe("0 passed, 1 failed");
    }
}

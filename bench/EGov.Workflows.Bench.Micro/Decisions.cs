using System.Text;
using BenchmarkDotNet.Attributes;
using EGov.Workflows.Dmn.Evaluation;
using EGov.Workflows.Dmn.Reading;
using EGov.Workflows.Feel;

namespace EGov.Workflows.Bench.Micro;

/// <summary>
/// Issue 14's decision figures: a 100-rule table with 5 inputs under FIRST and COLLECT SUM, evaluated after
/// compilation (goal: 200,000 evaluations/s on one core); a FEEL expression parsed and compiled; a cached evaluation.
/// </summary>
[MemoryDiagnoser]
public class Decisions
{
    private DecisionModel _first = null!;
    private DecisionModel _sum = null!;
    private Dictionary<string, object?> _inputs = null!;
    private CompiledExpression _expression = null!;
    private readonly Dictionary<string, object?> _vars = new() { ["antrag"] = Feel.Values.FeelContext.From([new("tage", 12m), new("art", "Erholungsurlaub")]), ["rest"] = 20m };
    private int _counter;

    [GlobalSetup]
    public void Setup()
    {
        _first = Compile("FIRST");
        _sum = Compile("COLLECT\" aggregation=\"SUM");
        // Matches about the middle of the table under FIRST: a typical, not a best case.
        _inputs = new() { ["alter"] = 47m, ["einkommen"] = 52_000m, ["zone"] = "C", ["kinder"] = 2m, ["schwerbehindert"] = false };
        _expression = FeelEngine.Default.CompileExpression("if antrag.tage > rest then \"personalstelle\" else \"vorgesetzte\"");
    }

    private static DecisionModel Compile(string policy)
    {
        var rules = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            rules.Append($"<rule id=\"r{i}\">")
                .Append($"<inputEntry><text>[{i}..{i + 20}]</text></inputEntry>")
                .Append($"<inputEntry><text>&gt;= {i * 1000}</text></inputEntry>")
                .Append($"<inputEntry><text>{(i % 3 == 0 ? "\"A\",\"B\",\"C\"" : "-")}</text></inputEntry>")
                .Append($"<inputEntry><text>{(i % 2 == 0 ? "&lt;= 3" : "-")}</text></inputEntry>")
                .Append($"<inputEntry><text>{(i % 5 == 0 ? "false" : "-")}</text></inputEntry>")
                .Append($"<outputEntry><text>{i}.5</text></outputEntry></rule>");
        }
        var xml = $"""
            <definitions xmlns="https://www.omg.org/spec/DMN/20230324/MODEL/" id="b" name="Bench" namespace="urn:bench">
              <decision id="Gebuehr" name="Gebuehr"><decisionTable hitPolicy="{policy}">
                <input><inputExpression typeRef="number"><text>alter</text></inputExpression></input>
                <input><inputExpression typeRef="number"><text>einkommen</text></inputExpression></input>
                <input><inputExpression typeRef="string"><text>zone</text></inputExpression></input>
                <input><inputExpression typeRef="number"><text>kinder</text></inputExpression></input>
                <input><inputExpression typeRef="boolean"><text>schwerbehindert</text></inputExpression></input>
                <output name="gebuehr" typeRef="number"/>
                {rules}
              </decisionTable></decision>
            </definitions>
            """;
        var read = new DmnReader().ReadString(xml, "bench.dmn");
        if (read.HasErrors) throw new InvalidOperationException(string.Join("\n", read.Diagnostics));
        return DecisionModel.Compile(read.Definitions!);
    }

    [Benchmark(Description = "100 rules x 5 inputs, FIRST")]
    public object? TableFirst() => _first.Evaluate("Gebuehr", _inputs).Value;

    [Benchmark(Description = "100 rules x 5 inputs, COLLECT SUM")]
    public object? TableCollectSum() => _sum.Evaluate("Gebuehr", _inputs).Value;

    [Benchmark(Description = "FEEL parse + compile (uncached)")]
    public CompiledExpression ParseAndCompile() => new FeelEngine().CompileExpression($"if antrag.tage > rest + {_counter++ % 1000} then \"personalstelle\" else \"vorgesetzte\"");

    [Benchmark(Description = "FEEL cached evaluation")]
    public object? CachedEvaluation() => _expression.Evaluate(_vars);
}

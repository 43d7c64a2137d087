using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Dmn.Evaluation;
using EGov.Workflows.Dmn.Reading;
using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Values;
using EGov.Workflows.Model.Diagnostics;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov decide FILE.dmn --decision ID --input '{json}'</c>: evaluates one decision (and those it requires) and prints
/// the result as JSON, then each decision decided with the rules that matched. Exit 0 on a result, 1 on a DMN error.
/// </summary>
public sealed class DecideCommand : ICliCommand
{
    public string Name => "decide";
    public string Summary => "evaluate a DMN decision with JSON input; prints the result and the matched rules";
    public string Usage => "decide FILE.dmn [--decision ID|NAME] [--input '{\"name\": value}' | --input-file FILE.json]   (default: the file's first decision)";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? file = null, decision = null, input = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--decision" or "-d": decision = Next(args, ref i, "--decision needs an id or name"); break;
                case "--input" or "-i": input = Next(args, ref i, "--input needs a JSON object"); break;
                case "--input-file": input = ReadInput(Next(args, ref i, "--input-file needs a file")); break;
                default:
                    if (args[i].StartsWith('-')) throw new UsageException($"unknown option '{args[i]}'");
                    if (file is not null) throw new UsageException($"unexpected argument '{args[i]}'");
                    file = args[i];
                    break;
            }
        }
        if (file is null) throw new UsageException("no DMN file given");
        JsonObject? variables;
        try { variables = input is null ? [] : JsonNode.Parse(input) as JsonObject ?? throw new UsageException("--input must be a JSON object"); }
        catch (JsonException e) { throw new UsageException($"--input is not valid JSON: {e.Message}"); }

        var read = new DmnReader().ReadFile(file);
        DiagnosticPrinter.Print(read.Diagnostics, read.SuppressedDiagnostics, file, stderr, stderr);
        if (read.HasErrors || read.Definitions is null) return 1;
        var model = DecisionModel.Compile(read.Definitions);
        var id = decision ?? read.Definitions.Decisions.FirstOrDefault()?.Id ?? read.Definitions.Decisions.FirstOrDefault()?.Name;
        if (id is null) { stderr.WriteLine($"{file}: error: the model has no decision"); return 1; }
        if (model.FindDecisionInfo(id) is null)
        {
            stderr.WriteLine($"{file}: error: no decision '{id}' (decisions: {string.Join(", ", read.Definitions.Decisions.Select(d => d.Id ?? d.Name))})");
            return 1;
        }
        var result = model.Evaluate(id, FeelJson.FromJson(variables), new FeelEvaluation());
        stdout.WriteLine(FeelJson.ToJson(result.Value)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null");
        foreach (var d in result.Decisions)
        {
            var rules = d.MatchedRules.Count == 0 ? "no rule matched" : "matched " + string.Join(", ", d.MatchedRules);
            var inputs = d.Inputs.Count == 0 ? "" : " (" + string.Join(", ", d.Inputs.Select(kv => $"{kv.Key} = {FeelFormat.Format(kv.Value)}")) + ")";
            stdout.WriteLine($"  {d.DecisionName}: {FeelFormat.Format(d.Output)}; {rules}{inputs}");
        }
        foreach (var w in result.Warnings.Except(result.Errors)) stdout.WriteLine($"  warning: {w}");
        foreach (var e in result.Errors) stderr.WriteLine($"{file}: error: {e}");
        return result.HasErrors ? 1 : 0;
    }

    private static string Next(IReadOnlyList<string> args, ref int i, string message) =>
        i + 1 < args.Count ? args[++i] : throw new UsageException(message);

    private static string ReadInput(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UsageException($"cannot read {path}: {e.Message}"); }
    }
}

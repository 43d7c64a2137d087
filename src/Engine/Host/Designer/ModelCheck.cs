using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Bpmn.Validation.Executable;
using EGov.Workflows.Model;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model.Xml;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Host.Designer;

/// <summary>One problem of a model, with its position and, where it can be told, the element it concerns.</summary>
/// <param name="Text">The problem as <c>egov validate</c> prints it: <c>file:line:column: error: message</c>.</param>
public sealed record ModelProblem(int Line, int Column, string Severity, string Message, string? ElementId, string Text);

/// <summary>The outcome of checking a model: the model (null when it could not be read) and every problem.</summary>
/// <param name="Suppressed">How many more problems the reader's limit left out (<c>… and N more</c>).</param>
public sealed record ModelCheckResult(Definitions? Definitions, IReadOnlyList<ModelProblem> Problems, int Suppressed = 0)
{
    public bool HasErrors => Definitions is null || Problems.Any(p => p.Severity == "error");
}

/// <summary>
/// The one check of a model — what the designer's "Prüfen" and <c>egov validate --executable</c> both report, by this one
/// code path: the reader's rules (well-formed, not hostile, consistent references, FEEL), then what running needs
/// (<see cref="ExecutableChecker"/>), every <c>egov:activity</c> bound to an activity the engine has, and what the engine's
/// deployment itself would refuse (<see cref="WorkflowEngine.DeploymentProblems"/>: a Frist in hours, a timer that never
/// fires, overlapping validity …). Problems carry their position and the id of the element at or before it, so the
/// designer can show them on the diagram.
/// </summary>
public static class ModelCheck
{
    public static ModelCheckResult Run(TenantEngine tenant, string xml, string file, bool executable = true)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(xml);
        return Run(tenant.Engine, new BpmnReader().ReadString(xml, file), file, executable);
    }

    /// <summary>Checks a model read already (the command line reads its files with <see cref="BpmnReader.ReadFile"/>) against <paramref name="engine"/>'s activities and deployed versions.</summary>
    public static ModelCheckResult Run(WorkflowEngine engine, BpmnReadResult read, string file, bool executable = true)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(read);
        var bag = new DiagnosticBag(file);
        foreach (var d in read.Diagnostics) bag.Add(d);
        if (executable && read.Definitions is not null && !read.HasErrors)
        {
            ExecutableChecker.Check(read.Definitions, bag);
            ActivityBindingRules.Check(read.Definitions, engine.Options.Activities.Names, bag);
        }
        var problems = bag.Items.Select(d => Problem(d, read.Definitions)).ToList();
        // What the deployment itself would refuse, so "Prüfen" and validate say what "Bereitstellen" will say.
        if (executable && read.Definitions is not null && !problems.Any(p => p.Severity == "error"))
            foreach (var text in engine.DeploymentProblems(file, read.Definitions))
                problems.Add(Positioned(text, file, read.Definitions));
        if (read.Definitions is null && problems.Count == 0)
            problems.Add(new ModelProblem(1, 1, "error", "not a BPMN 2.0 model", null, $"{file}:1:1: error: not a BPMN 2.0 model"));
        return new ModelCheckResult(read.Definitions, problems, read.SuppressedDiagnostics + bag.Suppressed);
    }

    private static ModelProblem Problem(Diagnostic d, Definitions? model) =>
        new(d.Position.IsKnown ? d.Position.Line : 1, d.Position.IsKnown ? d.Position.Column : 1, d.Severity == Severity.Error ? "error" : "warning",
            d.Message, model is null || !d.Position.IsKnown ? null : ElementAt(model, d.Position), d.ToString());

    /// <summary>A deployment's message <c>file:line:column: error: text</c> as a problem (unpositioned when it has no position).</summary>
    private static ModelProblem Positioned(string text, string file, Definitions model)
    {
        var rest = text.StartsWith(file + ":", StringComparison.Ordinal) ? text[(file.Length + 1)..] : text;
        var m = System.Text.RegularExpressions.Regex.Match(rest, @"^(\d+):(\d+): (?:(error|warning): )?(.*)$", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!m.Success) return new ModelProblem(1, 1, "error", rest, null, $"{file}:1:1: error: {rest}");
        var at = new SourcePosition(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var severity = m.Groups[3].Value is "warning" ? "warning" : "error";
        // Always written as the reader writes its problems (file:line:column: severity: message), whatever the deployment's text left out.
        return new ModelProblem(at.Line, at.Column, severity, m.Groups[4].Value, ElementAt(model, at), $"{file}:{at.Line}:{at.Column}: {severity}: {m.Groups[4].Value}");
    }

    /// <summary>The last BPMN element with an id that starts at or before the position (diagram elements left out).</summary>
    private static string? ElementAt(Definitions model, SourcePosition at)
    {
        (string Id, SourcePosition Position)? found = null;
        foreach (var e in model.Descendants())
        {
            if (e.Name.Namespace != Namespaces.Bpmn || e.Id is not { } id || !e.Position.IsKnown || !NotAfter(e.Position, at)) continue;
            if (found is null || NotAfter(found.Value.Position, e.Position)) found = (id, e.Position);
        }
        return found?.Id;
    }

    private static bool NotAfter(SourcePosition a, SourcePosition b) => a.Line < b.Line || (a.Line == b.Line && a.Column <= b.Column);
}

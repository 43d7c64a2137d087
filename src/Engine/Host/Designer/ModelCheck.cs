using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Bpmn.Validation.Executable;
using EGov.Workflows.Model;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model.Xml;
using EGov.Workflows.Host.Tenancy;

namespace EGov.Workflows.Host.Designer;

/// <summary>One problem of a model, with its position and, where it can be told, the element it concerns.</summary>
/// <param name="Text">The problem as <c>egov validate</c> prints it: <c>file:line:column: error: message</c>.</param>
public sealed record ModelProblem(int Line, int Column, string Severity, string Message, string? ElementId, string Text);

/// <summary>The outcome of checking a model: the model (null when it could not be read) and every problem.</summary>
public sealed record ModelCheckResult(Definitions? Definitions, IReadOnlyList<ModelProblem> Problems)
{
    public bool HasErrors => Definitions is null || Problems.Any(p => p.Severity == "error");
}

/// <summary>
/// The server's check of a designer model — what <c>egov validate --executable</c> reports: the reader's rules (well-formed,
/// not hostile, consistent references, FEEL), then what running needs (<see cref="ExecutableChecker"/>), and every
/// <c>egov:activity</c> bound to an activity the tenant's engine has. Problems carry the id of the element at or before
/// their position, so the designer can show them on the diagram.
/// </summary>
public static class ModelCheck
{
    public static ModelCheckResult Run(TenantEngine tenant, string xml, string file, bool executable = true)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(xml);
        var read = new BpmnReader().ReadString(xml, file);
        var bag = new DiagnosticBag(file);
        foreach (var d in read.Diagnostics) bag.Add(d);
        if (executable && read.Definitions is not null && !read.HasErrors)
        {
            ExecutableChecker.Check(read.Definitions, bag);
            ActivityBindingRules.Check(read.Definitions, tenant.Engine.Options.Activities.Names, bag);
        }
        var problems = bag.Items.Select(d => Problem(d, read.Definitions)).ToList();
        // What the deployment itself would refuse (a Frist in hours, a timer that never fires, overlapping validity …), so
        // "Prüfen" says what "Bereitstellen" will say.
        if (executable && read.Definitions is not null && !problems.Any(p => p.Severity == "error"))
            foreach (var text in tenant.Engine.DeploymentProblems(file, read.Definitions))
                problems.Add(Positioned(text, file, read.Definitions));
        if (read.Definitions is null && problems.Count == 0)
            problems.Add(new ModelProblem(1, 1, "error", "not a BPMN 2.0 model", null, $"{file}:1:1: error: not a BPMN 2.0 model"));
        return new ModelCheckResult(read.Definitions, problems);
    }

    private static ModelProblem Problem(Diagnostic d, Definitions? model) =>
        new(d.Position.IsKnown ? d.Position.Line : 1, d.Position.IsKnown ? d.Position.Column : 1, d.Severity == Severity.Error ? "error" : "warning",
            d.Message, model is null || !d.Position.IsKnown ? null : ElementAt(model, d.Position), d.ToString());

    /// <summary>A deployment's message <c>file:line:column: error: text</c> as a problem (unpositioned when it has no position).</summary>
    private static ModelProblem Positioned(string text, string file, Definitions model)
    {
        var rest = text.StartsWith(file + ":", StringComparison.Ordinal) ? text[(file.Length + 1)..] : text;
        var m = System.Text.RegularExpressions.Regex.Match(rest, @"^(\d+):(\d+): (?:(error|warning): )?(.*)$", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!m.Success) return new ModelProblem(1, 1, "error", rest, null, text);
        var at = new SourcePosition(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        return new ModelProblem(at.Line, at.Column, m.Groups[3].Value is "warning" ? "warning" : "error", m.Groups[4].Value, ElementAt(model, at), text);
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

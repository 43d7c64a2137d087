using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Bpmn.Validation.Executable;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov validate [--executable] FILE|DIR...</c>: reads each model and reports every problem as
/// <c>file:line:column: severity: message</c>. Exit 0 when no file has an error (warnings are printed), else 1.
/// </summary>
public sealed class ValidateCommand : ICliCommand
{
    public string Name => "validate";
    public string Summary => "check BPMN and DMN files and service.yaml (and folders of them): readable, consistent references, FEEL, the service schema; --executable also checks what running needs";
    public string Usage => "validate [--executable [--activities PACK.dll|DIR]...] FILE|DIR...";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var executable = false;
        var paths = new List<string>();
        var packs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--executable" or "-x") executable = true;
            else if (arg == "--activities")
            {
                if (i + 1 >= args.Count) throw new UsageException("--activities needs the path of an activity pack (.dll) or a folder of packs");
                packs.Add(args[++i]);
            }
            else if (arg.StartsWith('-') && arg.Length > 1) throw new UsageException($"unknown option '{arg}'");
            else paths.Add(arg);
        }
        if (paths.Count == 0) throw new UsageException("no file given");
        if (packs.Count > 0 && !executable) throw new UsageException("--activities checks bindings to activities: use it with --executable");
        // With packs, every egov:activity must name one of their activities, as deployment demands.
        if (!TestCommand.TryLoadPacks(packs, stderr, out var catalog)) return 1;
        var known = packs.Count == 0 ? null : catalog.Activities.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);

        var files = ModelFiles.Expand(paths, stderr, out var missing);
        var failed = missing;
        var reader = new BpmnReader();
        int errors = 0, warnings = 0;
        foreach (var file in files)
        {
            if (ModelFiles.IsServiceFile(file))
            {
                var service = ServiceFile.Check(file);
                DiagnosticPrinter.Print(service, 0, file, stdout, stderr);
                errors += service.Count(d => d.Severity == Severity.Error);
                warnings += service.Count(d => d.Severity == Severity.Warning);
                if (service.Any(d => d.Severity == Severity.Error)) failed = true;
                continue;
            }
            if (ModelFiles.IsDmnFile(file))
            {
                // Decision models: read by the same rules, every FEEL text compiled, allowed values checked.
                var dmn = new Dmn.Reading.DmnReader().ReadFile(file);
                DiagnosticPrinter.Print(dmn.Diagnostics, dmn.SuppressedDiagnostics, file, stdout, stderr);
                errors += dmn.Diagnostics.Count(d => d.Severity == Severity.Error);
                warnings += dmn.Diagnostics.Count(d => d.Severity == Severity.Warning);
                if (dmn.HasErrors) failed = true;
                continue;
            }
            var result = reader.ReadFile(file);
            var bag = new DiagnosticBag(file);
            foreach (var d in result.Diagnostics) bag.Add(d);
            if (executable && result.Definitions is not null)
            {
                ExecutableChecker.Check(result.Definitions, bag);
                if (known is not null) ActivityBindingRules.Check(result.Definitions, known, bag);
            }
            var suppressed = result.SuppressedDiagnostics + bag.Suppressed;
            DiagnosticPrinter.Print(bag.Items, suppressed, file, stdout, stderr);
            errors += bag.Items.Count(d => d.Severity == Severity.Error);
            warnings += bag.Items.Count(d => d.Severity == Severity.Warning);
            if (bag.HasErrors || result.HasErrors) failed = true;
        }
        if (files.Count == 0 && !missing) stderr.WriteLine("egov validate: no BPMN, DMN or service.yaml files found");
        stdout.WriteLine(failed
            ? $"{files.Count} file(s) checked: {errors} error(s), {warnings} warning(s)"
            : $"{files.Count} file(s) valid{(executable ? " and executable" : "")}{(warnings > 0 ? $", {warnings} warning(s)" : "")}");
        return failed || files.Count == 0 ? 1 : 0;
    }
}

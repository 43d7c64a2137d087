using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Bpmn.Reading;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov validate [--executable] FILE|DIR...</c>: reads each model and reports every problem as
/// <c>file:line:column: severity: message</c>. Exit 0 when no file has an error (warnings are printed), else 1.
/// </summary>
public sealed class ValidateCommand : ICliCommand
{
    public string Name => "validate";
    public string Summary => "check BPMN and DMN files, service.yaml and tenants' *.overlay.yaml (and folders of them): readable, consistent references, FEEL, the service and overlay schemas, every element/group/form field an overlay names exists in its shared model; --executable also checks what running needs and what deploying would refuse (the designer's \"Prüfen\", by the same code path)";
    public string Usage => "validate [--executable [--activities PACK.dll|DIR]...] [--processes DIR] FILE|DIR...";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var executable = false;
        var paths = new List<string>();
        var packs = new List<string>();
        string? processes = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--executable" or "-x") executable = true;
            else if (arg == "--activities")
            {
                if (i + 1 >= args.Count) throw new UsageException("--activities needs the path of an activity pack (.dll) or a folder of packs");
                packs.Add(args[++i]);
            }
            else if (arg == "--processes")
            {
                if (i + 1 >= args.Count) throw new UsageException("--processes needs the folder of the shared models the overlays are checked against");
                processes = args[++i];
            }
            else if (arg.StartsWith('-') && arg.Length > 1) throw new UsageException($"unknown option '{arg}'");
            else paths.Add(arg);
        }
        if (paths.Count == 0) throw new UsageException("no file given");
        if (packs.Count > 0 && !executable) throw new UsageException("--activities checks bindings to activities: use it with --executable");
        // --executable checks as the designer's "Prüfen" does, by the same code path (Host.Designer.ModelCheck): against an
        // engine with the built-in packs and the given ones, so every egov:activity must name one of their activities and
        // whatever the deployment would refuse (a Frist in hours, a timer that never fires …) is reported with its position.
        if (!TestCommand.TryLoadPacks(packs, stderr, out var catalog)) return 1;
        var engine = executable ? new Runtime.WorkflowEngine(new Runtime.WorkflowEngineOptions { Activities = catalog.AddTo(new Sdk.ActivityRegistry()) }) : null;

        var files = ModelFiles.Expand(paths, stderr, out var missing);
        var failed = missing;
        var reader = new BpmnReader();
        int errors = 0, warnings = 0;
        foreach (var file in files)
        {
            if (ModelFiles.IsOverlayFile(file))
            {
                // A tenant's overlay: its schema, then the merge with its shared model (what the server refuses at deploy).
                var overlay = OverlayFile.Check(file, processes);
                DiagnosticPrinter.Print(overlay, 0, file, stdout, stderr);
                errors += overlay.Count(d => d.Severity == Severity.Error);
                warnings += overlay.Count(d => d.Severity == Severity.Warning);
                if (overlay.Any(d => d.Severity == Severity.Error)) failed = true;
                continue;
            }
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
            if (engine is not null)
            {
                var check = Host.Designer.ModelCheck.Run(engine, result, file);
                foreach (var p in check.Problems) (p.Severity == "error" ? stderr : stdout).WriteLine(p.Text);
                if (check.Suppressed > 0) stderr.WriteLine($"{file}: … and {check.Suppressed} more");
                errors += check.Problems.Count(p => p.Severity == "error");
                warnings += check.Problems.Count(p => p.Severity == "warning");
                if (check.HasErrors) failed = true;
                continue;
            }
            DiagnosticPrinter.Print(result.Diagnostics, result.SuppressedDiagnostics, file, stdout, stderr);
            errors += result.Diagnostics.Count(d => d.Severity == Severity.Error);
            warnings += result.Diagnostics.Count(d => d.Severity == Severity.Warning);
            if (result.HasErrors) failed = true;
        }
        if (files.Count == 0 && !missing) stderr.WriteLine("egov validate: no BPMN, DMN, service.yaml or overlay files found");
        stdout.WriteLine(failed
            ? $"{files.Count} file(s) checked: {errors} error(s), {warnings} warning(s)"
            : $"{files.Count} file(s) valid{(executable ? " and executable" : "")}{(warnings > 0 ? $", {warnings} warning(s)" : "")}");
        return failed || files.Count == 0 ? 1 : 0;
    }
}

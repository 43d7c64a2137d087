using EGov.Workflows.Bpmn.Reading;

namespace EGov.Workflows.Cli.Commands;

/// <summary><c>egov validate FILE|DIR...</c>: reads each model and reports every problem as file:line:column.</summary>
public sealed class ValidateCommand : ICliCommand
{
    public string Name => "validate";
    public string Summary => "check BPMN files (and folders of them): readable, consistent references; --executable also checks what running needs";
    public string Usage => "validate [--executable] FILE|DIR...";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var paths = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (paths.Count == 0) throw new UsageException("no file given");
        var files = ModelFiles.Expand(paths, stderr, out var missing);
        var failed = missing;
        var reader = new BpmnReader();
        foreach (var file in files)
        {
            var result = reader.ReadFile(file);
            foreach (var d in result.Diagnostics) (d.Severity == Bpmn.Diagnostics.Severity.Error ? stderr : stdout).WriteLine(d);
            if (result.SuppressedDiagnostics > 0) stderr.WriteLine($"{file}: … and {result.SuppressedDiagnostics} more problems");
            if (result.HasErrors) failed = true;
        }
        if (!failed) stdout.WriteLine($"{files.Count} file(s) valid");
        return failed ? 1 : 0;
    }
}

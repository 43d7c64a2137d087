namespace EGov.Workflows.Model.Diagnostics;

/// <summary>Prints one file's diagnostics, errors to stderr and warnings to stdout, never more than a screen.</summary>
public static class DiagnosticPrinter
{
    public static void Print(IReadOnlyList<Diagnostic> items, int suppressed, string file, TextWriter stdout, TextWriter stderr)
    {
        foreach (var d in items) (d.Severity == Severity.Error ? stderr : stdout).WriteLine(d);
        if (suppressed > 0) stderr.WriteLine($"{file}: … and {suppressed} more");
    }
}

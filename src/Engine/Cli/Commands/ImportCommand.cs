using EGov.Workflows.Catalogue.Fim;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov import fim FILE... -o DIR</c>: an executable service skeleton from FIM files (XProzess 2, XDatenfelder 2/3,
/// genericode code lists, or a BPMN model): model, service.yaml, form-js forms and IMPORT.md with what was not executable.
/// </summary>
public sealed class ImportCommand : ICliCommand
{
    public string Name => "import";
    public string Summary => "import fim FILE... -o DIR: a service skeleton (BPMN, service.yaml, forms, report) from XProzess and XDatenfelder files";
    public string Usage => "import fim FILE... -o DIR   (XProzess 2, XDatenfelder 2/3 Datenschema, genericode code lists, BPMN)";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count == 0 || args[0] != "fim") throw new UsageException("the only import is 'fim': ./egov import fim FILE... -o DIR");
        var files = new List<string>();
        string? outDir = null;
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i] is "-o" or "--output")
            {
                if (i + 1 >= args.Count) throw new UsageException("-o needs the folder to write the service into");
                outDir = args[++i];
            }
            else if (args[i].StartsWith('-')) throw new UsageException($"unknown option '{args[i]}'");
            else files.Add(args[i]);
        }
        if (files.Count == 0) throw new UsageException("name at least one FIM file");
        if (outDir is null) throw new UsageException("say where the service folder goes: -o DIR");
        try
        {
            var result = FimImporter.Import(files, outDir);
            stdout.WriteLine($"{result.ProcessId}: wrote {string.Join(", ", result.Written)} into {result.Directory}");
            stdout.WriteLine(result.Report.Count == 0 ? "everything was made executable" : $"{result.Report.Count} point(s) not (fully) executable: see {Path.Combine(result.Directory, "IMPORT.md")}");
            return 0;
        }
        catch (FimFormatException e)
        {
            stderr.WriteLine(e.Message);
            return 1;
        }
    }
}

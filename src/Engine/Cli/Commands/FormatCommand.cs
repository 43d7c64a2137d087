using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Bpmn.Writing;

namespace EGov.Workflows.Cli.Commands;

/// <summary><c>egov format FILE -o OUT</c>: writes a model back through the model (normalised layout, nothing lost).</summary>
public sealed class FormatCommand : ICliCommand
{
    public string Name => "format";
    public string Summary => "write a BPMN or DMN file back through the model (indented, every element, attribute and extension kept)";
    public string Usage => "format FILE [-o OUT]   (without -o the result goes to standard output)";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? input = null, output = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "-o" or "--output")
            {
                if (i + 1 >= args.Count) throw new UsageException("-o needs a file name");
                output = args[++i];
            }
            else if (input is null) input = args[i];
            else throw new UsageException($"unexpected argument '{args[i]}'");
        }
        if (input is null) throw new UsageException("no file given");
        if (ModelFiles.IsDmnFile(input))
        {
            var dmn = new Dmn.Reading.DmnReader().ReadFile(input);
            DiagnosticPrinter.Print(dmn.Diagnostics, dmn.SuppressedDiagnostics, input, stderr, stderr);
            if (dmn.HasErrors || dmn.Definitions is null) return 1;
            if (output is null) stdout.Write(Model.Xml.XmlTreeWriter.WriteString(dmn.Definitions.Source));
            else Model.Xml.XmlTreeWriter.WriteFile(dmn.Definitions.Source, output);
            return 0;
        }
        var result = new BpmnReader().ReadFile(input);
        // Diagnostics go to stderr here: stdout may carry the formatted model.
        DiagnosticPrinter.Print(result.Diagnostics, result.SuppressedDiagnostics, input, stderr, stderr);
        if (result.HasErrors || result.Definitions is null) return 1;
        if (output is null) stdout.Write(BpmnWriter.WriteString(result.Definitions));
        else BpmnWriter.WriteFile(result.Definitions, output);
        return 0;
    }
}

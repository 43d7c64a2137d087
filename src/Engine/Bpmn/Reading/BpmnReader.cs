using System.Text;
using System.Xml;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Bpmn.Validation;
using EGov.Workflows.Model;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Bpmn.Reading;

/// <summary>
/// Reads BPMN 2.0 XML into the immutable model. Safe on hostile input: no DTDs (so no XXE and no entity
/// expansion), bounded size and depth. Collects every problem with its position instead of stopping at the first.
/// </summary>
public sealed class BpmnReader(BpmnReaderOptions? options = null)
{
    private readonly BpmnReaderOptions _options = options ?? new BpmnReaderOptions();

    private static readonly XmlDocumentKind Bpmn = new("BPMN", "BPMN 2.0", IsDefinitions, RootProblem, ElementFactory.Create);

    private SafeXmlOptions Limits => new(_options.MaxBytes, _options.MaxDepth);

    public BpmnReadResult ReadFile(string path)
    {
        var bag = new DiagnosticBag(path);
        var bytes = SafeXmlReader.ReadFileBytes(path, Limits, bag);
        return bytes is null ? Result(bag, null) : ReadBytes(bytes, path);
    }

    public BpmnReadResult ReadString(string xml, string name = "<string>") => ReadBytes(new UTF8Encoding(false).GetBytes(xml), name);

    public BpmnReadResult ReadBytes(byte[] bytes, string name)
    {
        var bag = new DiagnosticBag(name);
        try
        {
            var definitions = SafeXmlReader.Read(bytes, Bpmn, Limits, bag) as Definitions;
            if (definitions is not null && _options.CheckReferences)
                new ModelChecker(definitions, bag).Check();
            return Result(bag, definitions);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever the input, the caller gets a positioned message, never an exception.
            bag.Error(new SourcePosition(1, 1), $"cannot read as BPMN: {e.GetType().Name}: {e.Message}");
            return Result(bag, null);
        }
    }

    private static BpmnReadResult Result(DiagnosticBag bag, Definitions? d) => new(bag.File, d, bag.Items, bag.Suppressed);

    private static string RootProblem(XmlReader r)
    {
        var found = $"<{r.Name}>" + (r.NamespaceURI.Length > 0 ? $" in namespace {r.NamespaceURI}" : " without a namespace");
        var expected = $"expected a BPMN 2.0 <definitions> root element in namespace {Namespaces.Bpmn.NamespaceName}";
        if (r.LocalName == "definitions")
            return $"{expected}, found {found} (an older BPMN version, e.g. BPMN 1.x or a BPMN 2.0 beta, or a misspelt namespace; re-export as BPMN 2.0)";
        if (r.LocalName == "Package")
            return $"{expected}, found {found} (this looks like XPDL, not BPMN 2.0)";
        return $"{expected}, found {found}: not a BPMN 2.0 file";
    }

    private static bool IsDefinitions(XmlReader r) => r.LocalName == "definitions" && r.NamespaceURI == Namespaces.Bpmn.NamespaceName;
}

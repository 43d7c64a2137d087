using System.Text;
using System.Xml;
using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Dmn.Validation;
using EGov.Workflows.Model;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Dmn.Reading;

/// <summary>
/// Reads DMN 1.1–1.5 XML: by the same safe reader rules as BPMN (no DTDs, bounded size and depth, positions, every
/// node kept for writing back), then into the typed model, then checked (references, FEEL syntax, allowed values).
/// Never throws for bad input: the result carries positioned diagnostics.
/// </summary>
public sealed class DmnReader(DmnReaderOptions? options = null)
{
    private readonly DmnReaderOptions _options = options ?? new DmnReaderOptions();

    private static readonly XmlDocumentKind Dmn = new("DMN", "DMN 1.1–1.5", IsDefinitions, RootProblem, init => new BpmnElement(init));

    private SafeXmlOptions Limits => new(_options.MaxBytes, _options.MaxDepth);

    public DmnReadResult ReadFile(string path)
    {
        var bag = new DiagnosticBag(path);
        var bytes = SafeXmlReader.ReadFileBytes(path, Limits, bag);
        return bytes is null ? Result(bag, null) : ReadBytes(bytes, path);
    }

    public DmnReadResult ReadString(string xml, string name = "<string>") => ReadBytes(new UTF8Encoding(false).GetBytes(xml), name);

    public DmnReadResult ReadBytes(byte[] bytes, string name)
    {
        var bag = new DiagnosticBag(name);
        try
        {
            var root = SafeXmlReader.Read(bytes, Dmn, Limits, bag);
            if (root is null) return Result(bag, null);
            var definitions = new DmnModelBuilder(bag).Build(root);
            if (_options.Check) new DmnChecker(definitions, bag).Check();
            return Result(bag, definitions);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            bag.Error(new SourcePosition(1, 1), $"cannot read as DMN: {e.GetType().Name}: {e.Message}");
            return Result(bag, null);
        }
    }

    private static DmnReadResult Result(DiagnosticBag bag, DmnDefinitions? d) => new(bag.File, d, bag.Items, bag.Suppressed);

    private static bool IsDefinitions(XmlReader r) => r.LocalName == "definitions" && DmnNamespaces.Versions.ContainsKey(r.NamespaceURI);

    private static string RootProblem(XmlReader r)
    {
        var found = $"<{r.Name}>" + (r.NamespaceURI.Length > 0 ? $" in namespace {r.NamespaceURI}" : " without a namespace");
        var expected = $"expected a DMN <definitions> root element in a DMN 1.1–1.5 namespace (e.g. {DmnNamespaces.Dmn15.NamespaceName})";
        if (r.LocalName == "definitions")
            return $"{expected}, found {found} (an unknown DMN version or a misspelt namespace)";
        return $"{expected}, found {found}: not a DMN file";
    }
}

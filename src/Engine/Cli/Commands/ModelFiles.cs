using System.Xml;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// Turns command-line paths into the model files they name: files as given; folders searched for *.bpmn,
/// *.bpmn20.xml, *.dmn, service.yaml, *.overlay.yaml, and other *.xml files whose root element is BPMN definitions (FIM folders hold XÖV XML too).
/// </summary>
public static class ModelFiles
{
    private const string BpmnNamespace = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    public static List<string> Expand(IEnumerable<string> paths, TextWriter stderr, out bool missing)
    {
        missing = false;
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) files.Add(path);
            else if (Directory.Exists(path))
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("node_modules"))
                    .Where(IsModelFile)
                    .Order(StringComparer.Ordinal));
            else
            {
                stderr.WriteLine($"{path}: error: no such file or directory");
                missing = true;
            }
        }
        return files;
    }

    public static bool IsModelFile(string path) => IsBpmnFile(path) || IsDmnFile(path) || IsServiceFile(path) || IsOverlayFile(path);

    /// <summary>A tenant's overlay of a shared model: <c>&lt;service&gt;.overlay.yaml</c> (docs/overlay.schema.json).</summary>
    public static bool IsOverlayFile(string path) =>
        Path.GetFileName(path).EndsWith(Catalogue.Overlays.OverlayReader.Suffix, StringComparison.Ordinal);

    /// <summary>A service description: a file named service.yaml (docs/service.schema.json).</summary>
    public static bool IsServiceFile(string path) =>
        string.Equals(Path.GetFileName(path), Catalogue.Services.ServiceYamlReader.FileName, StringComparison.Ordinal);

    /// <summary>A BPMN model: .bpmn, .bpmn20.xml, or .xml whose root is BPMN definitions.</summary>
    public static bool IsBpmnFile(string path) =>
        path.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase)
        || (path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) && HasBpmnRoot(path));

    /// <summary>A DMN model: a .dmn file.</summary>
    public static bool IsDmnFile(string path) => path.EndsWith(".dmn", StringComparison.OrdinalIgnoreCase);

    /// <summary>Looks at the root element only; a file that cannot be read that far is not taken for a model.</summary>
    private static bool HasBpmnRoot(string path)
    {
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(path, settings);
            return reader.MoveToContent() == XmlNodeType.Element && reader.LocalName == "definitions" && reader.NamespaceURI == BpmnNamespace;
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}

using System.Text;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Model;
using XmlComment = EGov.Workflows.Model.Xml.XmlComment;
using XmlText = EGov.Workflows.Model.Xml.XmlText;

namespace EGov.Workflows.Bpmn.Writing;

/// <summary>
/// Writes the model back as BPMN 2.0 XML (UTF-8, indented). Every element, attribute, text, comment and
/// namespace declaration read is written again, so the file's prefixes and vendor extensions survive.
/// </summary>
public static class BpmnWriter
{
    public static string WriteString(Definitions definitions)
    {
        var sb = new StringBuilder();
        using (var writer = XmlWriter.Create(sb, Settings(omitDeclaration: true)))
            ToXDocument(definitions).Save(writer);
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + sb.ToString();
    }

    public static void WriteFile(Definitions definitions, string path)
    {
        // Write to a temporary file first so that a failure never leaves a half-written model behind.
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var stream = File.Create(temp))
                Write(definitions, stream);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void Write(Definitions definitions, Stream stream)
    {
        using var writer = XmlWriter.Create(stream, Settings(omitDeclaration: false));
        ToXDocument(definitions).Save(writer);
    }

    private static XmlWriterSettings Settings(bool omitDeclaration) => new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        OmitXmlDeclaration = omitDeclaration,
        NamespaceHandling = NamespaceHandling.Default,
    };

    public static XDocument ToXDocument(Definitions definitions) =>
        new(new XDeclaration("1.0", "UTF-8", null), ToXElement(definitions));

    public static XElement ToXElement(BpmnElement element)
    {
        var x = new XElement(element.Name);
        foreach (var a in element.Attributes)
            x.Add(new XAttribute(a.Name, a.Value));
        foreach (var child in element.Children)
        {
            switch (child)
            {
                case BpmnElement e: x.Add(ToXElement(e)); break;
                case XmlText { IsCData: true } t: x.Add(new XCData(t.Value)); break;
                case XmlText t: x.Add(new XText(t.Value)); break;
                case XmlComment c: x.Add(new XComment(c.Value)); break;
            }
        }
        return x;
    }
}

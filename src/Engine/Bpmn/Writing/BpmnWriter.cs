using System.Text;
using System.Xml.Linq;
using EGov.Workflows.Model;
using EGov.Workflows.Model.Xml;
using XmlComment = EGov.Workflows.Model.Xml.XmlComment;
using XmlText = EGov.Workflows.Model.Xml.XmlText;

namespace EGov.Workflows.Bpmn.Writing;

/// <summary>Writes the model back as BPMN 2.0 XML through <see cref="XmlTreeWriter"/>: nothing read is lost, the output is deterministic.</summary>
public static class BpmnWriter
{
    private static readonly UTF8Encoding Utf8 = new(false);

    public static string WriteString(Definitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        return XmlTreeWriter.WriteString(definitions);
    }

    public static void Write(Definitions definitions, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = Utf8.GetBytes(WriteString(definitions));
        stream.Write(bytes);
    }

    public static void WriteFile(Definitions definitions, string path) => XmlTreeWriter.WriteFile(definitions, path);

    /// <summary>The model as an XLinq tree (for callers that post-process XML); prefixes follow XLinq's choice.</summary>
    public static XDocument ToXDocument(Definitions definitions) =>
        new(new XDeclaration("1.0", "UTF-8", null), ToXElement(definitions));

    public static XElement ToXElement(BpmnElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
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

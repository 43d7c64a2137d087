using System.Text;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Model;
using XmlComment = EGov.Workflows.Model.Xml.XmlComment;
using XmlText = EGov.Workflows.Model.Xml.XmlText;

namespace EGov.Workflows.Bpmn.Writing;

/// <summary>
/// Writes the model back as BPMN 2.0 XML (UTF-8, indented, LF). Every element, attribute, text, CDATA,
/// comment and namespace declaration read is written again, each element and attribute with the prefix the
/// file used: files bind the BPMN namespace to several prefixes at once (ADONIS: five), and QName values such
/// as xsi:type="bpmn:tFormalExpression" need their prefix to stay declared. Output is deterministic, so
/// writing twice gives the same bytes.
/// </summary>
public static class BpmnWriter
{
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    private static readonly UTF8Encoding Utf8 = new(false);

    public static string WriteString(Definitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var sb = new StringBuilder(Declaration);
        using (var writer = XmlWriter.Create(sb, Settings))
        {
            WriteElement(writer, definitions);
        }
        return sb.Append('\n').ToString();
    }

    public static void Write(Definitions definitions, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = Utf8.GetBytes(WriteString(definitions));
        stream.Write(bytes);
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

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = Utf8,
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        NewLineHandling = NewLineHandling.Entitize,
        OmitXmlDeclaration = true,
        ConformanceLevel = ConformanceLevel.Document,
    };

    private static void WriteElement(XmlWriter w, BpmnElement element)
    {
        var ns = element.Name.NamespaceName;
        if (element.Prefix is null) w.WriteStartElement(element.Name.LocalName, ns);
        else w.WriteStartElement(element.Prefix, element.Name.LocalName, ns);

        // Declarations first, so that the attributes after them find their prefixes in scope.
        foreach (var a in element.Attributes.Where(a => a.IsNamespaceDeclaration))
        {
            if (a.Name.Namespace == XNamespace.Xmlns) w.WriteAttributeString("xmlns", a.Name.LocalName, XNamespace.Xmlns.NamespaceName, a.Value);
            else w.WriteAttributeString("xmlns", a.Value);
        }
        foreach (var a in element.Attributes.Where(a => !a.IsNamespaceDeclaration))
        {
            if (a.Name.Namespace == XNamespace.None) w.WriteAttributeString(a.Name.LocalName, a.Value);
            else if (string.IsNullOrEmpty(a.Prefix)) w.WriteAttributeString(a.Name.LocalName, a.Name.NamespaceName, a.Value);
            else w.WriteAttributeString(a.Prefix, a.Name.LocalName, a.Name.NamespaceName, a.Value);
        }

        foreach (var child in element.Children)
        {
            switch (child)
            {
                case BpmnElement e: WriteElement(w, e); break;
                case XmlText { IsCData: true } t: w.WriteCData(t.Value); break;
                case XmlText t: w.WriteString(t.Value); break;
                case XmlComment c: w.WriteComment(c.Value); break;
            }
        }
        // Elements that were empty stay empty-tagged; those with content get an end tag.
        if (element.Children.Count == 0) w.WriteEndElement(); else w.WriteFullEndElement();
    }

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

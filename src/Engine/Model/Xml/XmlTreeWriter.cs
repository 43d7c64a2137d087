using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace EGov.Workflows.Model.Xml;

/// <summary>
/// Writes a tree read by <see cref="SafeXmlReader"/> back as XML (UTF-8, indented, LF), for every model kind. Every
/// element, attribute, text, CDATA, comment and namespace declaration read is written again, each element and
/// attribute with the prefix the file used: files bind one namespace to several prefixes at once (ADONIS: five),
/// and QName values such as xsi:type="bpmn:tFormalExpression" need their prefix to stay declared. Output is
/// deterministic, so writing twice gives the same bytes.
/// </summary>
public static class XmlTreeWriter
{
    private const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    private static readonly UTF8Encoding Utf8 = new(false);

    public static string WriteString(BpmnElement root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var sb = new StringBuilder(Declaration);
        using (var writer = XmlWriter.Create(sb, Settings))
        {
            WriteElement(writer, root);
        }
        return sb.Append('\n').ToString();
    }

    /// <summary>Writes to a temporary file first and moves it into place, so a failure never leaves a half-written model.</summary>
    public static void WriteFile(BpmnElement root, string path)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            File.WriteAllBytes(temp, Utf8.GetBytes(WriteString(root)));
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
}

using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace EGov.Workflows.Bpmn.Tests.Support;

/// <summary>
/// A canonical text of an XML document that holds its information and nothing of its layout: expanded names,
/// attributes as a sorted set without namespace declarations, xsi:type resolved to an expanded name (so a
/// prefix that is no longer declared shows), text trimmed, whitespace-only text dropped, comments kept.
/// </summary>
public static class CanonicalXml
{
    private static readonly XNamespace Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    public static string Of(byte[] xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        var doc = XDocument.Load(reader, LoadOptions.None);
        var sb = new StringBuilder();
        Write(doc.Root!, sb, 0);
        return sb.ToString();
    }

    public static string OfFile(string path) => Of(File.ReadAllBytes(path));

    public static string Of(string xml) => Of(new UTF8Encoding(false).GetBytes(xml));

    private static void Write(XElement e, StringBuilder sb, int depth)
    {
        var indent = new string(' ', depth * 2);
        sb.Append(indent).Append('<').Append(e.Name.ToString());
        foreach (var a in e.Attributes().Where(a => !a.IsNamespaceDeclaration).OrderBy(a => a.Name.ToString(), StringComparer.Ordinal))
            sb.Append(' ').Append(a.Name.ToString()).Append("=\"").Append(AttributeValue(e, a)).Append('"');
        sb.Append(">\n");
        var text = new StringBuilder();
        foreach (var node in e.Nodes())
        {
            if (node is XText t) { text.Append(t.Value); continue; }
            FlushText(text, sb, indent);
            switch (node)
            {
                case XElement child: Write(child, sb, depth + 1); break;
                case XComment c: sb.Append(indent).Append("  <!--").Append(c.Value.Trim()).Append("-->\n"); break;
            }
        }
        FlushText(text, sb, indent);
        sb.Append(indent).Append("</>\n");
    }

    private static void FlushText(StringBuilder text, StringBuilder sb, string indent)
    {
        var value = text.ToString().Trim();
        text.Clear();
        if (value.Length > 0) sb.Append(indent).Append("  text:").Append(value.Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n');
    }

    private static string AttributeValue(XElement owner, XAttribute a)
    {
        if (a.Name != Xsi + "type") return a.Value;
        var value = a.Value.Trim();
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon > 0 ? value[..colon] : "";
        var ns = prefix.Length == 0 ? owner.GetDefaultNamespace() : owner.GetNamespaceOfPrefix(prefix);
        return ns is null ? $"UNDECLARED-PREFIX:{value}" : $"{{{ns.NamespaceName}}}{value[(colon + 1)..]}";
    }
}

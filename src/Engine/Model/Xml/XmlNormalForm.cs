using System.Text;
using System.Xml.Linq;

namespace EGov.Workflows.Model.Xml;

/// <summary>
/// A tree as an XLinq element equal to what parsing the text <see cref="XmlTreeWriter"/> writes for it gives
/// (<c>XDocument.Parse(text, LoadOptions.None)</c>: whitespace-only text dropped, adjacent text joined, namespace
/// declarations before the other attributes) — built from the tree, without writing the text and reading it again.
/// A stored model's content hash is that document written without formatting; this gives the same element for a
/// processes folder of hundreds of models at a fraction of the cost.
/// </summary>
/// <remarks>
/// Only for trees whose round trip through the text is known to change nothing but that: null for a tree with anything
/// the writer or the parser would change besides — <c>xml:space</c> (whitespace is kept then), a carriage return (the
/// parser turns line ends into LF), a comment with <c>--</c> or ending in <c>-</c>, CDATA with <c>]]</c>, an element
/// or attribute whose prefix is unknown or not declared for its namespace (the writer would declare or choose one
/// itself). The caller writes and parses those as before.
/// </remarks>
public static class XmlNormalForm
{
    /// <summary>The element the text of <paramref name="root"/> parses into, or null when only the round trip can tell.</summary>
    public static XElement? Of(BpmnElement root)
    {
        ArgumentNullException.ThrowIfNull(root);
        try
        {
            return Element(root, null);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.Xml.XmlException)
        {
            return null; // a duplicate attribute, a name XLinq refuses: the writer refuses it too, the round trip says how
        }
    }

    /// <summary>A namespace prefix in scope (innermost first).</summary>
    private sealed record Binding(string Prefix, string Namespace, Binding? Outer);

    private static string? Lookup(Binding? scope, string prefix)
    {
        for (var b = scope; b is not null; b = b.Outer)
            if (b.Prefix == prefix) return b.Namespace;
        return prefix switch
        {
            "" => "",
            "xml" => XNamespace.Xml.NamespaceName,
            _ => null,
        };
    }

    private static XElement? Element(BpmnElement element, Binding? scope)
    {
        var x = new XElement(element.Name);
        // The writer puts the declarations first; the other attributes follow in their order.
        foreach (var a in element.Attributes)
        {
            if (!a.IsNamespaceDeclaration) continue;
            var prefix = a.Name.Namespace == XNamespace.Xmlns ? a.Name.LocalName : "";
            if (prefix is "xml" or "xmlns" || (prefix.Length > 0 && a.Value.Length == 0) || a.Value.Contains('\r')) return null;
            scope = new Binding(prefix, a.Value, scope);
            x.Add(new XAttribute(prefix.Length == 0 ? XName.Get("xmlns") : XNamespace.Xmlns + prefix, a.Value));
        }
        // The element's prefix must stand for its namespace as declared (else the writer declares it anew).
        if (element.Prefix is not { } elementPrefix || elementPrefix is "xml" or "xmlns" || Lookup(scope, elementPrefix) != element.Name.NamespaceName) return null;
        foreach (var a in element.Attributes)
        {
            if (a.IsNamespaceDeclaration) continue;
            if (a.Name.Namespace != XNamespace.None)
            {
                if (string.IsNullOrEmpty(a.Prefix) || Lookup(scope, a.Prefix) != a.Name.NamespaceName) return null;
                if (a.Name == XNamespace.Xml + "space") return null;
            }
            if (a.Value.Contains('\r')) return null;
            x.Add(new XAttribute(a.Name, a.Value));
        }
        if (element.Children.Count == 0) return x; // <a /> stays empty

        StringBuilder? run = null;
        bool Flush()
        {
            if (run is null) return true;
            var text = run.ToString();
            run = null;
            if (text.Contains('\r')) return false;
            if (!IsWhitespace(text)) x.Add(new XText(text)); // whitespace alone between the nodes is not content
            return true;
        }
        foreach (var child in element.Children)
        {
            switch (child)
            {
                case XmlText { IsCData: false } t:
                    (run ??= new StringBuilder()).Append(t.Value);
                    break;
                case XmlText t:
                    if (!Flush() || t.Value.Contains("]]", StringComparison.Ordinal) || t.Value.Contains('\r')) return null;
                    x.Add(new XCData(t.Value));
                    break;
                case XmlComment c:
                    if (!Flush() || c.Value.Contains("--", StringComparison.Ordinal) || c.Value.EndsWith('-') || c.Value.Contains('\r')) return null;
                    x.Add(new XComment(c.Value));
                    break;
                case BpmnElement e:
                    if (!Flush() || Element(e, scope) is not { } inner) return null;
                    x.Add(inner);
                    break;
            }
        }
        if (!Flush()) return null;
        if (x.IsEmpty) x.Add(string.Empty); // written as <a></a>: parsed with empty content, not as an empty element
        return x;
    }

    /// <summary>What the parser drops between nodes: space, tab and line feed only (a carriage return never gets here).</summary>
    private static bool IsWhitespace(string text)
    {
        foreach (var c in text)
            if (c is not (' ' or '\t' or '\n')) return false;
        return true;
    }
}

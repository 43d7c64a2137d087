using System.Xml;

namespace EGov.Workflows.Host.Citizens.Saml;

/// <summary>Namespaces and safe parsing: no DTD, no external entities, no resolver, a size limit; whitespace kept for signatures.</summary>
internal static class SamlXml
{
    public const string Protocol = "urn:oasis:names:tc:SAML:2.0:protocol", Assertion = "urn:oasis:names:tc:SAML:2.0:assertion",
        Md = "urn:oasis:names:tc:SAML:2.0:metadata", Ds = "http://www.w3.org/2000/09/xmldsig#", Xenc = "http://www.w3.org/2001/04/xmlenc#",
        Akdb = "https://www.akdb.de/request/2018/09", ClassicUi = "https://www.akdb.de/request/2018/09/classic-ui/v1";

    public const int MaxCharacters = 1_000_000;

    public static XmlDocument Load(string xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = MaxCharacters, MaxCharactersFromEntities = 0,
        };
        var doc = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        doc.Load(reader);
        return doc;
    }

    /// <summary>The child elements with this name (direct children only: never a search through the document).</summary>
    public static IEnumerable<XmlElement> Children(XmlElement parent, string ns, string localName) =>
        parent.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == localName && e.NamespaceURI == ns);

    /// <summary>The one child with this name; null when there is none; <see cref="SamlException"/> when there are several.</summary>
    public static XmlElement? One(XmlElement parent, string ns, string localName)
    {
        XmlElement? found = null;
        foreach (var e in Children(parent, ns, localName))
        {
            if (found is not null) throw new SamlException(SamlRefusal.Malformed, $"{parent.LocalName} has more than one {localName}");
            found = e;
        }
        return found;
    }

    /// <summary>Every element of the document that carries this value in an ID, Id or id attribute.</summary>
    public static int CountIds(XmlDocument doc, string id)
    {
        var count = 0;
        foreach (var e in doc.GetElementsByTagName("*").OfType<XmlElement>())
            foreach (XmlAttribute a in e.Attributes)
                if (a.LocalName is "ID" or "Id" or "id" && a.Value == id) count++;
        return count;
    }
}

using System.Xml.Linq;

namespace EGov.Workflows.Model.Xml;

/// <summary>Where a node started in its source file (1-based); <see cref="None"/> for nodes built in code.</summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    public static readonly SourcePosition None = new(0, 0);
    public bool IsKnown => Line > 0;
    public override string ToString() => $"{Line}:{Column}";
}

/// <summary>A child node of an element: another element, text, or a comment. Kept so that writing back loses nothing.</summary>
public abstract class XmlNode
{
    public SourcePosition Position { get; init; }
}

/// <summary>Character data, as read (CDATA sections stay CDATA when written back).</summary>
public sealed class XmlText(string value, bool isCData = false) : XmlNode
{
    public string Value { get; } = value;
    public bool IsCData { get; } = isCData;
    public bool IsWhitespace => string.IsNullOrWhiteSpace(Value);
}

/// <summary>An XML comment, kept in place.</summary>
public sealed class XmlComment(string value) : XmlNode
{
    public string Value { get; } = value;
}

/// <summary>An attribute as read, namespace declarations included (they carry the file's prefixes).</summary>
public sealed record XmlAttribute(XName Name, string Value)
{
    /// <summary>The prefix the source file wrote for this attribute, null when unknown or built in code.</summary>
    public string? Prefix { get; init; }

    public bool IsNamespaceDeclaration => Name.Namespace == XNamespace.Xmlns || (Name.Namespace == XNamespace.None && Name.LocalName == "xmlns");
}

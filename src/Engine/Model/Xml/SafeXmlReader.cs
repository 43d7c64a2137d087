using System.Text;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Model.Diagnostics;

namespace EGov.Workflows.Model.Xml;

/// <summary>What kind of document a <see cref="SafeXmlReader"/> reads: its name for messages, its root, and how elements are made.</summary>
/// <param name="Name">How messages name the files ("BPMN", "DMN").</param>
/// <param name="DocumentName">How messages name the expected document ("BPMN 2.0", "DMN 1.3–1.5").</param>
public sealed record XmlDocumentKind(
    string Name,
    string DocumentName,
    Func<XmlReader, bool> IsRoot,
    Func<XmlReader, string> RootProblem,
    Func<ElementInit, BpmnElement> CreateElement);

/// <summary>Limits every read applies, whatever the document kind.</summary>
public sealed record SafeXmlOptions(long MaxBytes, int MaxDepth);

/// <summary>
/// The reader rules every model file goes through (BPMN, DMN): no DTDs (so no XXE and no entity expansion), bounded
/// size and depth, a declared encoding honoured and undeclared non-UTF-8 read as Windows-1252, and every element,
/// attribute (namespace declarations and prefixes included), text, CDATA and comment kept with its position, so
/// that writing back loses nothing. Problems go to the bag with positions; nothing throws.
/// </summary>
public static class SafeXmlReader
{
    static SafeXmlReader() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Checks size and emptiness, then reads; null when the document could not be read (the bag says why).</summary>
    public static BpmnElement? Read(byte[] bytes, XmlDocumentKind kind, SafeXmlOptions options, DiagnosticBag bag)
    {
        if (bytes.Length > options.MaxBytes)
        {
            bag.Error(new SourcePosition(1, 1), $"input is {bytes.Length:N0} bytes, more than the limit of {options.MaxBytes:N0}");
            return null;
        }
        if (bytes.Length == 0 || bytes.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            bag.Error(new SourcePosition(1, 1), $"file is empty: expected a {kind.DocumentName} <definitions> document");
            return null;
        }
        try
        {
            using var reader = CreateReader(bytes, options);
            return Build(reader, kind, options, bag);
        }
        catch (XmlException e)
        {
            var at = e.LineNumber > 0 ? new SourcePosition(e.LineNumber, Math.Max(e.LinePosition, 1)) : PositionOfDoctype(bytes);
            bag.Error(at, Describe(e, kind));
            return null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or DecoderFallbackException or InvalidOperationException)
        {
            // An unknown declared encoding or undecodable bytes surface as these, without a position.
            bag.Error(new SourcePosition(1, 1), $"cannot decode the file: {e.Message}");
            return null;
        }
    }

    /// <summary>Reads a file within the size limit; a missing or unreadable file is a diagnostic.</summary>
    public static byte[]? ReadFileBytes(string path, SafeXmlOptions options, DiagnosticBag bag)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) { bag.Error(SourcePosition.None, "file not found"); return null; }
            if (info.Length > options.MaxBytes)
            {
                bag.Error(new SourcePosition(1, 1), $"file is {info.Length:N0} bytes, more than the limit of {options.MaxBytes:N0}");
                return null;
            }
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            bag.Error(SourcePosition.None, $"cannot read file: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// A declared encoding is honoured by XmlReader itself; a file without a declaration that is not valid
    /// UTF-8 is read as Windows-1252, which is what older German tools write.
    /// </summary>
    private static XmlReader CreateReader(byte[] bytes, SafeXmlOptions options)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = options.MaxBytes * 2,
            MaxCharactersFromEntities = 1024,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = false,
            CloseInput = true,
        };
        if (!HasDeclaredEncoding(bytes) && !IsValidUtf8(bytes))
        {
            var text = Encoding.GetEncoding(1252).GetString(bytes);
            return XmlReader.Create(new StringReader(text), settings);
        }
        return XmlReader.Create(new MemoryStream(bytes, writable: false), settings);
    }

    /// <summary>XmlReader reports a prohibited DTD without a position; the DOCTYPE is near the top, so find it ourselves.</summary>
    private static SourcePosition PositionOfDoctype(byte[] bytes)
    {
        var head = Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 64 * 1024));
        var index = head.IndexOf("<!DOCTYPE", StringComparison.Ordinal);
        if (index < 0) return new SourcePosition(1, 1);
        var line = 1 + head.AsSpan(0, index).Count('\n');
        var lineStart = head.LastIndexOf('\n', Math.Max(index - 1, 0));
        return new SourcePosition(line, index - lineStart);
    }

    private static bool HasDeclaredEncoding(byte[] bytes)
    {
        if (bytes.Length >= 2 && ((bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE))) return true;
        var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 200));
        var end = head.IndexOf("?>", StringComparison.Ordinal);
        return head.TrimStart('\uFEFF', 'ï', '»', '¿').StartsWith("<?xml", StringComparison.Ordinal) && end > 0
            && head[..end].Contains("encoding", StringComparison.Ordinal);
    }

    private static bool IsValidUtf8(byte[] bytes)
    {
        try { _ = new UTF8Encoding(false, true).GetCharCount(bytes); return true; }
        catch (DecoderFallbackException) { return false; }
    }

    private static string Describe(XmlException e, XmlDocumentKind kind)
    {
        var m = e.Message;
        // XmlException appends " Line x, position y." — the position is printed in front already.
        var cut = m.LastIndexOf(" Line ", StringComparison.Ordinal);
        if (cut > 0) m = m[..cut];
        if (m.Contains("DTD", StringComparison.OrdinalIgnoreCase))
            return $"DOCTYPE declarations are not allowed in {kind.Name} files (no DTDs: no external entities, no entity expansion)";
        return "not well-formed XML: " + m;
    }

    private sealed class Frame(XName name, string prefix, SourcePosition position, XmlAttribute[] attributes, List<XmlNode> children)
    {
        public XName Name { get; } = name;
        public string Prefix { get; } = prefix;
        public SourcePosition Position { get; } = position;
        public XmlAttribute[] Attributes { get; } = attributes;
        /// <summary>Collects the children while the element is open; a working list, handed back when it completes.</summary>
        public List<XmlNode> Children { get; } = children;
        public bool HasElementChild { get; set; }
    }

    /// <summary>
    /// The children lists of open elements, reused: an element keeps its children as an array of exactly their number
    /// (none: the shared empty one), so a list per element would be garbage and its spare capacity kept memory.
    /// </summary>
    private sealed class ChildLists
    {
        private readonly Stack<List<XmlNode>> _free = new();

        public List<XmlNode> Take() => _free.Count > 0 ? _free.Pop() : [];

        public void Return(List<XmlNode> list)
        {
            list.Clear();
            _free.Push(list);
        }
    }

    private static BpmnElement? Build(XmlReader reader, XmlDocumentKind kind, SafeXmlOptions options, DiagnosticBag bag)
    {
        var info = (IXmlLineInfo)reader;
        var stack = new Stack<Frame>();
        var names = new NameCache();
        var lists = new ChildLists();
        BpmnElement? root = null;
        while (reader.Read())
        {
            var at = new SourcePosition(info.LineNumber, Math.Max(info.LinePosition - 1, 1));
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                {
                    if (stack.Count == 0 && !kind.IsRoot(reader))
                    {
                        bag.Error(at, kind.RootProblem(reader));
                        return null;
                    }
                    if (stack.Count >= options.MaxDepth)
                    {
                        bag.Error(at, $"elements nested deeper than {options.MaxDepth} levels");
                        return null;
                    }
                    var name = names.Get(reader.LocalName, reader.NamespaceURI);
                    var attributes = ReadAttributes(reader, names);
                    if (stack.Count > 0) stack.Peek().HasElementChild = true;
                    if (reader.IsEmptyElement)
                    {
                        var element = kind.CreateElement(new ElementInit(name, attributes, [], at, reader.Prefix));
                        if (stack.Count == 0) root = element; else stack.Peek().Children.Add(element);
                    }
                    else stack.Push(new Frame(name, reader.Prefix, at, attributes, lists.Take()));
                    break;
                }
                case XmlNodeType.EndElement:
                {
                    var frame = stack.Pop();
                    var element = Complete(frame, kind);
                    lists.Return(frame.Children);
                    if (stack.Count == 0) root = element; else stack.Peek().Children.Add(element);
                    break;
                }
                case XmlNodeType.Whitespace:
                    // Layout after an element child is dropped by Complete anyway: skip it without reading the string.
                    if (stack.Count > 0 && !stack.Peek().HasElementChild) stack.Peek().Children.Add(new XmlText(reader.Value) { Position = at });
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.SignificantWhitespace:
                    if (stack.Count > 0) stack.Peek().Children.Add(new XmlText(reader.Value) { Position = at });
                    break;
                case XmlNodeType.CDATA:
                    if (stack.Count > 0) stack.Peek().Children.Add(new XmlText(reader.Value, isCData: true) { Position = at });
                    break;
                case XmlNodeType.Comment:
                    if (stack.Count > 0) stack.Peek().Children.Add(new XmlComment(reader.Value) { Position = at });
                    break;
                case XmlNodeType.DocumentType:
                    bag.Error(at, $"DOCTYPE declarations are not allowed in {kind.Name} files");
                    return null;
            }
        }
        return root;
    }

    private static XmlAttribute[] ReadAttributes(XmlReader reader, NameCache names)
    {
        if (reader.AttributeCount == 0) return [];
        var attributes = new XmlAttribute[reader.AttributeCount];
        for (var i = 0; i < attributes.Length; i++)
        {
            reader.MoveToAttribute(i);
            XName name;
            if (reader.Prefix == "xmlns") name = XNamespace.Xmlns + reader.LocalName;
            else if (reader.Prefix.Length == 0 && reader.LocalName == "xmlns") name = XName.Get("xmlns");
            else name = names.Get(reader.LocalName, reader.NamespaceURI);
            attributes[i] = new XmlAttribute(name, reader.Value) { Prefix = reader.Prefix };
        }
        reader.MoveToElement();
        return attributes;
    }

    /// <summary>
    /// XName.Get hashes both strings on every call. XmlReader hands out names atomized in its name table (the same
    /// string object for the same name), so a name is looked up by reference here and XName.Get runs once per distinct name.
    /// </summary>
    private sealed class NameCache
    {
        private readonly Dictionary<(object Local, object Ns), XName> _names = new(new ReferencePairComparer());

        public XName Get(string localName, string namespaceUri)
        {
            if (_names.TryGetValue((localName, namespaceUri), out var name)) return name;
            name = XName.Get(localName, namespaceUri);
            _names[(localName, namespaceUri)] = name;
            return name;
        }

        private sealed class ReferencePairComparer : IEqualityComparer<(object Local, object Ns)>
        {
            public bool Equals((object Local, object Ns) x, (object Local, object Ns) y) => ReferenceEquals(x.Local, y.Local) && ReferenceEquals(x.Ns, y.Ns);

            public int GetHashCode((object Local, object Ns) k) =>
                HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Local), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(k.Ns));
        }
    }

    /// <summary>Whitespace between child elements is layout, not content: it is dropped (the writer indents anew).</summary>
    private static BpmnElement Complete(Frame frame, XmlDocumentKind kind)
    {
        var all = frame.Children;
        if (frame.HasElementChild) all.RemoveAll(c => c is XmlText { IsWhitespace: true, IsCData: false });
        XmlNode[] children = all.Count == 0 ? [] : [.. all];
        return kind.CreateElement(new ElementInit(frame.Name, frame.Attributes, children, frame.Position, frame.Prefix));
    }
}

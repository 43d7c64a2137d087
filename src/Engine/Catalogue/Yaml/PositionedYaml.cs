using System.Globalization;
using System.Text.Json.Nodes;
using EGov.Workflows.Model.Xml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EGov.Workflows.Catalogue.Yaml;

/// <summary>A YAML file read as JSON, with where each value (and each mapping key) stands in the file.</summary>
public sealed class PositionedYaml
{
    internal PositionedYaml(JsonNode? root, Dictionary<string, SourcePosition> values, Dictionary<string, SourcePosition> keys)
    {
        Root = root;
        _values = values;
        _keys = keys;
    }

    private readonly Dictionary<string, SourcePosition> _values;
    private readonly Dictionary<string, SourcePosition> _keys;

    /// <summary>Where every value starts, by JSON pointer (for the tests that compare the two readers).</summary>
    internal IReadOnlyDictionary<string, SourcePosition> Values => _values;
    /// <summary>Where every mapping key stands, by JSON pointer.</summary>
    internal IReadOnlyDictionary<string, SourcePosition> Keys => _keys;

    /// <summary>The document as JSON (null for an empty file).</summary>
    public JsonNode? Root { get; }

    /// <summary>Where the value at a JSON pointer (<c>/legalBases/0/law</c>) starts; the nearest known parent otherwise.</summary>
    public SourcePosition ValueAt(string pointer) => Find(_values, pointer);

    /// <summary>Where the key of the property at a JSON pointer stands (for "unknown field"); its value's position otherwise.</summary>
    public SourcePosition KeyAt(string pointer) => _keys.TryGetValue(pointer, out var at) ? at : ValueAt(pointer);

    private static SourcePosition Find(Dictionary<string, SourcePosition> map, string pointer)
    {
        while (true)
        {
            if (map.TryGetValue(pointer, out var at)) return at;
            if (pointer.Length == 0) return new SourcePosition(1, 1);
            pointer = pointer[..pointer.LastIndexOf('/')];
        }
    }
}

/// <summary>A YAML syntax error at a position.</summary>
public sealed class YamlSyntaxException(SourcePosition at, string message) : Exception(message)
{
    public SourcePosition At { get; } = at;
}

/// <summary>
/// Reads one YAML document into JSON for schema validation, keeping positions. Plain scalars resolve by the YAML 1.2
/// core schema (true/false, null/~, integers and decimals; everything else, dates included, is a string); quoted ones
/// are strings. Duplicate keys, non-scalar keys, several documents and aliases are refused (a metadata file needs none).
/// </summary>
public static partial class PositionedYamlReader
{
    private const int MaxDepth = 32;

    /// <summary>Reads <paramref name="text"/>; throws <see cref="YamlSyntaxException"/> with the position of the first problem.</summary>
    public static PositionedYaml Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SimpleYamlReader.TryRead(text) ?? ReadWithYamlDotNet(text);
    }

    /// <summary>The full reader: anything <see cref="SimpleYamlReader"/> declines, and every error message.</summary>
    internal static PositionedYaml ReadWithYamlDotNet(string text)
    {
        var values = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        var keys = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _)) return new PositionedYaml(null, values, keys);
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, "", values, keys, 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
                throw new YamlSyntaxException(At(second.Start), "one YAML document per file (found a second one)");
            return new PositionedYaml(root, values, keys);
        }
        catch (YamlException e)
        {
            throw new YamlSyntaxException(At(e.Start), Describe(e));
        }
        catch (InvalidOperationException)
        {
            var at = parser.Current is { } last ? At(last.End) : new SourcePosition(1, 1);
            throw new YamlSyntaxException(at, "invalid YAML: cannot read on from here (an unclosed bracket, brace or quote?)");
        }
        catch (ArgumentException e)
        {
            // YamlDotNet checks some tokens only when it builds them and throws ArgumentException then, e.g. a tag that is
            // not a valid URI (`!!![`). service.yaml and overlays arrive through the API too: a 400 with the position, never a 500.
            var at = parser.Current is { } last ? At(last.End) : new SourcePosition(1, 1);
            throw new YamlSyntaxException(at, $"invalid YAML: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static JsonNode? ReadNode(IParser parser, string pointer, Dictionary<string, SourcePosition> values, Dictionary<string, SourcePosition> keys, int depth)
    {
        var current = parser.Current!;
        if (depth > MaxDepth) throw new YamlSyntaxException(At(current.Start), $"nested deeper than {MaxDepth} levels");
        values[pointer] = At(current.Start);
        switch (current)
        {
            case AnchorAlias alias:
                throw new YamlSyntaxException(At(alias.Start), "aliases (*name) are not allowed here; write the value out");
            case Scalar scalar:
                parser.MoveNext();
                return Resolve(scalar);
            case SequenceStart:
            {
                parser.MoveNext();
                var array = new JsonArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                    array.Add(ReadNode(parser, $"{pointer}/{array.Count}", values, keys, depth + 1));
                return array;
            }
            case MappingStart:
            {
                parser.MoveNext();
                var map = new JsonObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (parser.Current is not Scalar key)
                        throw new YamlSyntaxException(At(parser.Current!.Start), "a key must be a plain name");
                    parser.MoveNext();
                    if (map.ContainsKey(key.Value)) throw new YamlSyntaxException(At(key.Start), $"duplicate key '{key.Value}'");
                    var child = $"{pointer}/{Escape(key.Value)}";
                    keys[child] = At(key.Start);
                    map[key.Value] = ReadNode(parser, child, values, keys, depth + 1);
                }
                return map;
            }
            default:
                throw new YamlSyntaxException(At(current.Start), "unexpected YAML content");
        }
    }

    /// <summary>YAML 1.2 core schema for plain scalars; a quoted scalar or an explicit !!str is always a string.</summary>
    private static JsonNode? Resolve(Scalar s)
    {
        var tag = s.Tag.IsEmpty || s.Tag.IsNonSpecific ? null : s.Tag.Value;
        return Resolve(s.Value, plain: tag is not "tag:yaml.org,2002:str" && s.Style == ScalarStyle.Plain);
    }

    /// <summary>A scalar's value as JSON: a quoted one is a string, a plain one resolves by the YAML 1.2 core schema.</summary>
    internal static JsonNode? Resolve(string v, bool plain)
    {
        if (!plain) return JsonValue.Create(v);
        if (v is "" or "~" or "null" or "Null" or "NULL") return null;
        if (v is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (v is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (IntegerPattern().IsMatch(v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return JsonValue.Create(l);
        if (DecimalPattern().IsMatch(v)
            && decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return JsonValue.Create(d);
        return JsonValue.Create(v);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial System.Text.RegularExpressions.Regex IntegerPattern();

    [System.Text.RegularExpressions.GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial System.Text.RegularExpressions.Regex DecimalPattern();

    /// <summary>RFC 6901: '~' → '~0', '/' → '~1'.</summary>
    public static string Escape(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static SourcePosition At(Mark mark) => new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    private static string Describe(YamlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut >= 0) message = message[(cut + 3)..];
        message = message.Trim();
        return "invalid YAML: " + (message.Length == 0 ? "syntax error" : char.ToLowerInvariant(message[0]) + message[1..]);
    }
}

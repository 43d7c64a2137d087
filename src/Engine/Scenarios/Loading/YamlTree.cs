using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace EGov.Workflows.Scenarios.Loading;

/// <summary>A position in a scenario file, 1-based, as printed in <c>file:line:col</c>.</summary>
public readonly record struct TextPosition(int Line, int Column)
{
    public override string ToString() => $"{Line}:{Column}";

    internal static TextPosition From(Mark mark) => new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));
}

/// <summary>A problem in a scenario file: what was expected, at a position.</summary>
public sealed class ScenarioFormatException(TextPosition at, string message) : Exception(message)
{
    public TextPosition At { get; } = at;
}

/// <summary>A YAML node with the position it started at. The loader works on this small tree, not on YamlDotNet's, so it controls
/// duplicate keys, positions and how plain scalars resolve (YAML 1.2 core schema).</summary>
internal abstract record YNode(TextPosition At)
{
    public abstract string Kind { get; }
}

internal sealed record YScalar(TextPosition At, string Value, bool Plain, string? Tag) : YNode(At)
{
    public override string Kind => "a value";

    /// <summary>True for an unquoted null (<c>~</c>, <c>null</c> or nothing).</summary>
    public bool IsNull => Plain && Tag is null && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed record YMap(TextPosition At, IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries) : YNode(At)
{
    public override string Kind => "a mapping";
}

internal sealed record YSeq(TextPosition At, IReadOnlyList<YNode> Items) : YNode(At)
{
    public override string Kind => "a list";
}

/// <summary>Reads one YAML document into a <see cref="YNode"/> tree; syntax errors become <see cref="ScenarioFormatException"/>.</summary>
internal static class YamlTree
{
    private const int MaxDepth = 64;

    public static YNode? Parse(string text)
    {
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _)) return null;
            parser.Consume<DocumentStart>();
            var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
            var root = ReadNode(parser, anchors, 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
                throw new ScenarioFormatException(TextPosition.From(second.Start), "one scenario per file (found a second YAML document)");
            return root;
        }
        catch (YamlException e)
        {
            throw new ScenarioFormatException(TextPosition.From(e.Start), Describe(e));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet sometimes stops with a bare InvalidOperationException (e.g. an unclosed [ at the end of a line);
            // the last event it did read is the best position there is.
            var at = parser.Current is { } last ? TextPosition.From(last.End) : new TextPosition(1, 1);
            throw new ScenarioFormatException(at, "invalid YAML: cannot read on from here (an unclosed bracket, brace or quote?)");
        }
        catch (ArgumentException e)
        {
            // YamlDotNet checks some tokens only when it builds them and throws ArgumentException then: a tag that is not a
            // valid URI (`!…![`, found by the scenario loader's fuzzer, seed fpFgBqjzsfT2). Same answer as a syntax error.
            var at = parser.Current is { } last ? TextPosition.From(last.End) : new TextPosition(1, 1);
            throw new ScenarioFormatException(at, $"invalid YAML: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static YNode ReadNode(IParser parser, Dictionary<string, YNode> anchors, int depth)
    {
        if (depth > MaxDepth) throw new ScenarioFormatException(TextPosition.From(parser.Current!.Start), $"nested deeper than {MaxDepth} levels");
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var target)
                ? target
                : throw new ScenarioFormatException(TextPosition.From(alias.Start), $"unknown alias *{alias.Value.Value}");
        }
        YNode node;
        string? anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
            var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? null : scalar.Tag.Value;
            node = new YScalar(TextPosition.From(scalar.Start), scalar.Value, scalar.Style == ScalarStyle.Plain, tag);
        }
        else if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            anchor = seqStart.Anchor.IsEmpty ? null : seqStart.Anchor.Value;
            var items = new List<YNode>();
            while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser, anchors, depth + 1));
            node = new YSeq(TextPosition.From(seqStart.Start), items);
        }
        else if (parser.TryConsume<MappingStart>(out var mapStart))
        {
            anchor = mapStart.Anchor.IsEmpty ? null : mapStart.Anchor.Value;
            var entries = new List<KeyValuePair<YScalar, YNode>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, anchors, depth + 1);
                if (key is not YScalar k) throw new ScenarioFormatException(key.At, "a key must be a plain name, not " + key.Kind);
                if (!seen.Add(k.Value)) throw new ScenarioFormatException(k.At, $"duplicate key '{k.Value}'");
                entries.Add(new(k, ReadNode(parser, anchors, depth + 1)));
            }
            node = new YMap(TextPosition.From(mapStart.Start), entries);
        }
        else
        {
            var at = parser.Current;
            throw new ScenarioFormatException(at is null ? new TextPosition(1, 1) : TextPosition.From(at.Start), "unexpected YAML content");
        }
        if (anchor is not null) anchors[anchor] = node;
        return node;
    }

    /// <summary>YamlDotNet's messages start with "(Line: .., Col: .., Idx: ..) - (...): "; the position is printed separately.</summary>
    private static string Describe(YamlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && cut >= 0) message = message[(cut + 3)..];
        message = message.Trim();
        return "invalid YAML: " + (message.Length == 0 ? "syntax error" : char.ToLowerInvariant(message[0]) + message[1..]);
    }
}

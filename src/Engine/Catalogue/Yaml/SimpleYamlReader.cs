using System.Buffers;
using System.Text.Json.Nodes;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Catalogue.Yaml;

/// <summary>
/// A fast reader for the small YAML most overlays and service.yaml files are written in; <see cref="PositionedYamlReader"/>
/// tries it first. YamlDotNet costs 80–90 µs for a four-line overlay (parser set-up per document), which is a quarter of a
/// deploy of 58,000 overlays. This reader gives exactly what the YamlDotNet path gives (the same JSON and the same positions
/// of values and keys) or null for anything it is not sure about — then YamlDotNet reads the file and reports its errors.
/// </summary>
/// <remarks>
/// Accepted: block mappings by indentation with plain keys; block sequences (<c>- item</c>, <c>- key: value</c>); flow
/// mappings and sequences on one line; plain scalars of a safe character set; quoted scalars on one line without escapes;
/// full-line and trailing comments. Declined: tabs, CR, BOM, control characters, anchors, aliases, tags, <c>?</c> keys,
/// empty values, multi-line scalars, block scalars, document markers, directives, quoted keys, duplicate keys, deep nesting.
/// Tests compare it with YamlDotNet on every YAML file of the repository and on generated documents.
/// </remarks>
internal sealed class SimpleYamlReader
{
    private const int MaxDepth = 24; // below PositionedYamlReader's 32: the YamlDotNet path reports that limit
    private const int MaxKeyLength = 128; // YAML's simple keys are limited to 1024 characters; stay far below
    private const int MaxLength = 64 * 1024;

    // Never in the subset: what YAML treats as a line break, a BOM, tabs, control and non-printable characters, surrogates
    // (columns would count differently), NBSP (white space to some readers) and backslashes (escapes).
    private static readonly SearchValues<char> Refused = SearchValues.Create(RefusedChars());

    private readonly string _text;
    private readonly int[] _start;
    private readonly int[] _end;
    private readonly int[] _indent; // the column (from 0) where a line's content starts; moved behind "- " for a sequence entry
    private int _line;
    private readonly Dictionary<string, SourcePosition> _values;
    private readonly Dictionary<string, SourcePosition> _keys;

    private SimpleYamlReader(string text, int lines)
    {
        _text = text;
        // Sized once: at most one key per ':' and one value per key, sequence entry (a line) or the root.
        var colons = text.AsSpan().Count(':');
        _keys = new Dictionary<string, SourcePosition>(colons, StringComparer.Ordinal);
        _values = new Dictionary<string, SourcePosition>(colons + lines + 1, StringComparer.Ordinal);
        _start = new int[lines];
        _end = new int[lines];
        _indent = new int[lines];
        var at = 0;
        for (var i = 0; i < lines; i++)
        {
            var nl = text.IndexOf('\n', at);
            var end = nl < 0 ? text.Length : nl;
            _start[i] = at;
            _end[i] = end;
            var c = at;
            while (c < end && text[c] == ' ') c++;
            _indent[i] = c - at;
            at = end + 1;
        }
    }

    /// <summary>The document with positions, or null when the text is not in the simple subset (never throws).</summary>
    internal static PositionedYaml? TryRead(string text)
    {
        if (text.Length is 0 or > MaxLength || text.AsSpan().IndexOfAny(Refused) >= 0) return null;
        try
        {
            var reader = new SimpleYamlReader(text, text.AsSpan().Count('\n') + 1);
            var root = reader.Document();
            return root is null ? null : new PositionedYaml(root, reader._values, reader._keys);
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or InvalidOperationException)
        {
            return null; // a bug here must never break a read: YamlDotNet reads the file instead
        }
    }

    private JsonNode? Document()
    {
        var i = NextContent();
        if (i < 0) return null; // empty: rare, YamlDotNet says what it is
        var c = _start[i] + _indent[i];
        JsonNode? root;
        if (_text[c] is '{' or '[')
        {
            root = Flow(i, ref c, "", 0);
            if (root is null || !LineEndsAt(i, c)) return null;
            _line = i + 1;
        }
        else if (IsEntry(i)) root = Sequence(_indent[i], "", 0);
        else if (KeyEnd(i, c) > 0) root = Mapping(_indent[i], "", 0);
        else return null;
        return root is not null && NextContent() < 0 ? root : null;
    }

    /// <summary>A block mapping whose keys stand at column <paramref name="n"/>; null to decline.</summary>
    private JsonObject? Mapping(int n, string pointer, int depth)
    {
        if (depth > MaxDepth) return null;
        _values[pointer] = Pos(NextContent(), n);
        var map = new JsonObject();
        while (true)
        {
            var i = NextContent();
            if (i < 0 || _indent[i] < n) return map;
            if (_indent[i] > n) return null;
            var k = _start[i] + n;
            var colon = KeyEnd(i, k);
            if (colon < 0) return null;
            var key = _text[k..colon];
            if (map.ContainsKey(key)) return null;
            var child = pointer + "/" + PositionedYamlReader.Escape(key);
            _keys[child] = Pos(i, n);
            var v = SkipSpaces(colon + 1, _end[i]);
            JsonNode? value;
            if (v == _end[i] || _text[v] == '#')
            {
                _line = i + 1;
                var j = NextContent();
                if (j < 0) return null; // an empty value
                if (_indent[j] > n) value = IsEntry(j) ? Sequence(_indent[j], child, depth + 1) : Mapping(_indent[j], child, depth + 1);
                else if (_indent[j] == n && IsEntry(j)) value = Sequence(n, child, depth + 1);
                else return null;
                if (value is null) return null;
            }
            else
            {
                value = Inline(i, v, n, child, depth + 1, out var ok);
                if (!ok) return null;
            }
            map[key] = value;
        }
    }

    /// <summary>A block sequence whose dashes stand at column <paramref name="m"/>; null to decline.</summary>
    private JsonArray? Sequence(int m, string pointer, int depth)
    {
        if (depth > MaxDepth) return null;
        _values[pointer] = Pos(NextContent(), m);
        var array = new JsonArray();
        while (true)
        {
            var i = NextContent();
            if (i < 0 || _indent[i] < m) return array;
            if (_indent[i] > m) return null;
            if (!IsEntry(i)) return array; // the mapping around an indentless sequence goes on (or declines)
            var c = SkipSpaces(_start[i] + m + 1, _end[i]);
            if (c == _end[i] || _text[c] == '#') return null; // the entry's value on the next lines
            var child = pointer + "/" + array.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _indent[i] = c - _start[i]; // the entry's content is read as if the dash were a space
            JsonNode? value;
            if (KeyEnd(i, c) > 0)
            {
                value = Mapping(_indent[i], child, depth + 1);
                if (value is null) return null;
            }
            else
            {
                value = Inline(i, c, m, child, depth + 1, out var ok);
                if (!ok) return null;
            }
            array.Add(value);
        }
    }

    /// <summary>
    /// A value on the line of its key or dash: a flow collection or a scalar, then at most a comment. The next content line
    /// must not be indented deeper than <paramref name="owner"/> (that would continue a plain scalar, or be an error).
    /// </summary>
    private JsonNode? Inline(int i, int c, int owner, string pointer, int depth, out bool ok)
    {
        ok = false;
        JsonNode? value;
        if (_text[c] is '{' or '[')
        {
            value = Flow(i, ref c, pointer, depth);
            if (value is null) return null;
        }
        else
        {
            _values[pointer] = Pos(i, c - _start[i]);
            if (!Scalar(i, ref c, flow: false, out value)) return null;
        }
        if (!LineEndsAt(i, c)) return null;
        _line = i + 1;
        var next = NextContent();
        if (next >= 0 && _indent[next] > owner) return null;
        ok = true;
        return value;
    }

    /// <summary>A flow mapping or sequence that closes on this line; <paramref name="c"/> moves behind it; null to decline.</summary>
    private JsonNode? Flow(int i, ref int c, string pointer, int depth)
    {
        if (depth > MaxDepth) return null;
        var end = _end[i];
        _values[pointer] = Pos(i, c - _start[i]);
        var mapping = _text[c] == '{';
        var close = mapping ? '}' : ']';
        c = SkipSpaces(c + 1, end);
        JsonObject? map = mapping ? new JsonObject() : null;
        JsonArray? array = mapping ? null : new JsonArray();
        if (c < end && _text[c] == close)
        {
            c++;
            return mapping ? map : array;
        }
        while (true)
        {
            string child, key = "";
            if (map is not null)
            {
                var colon = KeyEnd(i, c, flow: true);
                if (colon < 0) return null;
                key = _text[c..colon];
                if (map.ContainsKey(key)) return null;
                child = pointer + "/" + PositionedYamlReader.Escape(key);
                _keys[child] = Pos(i, c - _start[i]);
                c = SkipSpaces(colon + 1, end);
            }
            else child = pointer + "/" + array!.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (c >= end) return null;
            JsonNode? value;
            if (_text[c] is '{' or '[')
            {
                value = Flow(i, ref c, child, depth + 1);
                if (value is null) return null;
            }
            else
            {
                _values[child] = Pos(i, c - _start[i]);
                if (!Scalar(i, ref c, flow: true, out value)) return null;
            }
            if (map is not null) map[key] = value;
            else array!.Add(value);
            c = SkipSpaces(c, end);
            if (c >= end) return null;
            if (_text[c] == close)
            {
                c++;
                return mapping ? map : array;
            }
            if (_text[c] != ',') return null;
            c = SkipSpaces(c + 1, end);
            if (c >= end || _text[c] == close || _text[c] == ',') return null; // a trailing or doubled comma
        }
    }

    /// <summary>A scalar on one line from <paramref name="c"/>; <paramref name="c"/> moves behind it. False to decline.</summary>
    private bool Scalar(int i, ref int c, bool flow, out JsonNode? value)
    {
        value = null;
        var end = _end[i];
        var first = _text[c];
        if (first is '"' or '\'')
        {
            var close = _text.IndexOf(first, c + 1, end - c - 1);
            if (close < 0) return false;
            if (first == '\'' && close + 1 < end && _text[close + 1] == '\'') return false; // '' is an escaped quote
            value = PositionedYamlReader.Resolve(_text[(c + 1)..close], plain: false);
            c = close + 1;
            return c == end || _text[c] == ' ' || (flow && _text[c] is ',' or '}' or ']');
        }
        if (!PlainStart(c, end)) return false;
        var last = c; // the last character of the scalar (trailing spaces are not part of it)
        var p = c + 1;
        while (p < end)
        {
            var ch = _text[p];
            if (ch == ' ')
            {
                var q = SkipSpaces(p, end);
                if (q == end || _text[q] == '#') break; // trailing spaces, or a comment
                p = q;
                continue;
            }
            if (ch == ':')
            {
                // ": " or a final ':' make a key; in a flow collection every ':' is left to YamlDotNet
                if (flow || p + 1 == end || !PlainChar(_text[p + 1], flow)) return false;
            }
            else if (!PlainChar(ch, flow)) break;
            last = p;
            p++;
        }
        value = PositionedYamlReader.Resolve(_text[c..(last + 1)], plain: true);
        c = last + 1;
        return c == end || _text[c] == ' ' || (flow && _text[c] is ',' or '}' or ']');
    }

    /// <summary>Where the ':' behind a plain key starting at <paramref name="c"/> stands (followed by a space or the end of the line); -1 when there is none.</summary>
    private int KeyEnd(int i, int c, bool flow = false)
    {
        var end = _end[i];
        if (c >= end || !KeyStart(_text[c])) return -1;
        var p = c + 1;
        while (p < end && KeyChar(_text[p])) p++;
        if (p - c > MaxKeyLength || p >= end || _text[p] != ':') return -1;
        if (p + 1 < end && _text[p + 1] != ' ') return -1;
        if (flow && p + 1 == end) return -1;
        return p;
    }

    /// <summary>A block sequence entry: "-" followed by a space or the end of the line.</summary>
    private bool IsEntry(int i)
    {
        var c = _start[i] + _indent[i];
        return _text[c] == '-' && (c + 1 == _end[i] || _text[c + 1] == ' ');
    }

    /// <summary>After a value: nothing, or spaces and a comment.</summary>
    private bool LineEndsAt(int i, int c)
    {
        var end = _end[i];
        if (c == end) return true;
        if (_text[c] != ' ') return false;
        c = SkipSpaces(c, end);
        return c == end || _text[c] == '#';
    }

    /// <summary>The next line with content from <see cref="_line"/> on (blank and comment lines skipped); -1 at the end.</summary>
    private int NextContent()
    {
        while (_line < _start.Length)
        {
            var c = _start[_line] + _indent[_line];
            if (c < _end[_line] && _text[c] != '#') return _line;
            _line++;
        }
        return -1;
    }

    private int SkipSpaces(int c, int end)
    {
        while (c < end && _text[c] == ' ') c++;
        return c;
    }

    private SourcePosition Pos(int line, int column) => new(line + 1, column + 1);

    private static bool KeyStart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || (c > 0x7F && char.IsLetterOrDigit(c));

    private static bool KeyChar(char c) => KeyStart(c) || c is '-' or '.' or '/';

    private bool PlainStart(int c, int end)
    {
        var ch = _text[c];
        if (ch == '-') return c + 1 < end && (char.IsAsciiLetterOrDigit(_text[c + 1]) || _text[c + 1] == '.');
        return char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '/' or '+' or '~' || (ch > 0x7F && !char.IsWhiteSpace(ch));
    }

    // Inside a plain scalar the indicators mean nothing (only at its start); in a flow collection ",[]{}" end it, and '#'
    // is left out everywhere (" #" starts a comment).
    private static bool PlainChar(char c, bool flow) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '+' or '~' or '-' or '@' or '(' or ')' or ';' or '=' or '&' or '\'' or '"'
            or '!' or '*' or '%' or '?' or '<' or '>' or '|' or '^' or '$'
        || (!flow && c is ',' or '[' or ']' or '{' or '}')
        || (c > 0x7F && !char.IsWhiteSpace(c));

    private static string RefusedChars()
    {
        var chars = new System.Text.StringBuilder();
        for (var c = 0; c < 0x20; c++)
            if (c != '\n') chars.Append((char)c);
        for (var c = 0x7F; c <= 0xA0; c++) chars.Append((char)c);
        for (var c = 0xD800; c <= 0xDFFF; c++) chars.Append((char)c);
        chars.Append("\\\u2028\u2029\uFEFF\uFFFE\uFFFF");
        return chars.ToString();
    }
}

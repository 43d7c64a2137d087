using System.Globalization;
using System.Text;

namespace EGov.Workflows.Feel.Syntax;

/// <summary>
/// Splits a FEEL expression into tokens. FEEL names may contain spaces and the symbols <c>. / - ' + *</c>
/// ("Monthly Salary", "Loan-to-value"); such a name is recognised when it is one of the names known in scope
/// (variables, context keys, built-in functions), longest first. Plain words stay separate tokens and the parser
/// joins consecutive ones into one name.
/// </summary>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly IReadOnlyList<string> _knownNames;
    private int _pos;

    public Lexer(string text, IReadOnlyList<string> knownNames)
    {
        _text = text;
        _knownNames = knownNames;
    }

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            SkipSpaceAndComments();
            if (_pos >= _text.Length) { tokens.Add(new Token(TokenKind.End, "", _pos)); return tokens; }
            tokens.Add(Next());
        }
    }

    private void SkipSpaceAndComments()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (char.IsWhiteSpace(c) || c == '\u00A0' || c == '\uFEFF') { _pos++; continue; }
            if (c == '/' && At(1) == '/')
            {
                while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
                continue;
            }
            if (c == '/' && At(1) == '*')
            {
                var end = _text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                if (end < 0) throw Error("comment not closed with */", _pos);
                _pos = end + 2;
                continue;
            }
            return;
        }
    }

    private char At(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private Token Next()
    {
        var start = _pos;
        var c = _text[_pos];
        if (char.IsDigit(c) || (c == '.' && char.IsDigit(At(1)))) return Number();
        if (c == '"') return String();
        if (IsNameStart(c))
        {
            var known = MatchKnownName();
            if (known is not null) { _pos += _matchedLength; return new Token(TokenKind.Name, known, start); }
            // The start character always belongs to the name: a letter number such as 'Ⅾ' starts a name but is no name part,
            // and a lexer that did not move on added empty names until the process ran out of memory (a fuzzer's finding).
            _pos++;
            while (_pos < _text.Length && IsNamePart(_text, _pos)) _pos++;
            return new Token(TokenKind.Name, _text[start.._pos], start);
        }
        foreach (var symbol in Symbols)
        {
            if (string.CompareOrdinal(_text, _pos, symbol, 0, symbol.Length) == 0)
            {
                _pos += symbol.Length;
                return new Token(TokenKind.Symbol, symbol, start);
            }
        }
        throw Error($"unexpected character '{c}'", _pos);
    }

    // Longest first, so that "**" is not read as two "*".
    private static readonly string[] Symbols = ["..", "**", "<=", ">=", "!=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "+", "-", "*", "/", "=", "<", ">", "?", "@", ";"];

    /// <summary>The longest known name at this position; its spaces match any run of white space ("date and\n time").</summary>
    private string? MatchKnownName()
    {
        foreach (var name in _knownNames)
        {
            if (name.Length == 0) continue;
            var end = MatchAt(name);
            if (end < 0) continue;
            if (end < _text.Length && IsNamePart(_text, end) && IsNamePart(name, name.Length - 1)) continue;
            _matchedLength = end - _pos;
            return name;
        }
        return null;
    }

    private int _matchedLength;

    private int MatchAt(string name)
    {
        var t = _pos;
        for (var n = 0; n < name.Length; n++)
        {
            if (name[n] == ' ')
            {
                if (t >= _text.Length || !char.IsWhiteSpace(_text[t])) return -1;
                while (t < _text.Length && char.IsWhiteSpace(_text[t])) t++;
                continue;
            }
            if (t >= _text.Length || _text[t] != name[n]) return -1;
            t++;
        }
        return t;
    }

    private Token Number()
    {
        var start = _pos;
        while (_pos < _text.Length && char.IsDigit(_text[_pos])) _pos++;
        if (_pos < _text.Length && _text[_pos] == '.' && At(1) != '.')
        {
            _pos++;
            while (_pos < _text.Length && char.IsDigit(_text[_pos])) _pos++;
        }
        if (_pos < _text.Length && (_text[_pos] is 'e' or 'E') && (char.IsDigit(At(1)) || ((At(1) is '+' or '-') && char.IsDigit(At(2)))))
        {
            _pos += 2;
            while (_pos < _text.Length && char.IsDigit(_text[_pos])) _pos++;
        }
        return new Token(TokenKind.Number, _text[start.._pos], start);
    }

    private Token String()
    {
        var start = _pos++;
        var sb = new StringBuilder();
        while (_pos < _text.Length)
        {
            var c = _text[_pos++];
            if (c == '"') return new Token(TokenKind.String, sb.ToString(), start);
            if (c != '\\') { sb.Append(c); continue; }
            if (_pos >= _text.Length) break;
            var e = _text[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case 'u':
                {
                    var hex = _pos + 4 <= _text.Length ? _text.Substring(_pos, 4) : "";
                    if (!int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)) throw Error("\\u must be followed by four hex digits", _pos - 2);
                    sb.Append((char)code);
                    _pos += 4;
                    break;
                }
                case 'U':
                {
                    var hex = _pos + 6 <= _text.Length ? _text.Substring(_pos, 6) : "";
                    if (!int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code)) throw Error("\\U must be followed by six hex digits", _pos - 2);
                    sb.Append(char.ConvertFromUtf32(code));
                    _pos += 6;
                    break;
                }
                default: sb.Append('\\').Append(e); break;
            }
        }
        throw Error("string not closed with \"", start);
    }

    internal static bool IsNameStart(char c) => char.IsLetter(c) || c == '_' || char.GetUnicodeCategory(c) is UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber || char.IsSurrogate(c);

    private static bool IsNamePart(string text, int i)
    {
        var c = text[i];
        return char.IsLetterOrDigit(c) || c == '_' || c == '\u00B7' || char.IsSurrogate(c)
            || char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation;
    }

    private FeelSyntaxException Error(string message, int at) => new(message, at, _text);
}

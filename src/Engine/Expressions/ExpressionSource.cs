using System.Text;

namespace EGov.Workflows.Expressions;

/// <summary>
/// Turns a Camunda-style expression into one JavaScript expression.
/// <list type="bullet">
/// <item><c>${...}</c> and <c>#{...}</c> wrappers are removed; text around or between several wrapped parts
/// makes a template whose parts are joined as a string (null parts become empty), as JUEL composite expressions do.</item>
/// <item>The simple JUEL operators are translated outside string literals, comments and regular expressions:
/// <c>and</c>→<c>&amp;&amp;</c>, <c>or</c>→<c>||</c>, <c>not</c>→<c>!</c>, <c>eq</c>→<c>==</c>, <c>ne</c>→<c>!=</c>,
/// <c>lt</c>→<c>&lt;</c>, <c>gt</c>→<c>&gt;</c>, <c>le</c>→<c>&lt;=</c>, <c>ge</c>→<c>&gt;=</c>, <c>div</c>→<c>/</c>,
/// <c>mod</c>→<c>%</c>, and <c>empty x</c> → true when x is null/undefined, '', an empty array or an object without keys.
/// These words are therefore reserved in expressions (as they are in JUEL); a property access such as <c>a.not</c> is left alone.</item>
/// <item>The Java methods Camunda models call on variables in JUEL (<see cref="JavaMethods"/>): <c>x.size()</c>,
/// <c>x.length()</c>, <c>x.isEmpty()</c>, <c>x.containsKey(k)</c>, <c>x.equals(o)</c>, <c>x.equalsIgnoreCase(o)</c>.</item>
/// </list>
/// Scripts are plain JavaScript and are not translated.
/// </summary>
internal static class ExpressionSource
{
    internal const string EmptyFunction =
        "((v)=>v===undefined||v===null||v===''||(typeof v==='object'&&(Array.isArray(v)?v.length===0:Object.keys(v).length===0)))";

    private const string StringFunction = "((v)=>v===undefined||v===null?'':String(v))";

    private static readonly Dictionary<string, string> s_operators = new(StringComparer.Ordinal)
    {
        ["and"] = "&&", ["or"] = "||", ["not"] = "!", ["eq"] = "==", ["ne"] = "!=",
        ["lt"] = "<", ["gt"] = ">", ["le"] = "<=", ["ge"] = ">=", ["div"] = "/", ["mod"] = "%",
    };

    /// <summary>The JavaScript expression for a Camunda-style expression (wrapped or plain, possibly a template).</summary>
    public static string ToJavaScript(string expression)
    {
        var parts = SplitTemplate(expression);
        if (parts is null)
            return TranslateJuel(expression);
        if (parts.Count == 1 && parts[0].IsExpression)
            return TranslateJuel(parts[0].Text);

        var sb = new StringBuilder("(''");
        foreach (var part in parts)
        {
            sb.Append(" + ");
            if (part.IsExpression)
                sb.Append(StringFunction).Append("((\n").Append(TranslateJuel(part.Text)).Append("\n))");
            else
                sb.Append(System.Text.Json.JsonSerializer.Serialize(part.Text));
        }
        return sb.Append(')').ToString();
    }

    private readonly record struct Part(string Text, bool IsExpression);

    /// <summary>Null when the text holds no <c>${</c>/<c>#{</c> at all; otherwise literal and expression parts (blank text at the ends dropped).</summary>
    private static List<Part>? SplitTemplate(string text)
    {
        if (!text.Contains("${", StringComparison.Ordinal) && !text.Contains("#{", StringComparison.Ordinal))
            return null;
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if ((text[i] == '$' || text[i] == '#') && i + 1 < text.Length && text[i + 1] == '{')
            {
                var end = FindClosingBrace(text, i + 2);
                if (end < 0)
                    throw new ScriptException($"expression '{text}' has an unclosed '{text[i]}{{'");
                if (literal.Length > 0) { parts.Add(new Part(literal.ToString(), false)); literal.Clear(); }
                parts.Add(new Part(text[(i + 2)..end], true));
                i = end + 1;
                continue;
            }
            literal.Append(text[i]);
            i++;
        }
        if (literal.Length > 0)
            parts.Add(new Part(literal.ToString(), false));
        // "  ${x}  " is the single expression x.
        if (parts.Count(p => p.IsExpression) == 1 && parts.Where(p => !p.IsExpression).All(p => string.IsNullOrWhiteSpace(p.Text)))
            return [parts.Single(p => p.IsExpression)];
        return parts;
    }

    /// <summary>Index of the '}' closing an opened brace at depth 1, skipping string literals; -1 when none.</summary>
    private static int FindClosingBrace(string text, int start)
    {
        var depth = 1;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\'' or '"' or '`')
            {
                i = SkipString(text, i);
                continue;
            }
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return -1;
    }

    /// <summary>Index of the closing quote of the string literal opened at <paramref name="start"/> (or the end of text).</summary>
    private static int SkipString(string text, int start)
    {
        var quote = text[start];
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] == quote) return i;
        }
        return text.Length - 1;
    }

    /// <summary>Translates JUEL word operators outside literals and comments.</summary>
    internal static string TranslateJuel(string source)
    {
        var sb = new StringBuilder(source.Length + 16);
        var i = 0;
        Translate(source, ref i, sb, stopAtDepthZeroClose: false);
        return sb.ToString();
    }

    private static void Translate(string s, ref int i, StringBuilder sb, bool stopAtDepthZeroClose)
    {
        var depth = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (c is '\'' or '"' or '`')
            {
                var end = SkipString(s, i);
                sb.Append(s, i, end - i + 1);
                i = end + 1;
                continue;
            }
            if (c == '/' && i + 1 < s.Length && s[i + 1] == '/')
            {
                var end = s.IndexOf('\n', i);
                if (end < 0) end = s.Length;
                sb.Append(s, i, end - i);
                i = end;
                continue;
            }
            if (c == '/' && i + 1 < s.Length && s[i + 1] == '*')
            {
                var end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                end = end < 0 ? s.Length : end + 2;
                sb.Append(s, i, end - i);
                i = end;
                continue;
            }
            if (c == '/' && RegexAllowedAfter(sb))
            {
                var end = SkipRegex(s, i);
                sb.Append(s, i, end - i);
                i = end;
                continue;
            }
            if (c is '(' or '[' or '{') depth++;
            if (c is ')' or ']' or '}')
            {
                if (depth == 0 && stopAtDepthZeroClose) return;
                depth--;
            }
            if (IsIdentifierStart(c))
            {
                var start = i;
                while (i < s.Length && IsIdentifierPart(s[i])) i++;
                var word = s[start..i];
                if (IsMemberName(s, start) && IsCall(s, i) && JavaMethods.TryRewrite(sb, word))
                    continue;
                if (IsMemberName(s, start) || !IsOperatorWord(word) || IsObjectKey(s, i))
                {
                    sb.Append(word);
                    continue;
                }
                if (word == "empty")
                {
                    sb.Append(EmptyFunction).Append('(');
                    TranslateOperand(s, ref i, sb);
                    sb.Append(')');
                    continue;
                }
                var op = s_operators[word];
                // Keep tokens apart: "a and b" → "a && b"; "not(x)" → "!(x)".
                sb.Append(op);
                if (op == "!") continue;
                if (i < s.Length && !char.IsWhiteSpace(s[i])) sb.Append(' ');
                continue;
            }
            if (char.IsDigit(c))
            {
                // Numbers such as 1e5 or 0x1f must not be read as identifiers.
                while (i < s.Length && (IsIdentifierPart(s[i]) || s[i] == '.')) sb.Append(s[i++]);
                continue;
            }
            sb.Append(c);
            i++;
        }
    }

    /// <summary>The operand of JUEL <c>empty</c>: a unary expression with member accesses, calls and indexes.</summary>
    private static void TranslateOperand(string s, ref int i, StringBuilder sb)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        if (i >= s.Length)
            throw new ScriptException("'empty' needs an operand");
        var c = s[i];
        if (c == '(' )
            TranslateGroup(s, ref i, sb);
        else if (c is '\'' or '"' or '`')
        {
            var end = SkipString(s, i);
            sb.Append(s, i, end - i + 1);
            i = end + 1;
        }
        else if (IsIdentifierStart(c) || char.IsDigit(c))
        {
            var start = i;
            while (i < s.Length && IsIdentifierPart(s[i])) i++;
            var word = s[start..i];
            if (word is "not" or "empty")
            {
                // "empty not x" is not meaningful JUEL; translate what follows as its own expression.
                var inner = new StringBuilder();
                var tmp = start;
                Translate(s[tmp..], ref tmp, inner, false);
                i = s.Length;
                sb.Append(inner);
                return;
            }
            sb.Append(word);
        }
        else
            throw new ScriptException($"'empty' needs an operand, found '{c}'");

        // Postfix: .name, ?.name, [index], (args)
        while (i < s.Length)
        {
            var j = i;
            while (j < s.Length && char.IsWhiteSpace(s[j])) j++;
            if (j >= s.Length) break;
            if (s[j] == '.' || (s[j] == '?' && j + 1 < s.Length && s[j + 1] == '.'))
            {
                var k = s[j] == '.' ? j + 1 : j + 2;
                while (k < s.Length && char.IsWhiteSpace(s[k])) k++;
                var start = k;
                while (k < s.Length && IsIdentifierPart(s[k])) k++;
                if (k == start) break;
                sb.Append(s, j, k - j);
                i = k;
            }
            else if (s[j] is '[' or '(')
            {
                i = j;
                TranslateGroup(s, ref i, sb);
            }
            else break;
        }
    }

    /// <summary>Copies a bracketed group (translating JUEL inside) from its opening to its closing bracket.</summary>
    private static void TranslateGroup(string s, ref int i, StringBuilder sb)
    {
        sb.Append(s[i]);
        i++;
        Translate(s, ref i, sb, stopAtDepthZeroClose: true);
        if (i < s.Length)
        {
            sb.Append(s[i]);
            i++;
        }
    }

    private static bool RegexAllowedAfter(StringBuilder sb)
    {
        for (var k = sb.Length - 1; k >= 0; k--)
        {
            var p = sb[k];
            if (char.IsWhiteSpace(p)) continue;
            return p is '(' or ',' or '=' or ':' or '[' or '!' or '&' or '|' or '?' or '{' or '}' or ';' or '+' or '-' or '*' or '%' or '<' or '>' or '~' or '^';
        }
        return true;
    }

    private static int SkipRegex(string s, int start)
    {
        var inClass = false;
        for (var i = start + 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\\') { i++; continue; }
            if (c == '\n') return i;
            if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            else if (c == '/' && !inClass)
            {
                i++;
                while (i < s.Length && IsIdentifierPart(s[i])) i++;
                return i;
            }
        }
        return s.Length;
    }

    /// <summary>Is the word ending at <paramref name="end"/> called: <c>name(</c> (spaces allowed)?</summary>
    private static bool IsCall(string s, int end)
    {
        while (end < s.Length && char.IsWhiteSpace(s[end])) end++;
        return end < s.Length && s[end] == '(';
    }

    private static bool IsOperatorWord(string word) => word == "empty" || s_operators.ContainsKey(word);

    private static bool IsMemberName(string s, int start)
    {
        for (var k = start - 1; k >= 0; k--)
        {
            if (char.IsWhiteSpace(s[k])) continue;
            return s[k] == '.';
        }
        return false;
    }

    /// <summary>"{ and: 1 }" — a word directly followed by ':' that is not part of a conditional expression.</summary>
    private static bool IsObjectKey(string s, int end)
    {
        var k = end;
        while (k < s.Length && char.IsWhiteSpace(s[k])) k++;
        if (k >= s.Length || s[k] != ':') return false;
        for (var b = end - 1; b >= 0; b--)
        {
            var p = s[b];
            if (IsIdentifierPart(p) || char.IsWhiteSpace(p)) continue;
            return p is '{' or ',';
        }
        return false;
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c is '_' or '$';

    internal static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';
}

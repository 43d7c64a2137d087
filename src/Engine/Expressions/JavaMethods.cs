using System.Text;

namespace EGov.Workflows.Expressions;

/// <summary>
/// The Java methods Camunda 7 models call on variables in JUEL, translated for JavaScript: variables are JSON values
/// here (arrays, objects, strings), which do not have them. <c>list.size()</c> becomes <c>SIZE(list)()</c>, where
/// SIZE is an inline function of the receiver that returns the method: arguments and the rest of the expression
/// follow unchanged, and a receiver of another type still gets the real method call (and its usual error, e.g. on null).
/// </summary>
internal static class JavaMethods
{
    private const string IsText = "(typeof v==='string'||Array.isArray(v))";
    private const string IsMap = "(v!==null&&typeof v==='object'&&!Array.isArray(v))";

    private static readonly Dictionary<string, string> s_methods = new(StringComparer.Ordinal)
    {
        // Collection.size(), Map.size(); String.length() — JavaScript's length is a property.
        ["size"] = $"((v)=>(...a)=>{IsText}?v.length:{IsMap}?Object.keys(v).length:v.size(...a))",
        ["length"] = $"((v)=>(...a)=>{IsText}?v.length:v.length(...a))",
        ["isEmpty"] = $"((v)=>(...a)=>{IsText}?v.length===0:{IsMap}?Object.keys(v).length===0:v.isEmpty(...a))",
        ["containsKey"] = $"((v)=>(k,...a)=>{IsMap}?Object.prototype.hasOwnProperty.call(v,k):v.containsKey(k,...a))",
        // Object.equals: same value; lists and maps compare by content, as Java's collections do.
        ["equals"] = "((v)=>(o)=>v!==null&&typeof v==='object'?o!==null&&typeof o==='object'&&JSON.stringify(v)===JSON.stringify(o):v===o)",
        // String.equalsIgnoreCase: false for null or a non-string argument.
        ["equalsIgnoreCase"] = "((v)=>(o)=>typeof v==='string'?typeof o==='string'&&v.toLowerCase()===o.toLowerCase():v.equalsIgnoreCase(o))",
    };

    /// <summary>
    /// <paramref name="sb"/> ends with <c>receiver.</c> and <paramref name="method"/> is called: rewrites the end to
    /// <c>FN(receiver)</c>. False (nothing changed) for other methods or when no receiver can be found.
    /// </summary>
    public static bool TryRewrite(StringBuilder sb, string method)
    {
        if (!s_methods.TryGetValue(method, out var fn)) return false;
        var dot = sb.Length - 1;
        while (dot >= 0 && char.IsWhiteSpace(sb[dot])) dot--;
        if (dot < 0 || sb[dot] != '.') return false;
        // Optional chaining (x?.size()) keeps JavaScript's meaning: no rewrite.
        if (dot > 0 && sb[dot - 1] == '?') return false;
        var end = dot;
        while (end > 0 && char.IsWhiteSpace(sb[end - 1])) end--;
        var start = ReceiverStart(sb, end);
        if (start < 0 || start >= end) return false;
        var receiver = sb.ToString(start, end - start);
        sb.Length = start;
        sb.Append(fn).Append('(').Append(receiver).Append(')');
        return true;
    }

    /// <summary>
    /// Where the member-access chain ending before <paramref name="end"/> starts: identifiers joined by dots, calls and
    /// indexes (<c>a.b(c)[0]</c>), a bracketed group, or a string literal. -1 when there is none.
    /// </summary>
    private static int ReceiverStart(StringBuilder sb, int end)
    {
        var k = end - 1;
        var start = -1;
        while (k >= 0)
        {
            var c = sb[k];
            if (c is ')' or ']')
            {
                var open = MatchingOpen(sb, k);
                if (open < 0) return -1;
                start = open;
                k = open - 1;
                continue;
            }
            if (c is '\'' or '"' or '`')
            {
                var open = OpeningQuote(sb, k);
                return open < 0 ? -1 : open;
            }
            if (ExpressionSource.IsIdentifierPart(c))
            {
                while (k >= 0 && ExpressionSource.IsIdentifierPart(sb[k])) k--;
                start = k + 1;
                if (k >= 0 && sb[k] == '.') { k--; continue; }
                break;
            }
            break;
        }
        return start;
    }

    private static int MatchingOpen(StringBuilder sb, int close)
    {
        var depth = 0;
        for (var k = close; k >= 0; k--)
        {
            var c = sb[k];
            if (c is '\'' or '"' or '`')
            {
                k = OpeningQuote(sb, k);
                if (k < 0) return -1;
                continue;
            }
            if (c is ')' or ']' or '}') depth++;
            else if (c is '(' or '[' or '{' && --depth == 0) return k;
        }
        return -1;
    }

    /// <summary>The opening quote of the string literal whose closing quote is at <paramref name="close"/>.</summary>
    private static int OpeningQuote(StringBuilder sb, int close)
    {
        for (var k = close - 1; k >= 0; k--)
            if (sb[k] == sb[close] && (k == 0 || sb[k - 1] != '\\')) return k;
        return -1;
    }
}

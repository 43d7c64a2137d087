using System.Text;
using System.Text.RegularExpressions;
using EGov.Workflows.Feel.Values;
using static EGov.Workflows.Feel.Builtins.BuiltinLibrary;

namespace EGov.Workflows.Feel.Builtins;

/// <summary>
/// substring, string length, upper/lower case, substring before/after, replace, contains, starts/ends with, matches,
/// split, string join (DMN 1.5 §10.3.4.3). Positions and lengths count Unicode code points, as FEEL does, not UTF-16 units.
/// Patterns are XML Schema regular expressions, run by .NET's engine with a one-second limit.
/// </summary>
internal static class StringFunctions
{
    private static readonly TimeSpan RegexLimit = TimeSpan.FromSeconds(1);

    public static void Register(Dictionary<string, FeelFunction> f)
    {
        Def(f, "substring", [["string", "start position"], ["string", "start position", "length"]], (ev, a) =>
        {
            if (a[0] is not string s || ToInt(a[1]) is not int start) return ev.Null("substring() needs a string and a start position");
            var points = CodePoints(s);
            if (start == 0 || Math.Abs(start) > points.Length) return ev.Null("start position outside the string");
            var from = start > 0 ? start - 1 : points.Length + start;
            var length = points.Length - from;
            if (a.Count == 3)
            {
                if (ToInt(a[2]) is not int len || len < 0) return ev.Null("length must be a number not below zero");
                length = Math.Min(len, length);
            }
            return string.Concat(points.Skip(from).Take(length));
        });
        Def(f, "string length", [["string"]], (ev, a) => a[0] is string s ? (decimal)CodePoints(s).Length : ev.Null("string length() needs a string"));
        Def(f, "upper case", [["string"]], (ev, a) => a[0] is string s ? s.ToUpperInvariant() : ev.Null("upper case() needs a string"));
        Def(f, "lower case", [["string"]], (ev, a) => a[0] is string s ? s.ToLowerInvariant() : ev.Null("lower case() needs a string"));
        Def(f, "substring before", [["string", "match"]], (ev, a) =>
        {
            if (a[0] is not string s || a[1] is not string m) return ev.Null("substring before() needs two strings");
            var i = s.IndexOf(m, StringComparison.Ordinal);
            return i < 0 ? "" : s[..i];
        });
        Def(f, "substring after", [["string", "match"]], (ev, a) =>
        {
            if (a[0] is not string s || a[1] is not string m) return ev.Null("substring after() needs two strings");
            var i = s.IndexOf(m, StringComparison.Ordinal);
            return i < 0 ? "" : s[(i + m.Length)..];
        });
        Def(f, "contains", [["string", "match"]], (ev, a) => a[0] is string s && a[1] is string m ? s.Contains(m, StringComparison.Ordinal) : ev.Null("contains() needs two strings"));
        Def(f, "starts with", [["string", "match"]], (ev, a) => a[0] is string s && a[1] is string m ? s.StartsWith(m, StringComparison.Ordinal) : ev.Null("starts with() needs two strings"));
        Def(f, "ends with", [["string", "match"]], (ev, a) => a[0] is string s && a[1] is string m ? s.EndsWith(m, StringComparison.Ordinal) : ev.Null("ends with() needs two strings"));
        Def(f, "matches", [["input", "pattern"], ["input", "pattern", "flags"]], (ev, a) =>
        {
            if (a[0] is not string s || a[1] is not string p) return ev.Null("matches() needs a string and a pattern");
            var regex = Compile(p, a.Count > 2 ? a[2] : null, ev);
            return regex?.IsMatch(s);
        });
        Def(f, "replace", [["input", "pattern", "replacement"], ["input", "pattern", "replacement", "flags"]], (ev, a) =>
        {
            if (a[0] is not string s || a[1] is not string p || a[2] is not string r) return ev.Null("replace() needs strings");
            var regex = Compile(p, a.Count > 3 ? a[3] : null, ev);
            if (regex is null) return null;
            var literal = a.Count > 3 && a[3] is string fl && fl.Contains('q');
            return regex.Replace(s, literal ? r.Replace("$", "$$") : ReplacementOf(r));
        });
        Def(f, "split", [["string", "delimiter"]], (ev, a) =>
        {
            if (a[0] is not string s || a[1] is not string d) return ev.Null("split() needs a string and a delimiter pattern");
            var regex = Compile(d, null, ev);
            return regex?.Split(s).Cast<object?>().ToArray();
        });
        Def(f, "string join", [["list"], ["list", "delimiter"]], (ev, a) =>
        {
            var list = a[0] as IReadOnlyList<object?> ?? (a[0] is string one ? [one] : null);
            if (list is null) return ev.Null("string join() needs a list of strings");
            if (list.Any(x => x is not null and not string)) return ev.Null("string join() needs a list of strings");
            var delimiter = a.Count > 1 ? a[1] as string ?? (a[1] is null ? "" : null) : "";
            if (delimiter is null) return ev.Null("the delimiter must be a string");
            return string.Join(delimiter, list.OfType<string>());
        });
    }

    public static string[] CodePoints(string s)
    {
        var result = new List<string>(s.Length);
        for (var i = 0; i < s.Length;)
        {
            var len = char.IsSurrogatePair(s, i) ? 2 : 1;
            result.Add(s.Substring(i, len));
            i += len;
        }
        return [.. result];
    }

    /// <summary>XPath replacement strings use <c>$n</c> and <c>\$</c>, <c>\\</c>; .NET uses <c>$n</c> and <c>$$</c>.</summary>
    private static string ReplacementOf(string r)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < r.Length; i++)
        {
            if (r[i] == '\\' && i + 1 < r.Length) { sb.Append(r[i + 1] == '$' ? "$$" : r[i + 1].ToString()); i++; }
            else if (r[i] == '$' && i + 1 < r.Length && char.IsDigit(r[i + 1])) { sb.Append("${").Append(r[i + 1]).Append('}'); i++; }
            else sb.Append(r[i]);
        }
        return sb.ToString();
    }

    private static Regex? Compile(string pattern, object? flags, FeelEvaluation ev)
    {
        var options = RegexOptions.CultureInvariant;
        if (flags is not null and not string) { ev.Warn("flags must be a string"); return null; }
        bool dotAll = false, literal = false, stripSpace = false;
        foreach (var c in (string?)flags ?? "")
        {
            switch (c)
            {
                case 'i': options |= RegexOptions.IgnoreCase; break;
                case 's': dotAll = true; break;
                case 'm': options |= RegexOptions.Multiline; break;
                case 'x': stripSpace = true; break;
                case 'q': literal = true; break;
                default: ev.Warn($"unknown regular expression flag '{c}'"); return null;
            }
        }
        string translated;
        if (literal) translated = Regex.Escape(pattern);
        else if (Translate(pattern, dotAll, stripSpace) is { } t) translated = t;
        else { ev.Warn($"invalid pattern '{pattern}'"); return null; }
        try { return new Regex(translated, options, RegexLimit); }
        catch (ArgumentException e)
        {
            ev.Warn($"invalid pattern: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// XPath's regular expressions in .NET's dialect: <c>.</c> excludes \r as well as \n (unless the s flag), the x flag
    /// removes white space from the pattern itself (outside character classes), and a back-reference inside a
    /// character class is an error. Class subtraction and <c>\p{IsBasicLatin}</c> read the same in both.
    /// </summary>
    private static string? Translate(string pattern, bool dotAll, bool stripSpace)
    {
        var sb = new StringBuilder(pattern.Length + 8);
        var classDepth = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                // With the x flag white space goes before the pattern is read: "\ s" is "\s".
                while (stripSpace && classDepth == 0 && i + 2 < pattern.Length && char.IsWhiteSpace(pattern[i + 1])) i++;
                var next = pattern[i + 1];
                if (classDepth > 0 && char.IsDigit(next)) return null;
                sb.Append(c).Append(next);
                i++;
                continue;
            }
            if (stripSpace && classDepth == 0 && c is ' ' or '\t' or '\n' or '\r') continue;
            switch (c)
            {
                case '[': classDepth++; sb.Append(c); break;
                case ']' when classDepth > 0: classDepth--; sb.Append(c); break;
                case '.' when classDepth == 0 && !dotAll: sb.Append("[^\\n\\r]"); break;
                case '.' when classDepth == 0: sb.Append("[\\s\\S]"); break;
                default: sb.Append(c); break;
            }
        }
        var result = sb.ToString();
        // With the x flag white space inside \p{ … } goes too.
        return stripSpace ? Regex.Replace(result, @"\\p\{[^}]*\}", m => m.Value.Replace(" ", ""), RegexOptions.None, RegexLimit) : result;
    }
}

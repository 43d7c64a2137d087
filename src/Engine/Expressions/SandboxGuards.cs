using Jint;
using Jint.Native;
using Jint.Native.Function;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace EGov.Workflows.Expressions;

/// <summary>
/// Jint checks its memory and time limits between statements, amortized over many of them, so one built-in
/// call that builds a huge string (<c>'x'.repeat(5e8)</c>) would allocate gigabytes before any check runs.
/// These wrappers refuse such calls up front (result longer than the memory limit allows) and check the
/// limits right after every call they let through.
/// </summary>
internal static class SandboxGuards
{
    public static void Install(Engine engine, SandboxLimits limits, string what)
    {
        var maxChars = Math.Max(1024, limits.MemoryBytes / 2); // UTF-16: two bytes per character
        var stringPrototype = Prototype(engine, "String");
        var arrayPrototype = Prototype(engine, "Array");

        Wrap(engine, stringPrototype, "repeat", 1, (thisObj, args) =>
            (double)StringLength(thisObj) * Number(args, 0));
        Wrap(engine, stringPrototype, "padStart", 2, (_, args) => Number(args, 0));
        Wrap(engine, stringPrototype, "padEnd", 2, (_, args) => Number(args, 0));
        Wrap(engine, arrayPrototype, "join", 1, (thisObj, args) => JoinLength(thisObj, args, maxChars));
        Wrap(engine, stringPrototype, "concat", 1, (thisObj, args) => StringLength(thisObj) + args.Sum(ValueLength));
        Wrap(engine, stringPrototype, "replace", 2, (thisObj, args) => ReplaceLength(thisObj, args, all: false));
        Wrap(engine, stringPrototype, "replaceAll", 2, (thisObj, args) => ReplaceLength(thisObj, args, all: true));
        Wrap(engine, (ObjectInstance)engine.Global.Get("JSON"), "stringify", 3, (_, args) => StringifyLength(args, maxChars));

        void Wrap(Engine e, ObjectInstance target, string name, int length, Func<JsValue, JsValue[], double> estimate)
        {
            var original = target.Get(name);
            var wrapper = new ClrFunction(e, name, (thisObj, args) =>
            {
                var size = estimate(thisObj, args);
                if (size > maxChars)
                    throw TooBig(name, size);
                if (name is "replace" or "replaceAll" && args.Length > 1 && args[1] is Function replacer)
                    args = [args[0], CountingReplacer(e, replacer, StringLength(thisObj), name), .. args.Skip(2)];
                var result = e.Call(original, thisObj, args);
                e.Constraints.Check();
                return result;
            }, length);
            target.FastSetDataProperty(name, wrapper);
        }

        ScriptException TooBig(string name, double size) =>
            new($"{what} exceeded its memory limit of {limits.DescribeMemory()} ({name} would build a string of {size:0} characters)");

        // A replacer function's results are joined only after the last match: counted as they come, so returning the
        // same megabyte string for a million matches is refused at the match that crosses the limit.
        ClrFunction CountingReplacer(Engine e, Function replacer, long sourceLength, string name)
        {
            double total = sourceLength;
            return new ClrFunction(e, "replacer", (thisObj, args) =>
            {
                var value = e.Call(replacer, thisObj, args);
                total += ValueLength(value);
                if (total > maxChars) throw TooBig(name, total);
                return value;
            }, 2);
        }
    }

    /// <summary>
    /// The longest result a replace could build: each replaced match inserts the replacement, and every <c>$</c>
    /// pattern in it (<c>$&amp;</c>, <c>$`</c>, <c>$'</c>, <c>$1</c>) can insert up to the whole string again. Matches:
    /// one for replace without a global regex, the counted occurrences of a string pattern, and at most one per
    /// position for a global regex.
    /// </summary>
    private static double ReplaceLength(JsValue thisObj, JsValue[] args, bool all)
    {
        var length = StringLength(thisObj);
        if (args.Length < 2 || args[1] is Function) return length;
        var replacement = args[1].IsString() ? args[1].AsString() : TypeConverter.ToString(args[1]);
        var perMatch = replacement.Length + (double)replacement.Count(c => c == '$') * length;
        double matches;
        if (args[0].IsString())
        {
            var pattern = args[0].AsString();
            matches = !all ? 1 : pattern.Length == 0 ? length + 1 : Occurrences(thisObj.AsString(), pattern);
        }
        else if (args[0] is JsRegExp regex)
        {
            matches = regex.Flags.Contains('g', StringComparison.Ordinal) ? length + 1 : 1;
        }
        else matches = all ? length + 1 : 1;
        return length + matches * perMatch;
    }

    private static double Occurrences(string text, string pattern)
    {
        double count = 0;
        for (var i = text.IndexOf(pattern, StringComparison.Ordinal); i >= 0; i = text.IndexOf(pattern, i + pattern.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>
    /// An estimate of JSON.stringify's output: strings and keys with quotes, numbers as up to 24 characters, shared
    /// objects counted as often as they occur (a value that nests the same array twice per level doubles per level),
    /// indentation per line; stops as soon as it passes <paramref name="limit"/>.
    /// </summary>
    private static double StringifyLength(JsValue[] args, double limit)
    {
        if (args.Length == 0) return 0;
        var indent = args.Length > 2 ? (args[2].IsString() ? Math.Min(10, args[2].AsString().Length) : args[2].IsNumber() ? Math.Clamp(TypeConverter.ToNumber(args[2]), 0, 10) : 0) : 0;
        var memo = new Dictionary<ObjectInstance, double>(ReferenceEqualityComparer.Instance);
        return Estimate(args[0], 0);

        double Estimate(JsValue value, int depth)
        {
            if (value.IsString()) return value.AsString().Length + 2;
            if (value is not ObjectInstance o || value is Function) return 24;
            if (memo.TryGetValue(o, out var known)) return known;
            memo[o] = 4; // a cycle makes stringify throw; counts as little here
            double total = 2;
            if (depth > 256) return total;
            foreach (var key in o.GetOwnPropertyKeys(Types.String))
            {
                if (total > limit) break;
                var descriptor = o.GetOwnProperty(key);
                if (!descriptor.IsDataDescriptor() || !descriptor.Enumerable) continue;
                total += (o is JsArray ? 1 : key.ToString().Length + 4) + indent * (depth + 1) + 1 + Estimate(descriptor.Value, depth + 1);
            }
            memo[o] = total;
            return total;
        }
    }

    /// <summary>The characters a value adds to a string it is concatenated to (arrays and objects: a rough upper bound of their text).</summary>
    private static double ValueLength(JsValue value) => value switch
    {
        _ when value.IsString() => value.AsString().Length,
        JsArray array => array.Length * 24.0,
        _ => 24,
    };

    private static ObjectInstance Prototype(Engine engine, string constructor) =>
        (ObjectInstance)((ObjectInstance)engine.Global.Get(constructor)).Get("prototype");

    private static double Number(JsValue[] args, int index)
    {
        if (args.Length <= index || args[index].IsUndefined())
            return 0;
        var n = TypeConverter.ToNumber(args[index]);
        return double.IsNaN(n) ? 0 : n;
    }

    private static long StringLength(JsValue value) => value.IsString() ? value.AsString().Length : 0;

    /// <summary>
    /// An estimate of the joined length: separators plus string elements plus nested arrays (which join with ','),
    /// shared sub-arrays counted as often as they occur; stops as soon as it passes <paramref name="limit"/>.
    /// </summary>
    private static double JoinLength(JsValue thisObj, JsValue[] args, double limit)
    {
        if (thisObj is not JsArray array)
            return 0;
        var separator = args.Length > 0 && args[0].IsString() ? args[0].AsString().Length : 1;
        var memo = new Dictionary<JsArray, double>(ReferenceEqualityComparer.Instance);
        return Estimate(array, separator, 0);

        double Estimate(JsArray a, int sep, int depth)
        {
            if (memo.TryGetValue(a, out var known))
                return known;
            memo[a] = 0; // a cycle joins as '' in JavaScript
            double total = (double)sep * Math.Max(0, (double)a.Length - 1);
            for (uint i = 0; i < a.Length && total <= limit; i++)
            {
                var descriptor = a.GetOwnProperty(i);
                if (!descriptor.IsDataDescriptor())
                    continue;
                var value = descriptor.Value;
                if (value.IsString())
                    total += value.AsString().Length;
                else if (value is JsArray inner && depth < 64)
                    total += Estimate(inner, 1, depth + 1);
                else if (value.IsNumber())
                    total += 8;
            }
            memo[a] = total;
            return total;
        }
    }
}

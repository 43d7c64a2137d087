using Jint;
using Jint.Native;
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

        void Wrap(Engine e, ObjectInstance prototype, string name, int length, Func<JsValue, JsValue[], double> estimate)
        {
            var original = prototype.Get(name);
            var wrapper = new ClrFunction(e, name, (thisObj, args) =>
            {
                var size = estimate(thisObj, args);
                if (size > maxChars)
                    throw new ScriptException($"{what} exceeded its memory limit of {limits.DescribeMemory()} ({name} would build a string of {size:0} characters)");
                var result = e.Call(original, thisObj, args);
                e.Constraints.Check();
                return result;
            }, length);
            prototype.FastSetDataProperty(name, wrapper);
        }
    }

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

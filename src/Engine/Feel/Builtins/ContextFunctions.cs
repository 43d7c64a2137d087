using EGov.Workflows.Feel.Values;
using static EGov.Workflows.Feel.Builtins.BuiltinLibrary;

namespace EGov.Workflows.Feel.Builtins;

/// <summary>get value, get entries, context, context put, context merge (DMN 1.5 §10.3.4.8).</summary>
internal static class ContextFunctions
{
    public static void Register(Dictionary<string, FeelFunction> f)
    {
        Def(f, "get value", [["m", "key"]], (ev, a) => a[0] is FeelContext c && a[1] is string k ? c[k] : ev.Null("get value() needs a context and a key"));
        Def(f, "get entries", [["m"]], (ev, a) => a[0] is FeelContext c
            ? c.Entries.Select(e => (object?)FeelContext.From([new("key", e.Key), new("value", e.Value)])).ToArray()
            : ev.Null("get entries() needs a context"));
        Def(f, "context", [["entries"]], (ev, a) =>
        {
            var entries = a[0] is FeelContext single ? [single] : a[0] as IReadOnlyList<object?>;
            if (entries is null) return ev.Null("context() needs a list of entries");
            var result = new FeelContext();
            foreach (var e in entries)
            {
                if (e is not FeelContext entry || entry["key"] is not string key || !entry.ContainsKey("value")) return ev.Null("each entry needs a key and a value");
                if (result.ContainsKey(key)) return ev.Null($"the key '{key}' is given twice");
                result.Set(key, entry["value"]);
            }
            return result;
        });
        Def(f, "context put", [["context", "key", "value"], ["context", "keys", "value"]], (ev, a) =>
        {
            if (a[0] is not FeelContext c) return ev.Null("context put() needs a context");
            if (a[1] is string key) return c.With(key, a[2]);
            if (a[1] is IReadOnlyList<object?> { Count: > 0 } keys && keys.All(k => k is string)) return Put(c, keys.Cast<string>().ToArray(), a[2], ev);
            return ev.Null("context put() needs a key or a non-empty list of keys");
        });
        Def(f, "context merge", [["contexts"]], (ev, a) =>
        {
            if (a[0] is not IReadOnlyList<object?> list || list.Any(x => x is not FeelContext)) return ev.Null("context merge() needs a list of contexts");
            var result = new FeelContext();
            foreach (FeelContext c in list.Cast<FeelContext>())
                foreach (var e in c.Entries) result.Set(e.Key, e.Value);
            return result;
        });
    }

    private static object? Put(FeelContext c, string[] keys, object? value, FeelEvaluation ev)
    {
        if (keys.Length == 1) return c.With(keys[0], value);
        var inner = c[keys[0]];
        if (inner is not FeelContext ic)
        {
            if (c.ContainsKey(keys[0]) && inner is not null) return ev.Null($"'{keys[0]}' is not a context");
            ic = new FeelContext();
        }
        var changed = Put(ic, keys[1..], value, ev);
        return changed is null ? null : c.With(keys[0], changed);
    }
}

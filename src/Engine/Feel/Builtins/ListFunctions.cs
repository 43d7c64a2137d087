using EGov.Workflows.Feel.Values;
using static EGov.Workflows.Feel.Builtins.BuiltinLibrary;

namespace EGov.Workflows.Feel.Builtins;

/// <summary>The list functions of DMN 1.5 §10.3.4.4 and §10.3.4.12 (sort), with FEEL's 1-based, negative-from-the-end positions.</summary>
internal static class ListFunctions
{
    public static void Register(Dictionary<string, FeelFunction> f)
    {
        Def(f, "list contains", [["list", "element"]], (ev, a) => a[0] is IReadOnlyList<object?> l
            ? l.Any(x => FeelSemantics.Equal(x, a[1]) == true)
            : ev.Null("list contains() needs a list"));
        Def(f, "count", [["list"]], (ev, a) => a[0] is IReadOnlyList<object?> l ? (decimal)l.Count : ev.Null("count() needs a list"));
        DefList(f, "min", (ev, l) => Extreme(ev, l, -1), emptyAllowed: false);
        DefList(f, "max", (ev, l) => Extreme(ev, l, 1), emptyAllowed: false);
        DefList(f, "sum", (ev, l) =>
        {
            if (l.Count == 0) return null;
            var sum = 0m;
            foreach (var x in l)
            {
                if (x is not decimal d) return ev.Null("sum() needs numbers");
                sum += d;
            }
            return sum;
        });
        DefList(f, "product", (ev, l) =>
        {
            if (l.Count == 0) return ev.Null("product() of no numbers");
            var p = 1m;
            foreach (var x in l)
            {
                if (x is not decimal d) return ev.Null("product() needs numbers");
                p *= d;
            }
            return p;
        });
        DefList(f, "mean", (ev, l) =>
        {
            if (l.Count == 0 || l.Any(x => x is not decimal)) return ev.Null("mean() needs numbers");
            return l.Cast<decimal>().Sum() / l.Count;
        });
        DefList(f, "median", (ev, l) =>
        {
            if (l.Count == 0) return null;
            if (l.Any(x => x is not decimal)) return ev.Null("median() needs numbers");
            var sorted = l.Cast<decimal>().Order().ToArray();
            var mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        });
        DefList(f, "stddev", (ev, l) =>
        {
            if (l.Count < 2 || l.Any(x => x is not decimal)) return ev.Null("stddev() needs at least two numbers");
            var values = l.Cast<decimal>().ToArray();
            var mean = values.Sum() / values.Length;
            var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
            return f["sqrt"].Invoke(ev, [variance]);
        });
        DefList(f, "mode", (ev, l) =>
        {
            if (l.Count == 0) return Array.Empty<object?>();
            if (l.Any(x => x is not decimal)) return ev.Null("mode() needs numbers");
            var groups = l.Cast<decimal>().GroupBy(x => x).ToArray();
            var most = groups.Max(g => g.Count());
            return groups.Where(g => g.Count() == most).Select(g => g.Key).Order().Cast<object?>().ToArray();
        });
        DefList(f, "all", (ev, l) =>
        {
            if (l.Any(x => x is not (null or bool))) return ev.Null("all() needs booleans");
            if (l.Any(x => x is false)) return false;
            return l.Any(x => x is null) ? null : true;
        });
        DefList(f, "any", (ev, l) =>
        {
            if (l.Any(x => x is not (null or bool))) return ev.Null("any() needs booleans");
            if (l.Any(x => x is true)) return true;
            return l.Any(x => x is null) ? null : false;
        });
        Def(f, "sublist", [["list", "start position"], ["list", "start position", "length"]], (ev, a) =>
        {
            if (a[0] is not IReadOnlyList<object?> l || !IsInteger(a[1])) return ev.Null("sublist() needs a list and a whole start position");
            var start = (int)(decimal)a[1]!;
            if (start == 0 || Math.Abs(start) > l.Count) return ev.Null("start position outside the list");
            var from = start > 0 ? start - 1 : l.Count + start;
            var length = l.Count - from;
            if (a.Count == 3)
            {
                if (!IsInteger(a[2]) || (decimal)a[2]! < 0 || from + (decimal)a[2]! > l.Count) return ev.Null("length outside the list");
                length = (int)(decimal)a[2]!;
            }
            return l.Skip(from).Take(length).ToArray();
        });
        f["append"] = new DelegateFunction("append", [["list", "item"]], (ev, a) =>
        {
            if (a.Count < 1 || a[0] is not IReadOnlyList<object?> l) return ev.Null("append() needs a list");
            return l.Concat(a.Skip(1)).ToArray();
        });
        f["concatenate"] = new DelegateFunction("concatenate", [["list"]], (ev, a) =>
        {
            if (a.Any(x => x is not IReadOnlyList<object?>)) return ev.Null("concatenate() needs lists");
            return a.SelectMany(x => (IReadOnlyList<object?>)x!).ToArray();
        });
        Def(f, "insert before", [["list", "position", "newItem"]], (ev, a) =>
        {
            if (a[0] is not IReadOnlyList<object?> l || !IsInteger(a[1])) return ev.Null("insert before() needs a list and a position");
            var p = (int)(decimal)a[1]!;
            if (p == 0 || Math.Abs(p) > l.Count) return ev.Null("position outside the list");
            var at = p > 0 ? p - 1 : l.Count + p;
            var copy = l.ToList();
            copy.Insert(at, a[2]);
            return copy.ToArray();
        });
        Def(f, "remove", [["list", "position"]], (ev, a) =>
        {
            if (a[0] is not IReadOnlyList<object?> l || !IsInteger(a[1])) return ev.Null("remove() needs a list and a position");
            var p = (int)(decimal)a[1]!;
            if (p == 0 || Math.Abs(p) > l.Count) return ev.Null("position outside the list");
            var at = p > 0 ? p - 1 : l.Count + p;
            var copy = l.ToList();
            copy.RemoveAt(at);
            return copy.ToArray();
        });
        Def(f, "reverse", [["list"]], (ev, a) => a[0] is IReadOnlyList<object?> l ? l.Reverse().ToArray() : ev.Null("reverse() needs a list"));
        Def(f, "index of", [["list", "match"]], (ev, a) =>
        {
            if (a[0] is not IReadOnlyList<object?> l) return ev.Null("index of() needs a list");
            var result = new List<object?>();
            for (var i = 0; i < l.Count; i++)
                if (FeelSemantics.Equal(l[i], a[1]) == true) result.Add((decimal)(i + 1));
            return result.ToArray();
        });
        f["union"] = new DelegateFunction("union", [["list"]], (ev, a) =>
        {
            if (a.Any(x => x is not IReadOnlyList<object?>)) return ev.Null("union() needs lists");
            return Distinct(a.SelectMany(x => (IReadOnlyList<object?>)x!));
        });
        Def(f, "distinct values", [["list"]], (ev, a) => a[0] is IReadOnlyList<object?> l ? Distinct(l) : ev.Null("distinct values() needs a list"));
        Def(f, "flatten", [["list"]], (ev, a) => a[0] is IReadOnlyList<object?> l ? Flatten(l).ToArray() : ev.Null("flatten() needs a list"));
        Def(f, "sort", [["list"], ["list", "precedes"]], (ev, a) =>
        {
            if (a[0] is not IReadOnlyList<object?> l) return ev.Null("sort() needs a list");
            var items = l.ToList();
            if (a.Count == 1 || a[1] is null)
            {
                if (items.Count > 1 && items.Skip(1).Any(x => FeelSemantics.Compare(items[0], x) is null)) return ev.Null("sort() needs comparable items");
                return items.OrderBy(x => x, Comparer<object?>.Create((x, y) => FeelSemantics.Compare(x, y) ?? 0)).ToArray();
            }
            if (a[1] is not FeelFunction precedes) return ev.Null("sort(): precedes must be a function");
            var failed = false;
            var sorted = MergeSort(items, (x, y) =>
            {
                var r = precedes.Invoke(ev, [x, y]);
                if (r is not bool b) { failed = true; return false; }
                return b;
            });
            return failed ? ev.Null("sort(): precedes did not answer true or false") : sorted.ToArray();
        });
        Def(f, "list replace", [["list", "position", "newItem"], ["list", "match", "newItem"]], (ev, a) =>
        {
            var l = a[0] as IReadOnlyList<object?> ?? (a[0] is null ? null : [a[0]]);
            if (l is null) return ev.Null("list replace() needs a list");
            var copy = l.ToArray();
            if (a[1] is FeelFunction match)
            {
                for (var i = 0; i < copy.Length; i++)
                {
                    var r = match.Invoke(ev, [copy[i], a[2]]);
                    if (r is not bool) return ev.Null("list replace(): match must answer true or false");
                    if (r is true) copy[i] = a[2];
                }
                return copy;
            }
            if (ToInt(a[1]) is not int p) return ev.Null("list replace() needs a position or a match function");
            if (p == 0 || Math.Abs(p) > copy.Length) return ev.Null("position outside the list");
            copy[p > 0 ? p - 1 : copy.Length + p] = a[2];
            return copy;
        });
    }

    private static object? Extreme(FeelEvaluation ev, IReadOnlyList<object?> l, int sign)
    {
        if (l.Count == 0) return null;
        var best = l[0];
        foreach (var x in l.Skip(1))
        {
            var c = FeelSemantics.Compare(x, best);
            if (c is null) return ev.Null("values that cannot be compared");
            if (c * sign > 0) best = x;
        }
        return best is null || FeelSemantics.Compare(best, best) is null ? ev.Null("values that cannot be compared") : best;
    }

    private static object?[] Distinct(IEnumerable<object?> items)
    {
        var result = new List<object?>();
        foreach (var x in items)
            if (!result.Any(r => FeelSemantics.Equal(r, x) == true)) result.Add(x);
        return [.. result];
    }

    private static IEnumerable<object?> Flatten(IEnumerable<object?> items)
    {
        foreach (var x in items)
        {
            if (x is IReadOnlyList<object?> inner) foreach (var y in Flatten(inner)) yield return y;
            else yield return x;
        }
    }

    /// <summary>A stable sort that asks only "does x precede y", as FEEL's sort does.</summary>
    private static List<object?> MergeSort(List<object?> items, Func<object?, object?, bool> precedes)
    {
        if (items.Count <= 1) return items;
        var mid = items.Count / 2;
        var left = MergeSort(items.GetRange(0, mid), precedes);
        var right = MergeSort(items.GetRange(mid, items.Count - mid), precedes);
        var result = new List<object?>(items.Count);
        int i = 0, j = 0;
        while (i < left.Count && j < right.Count)
            result.Add(precedes(right[j], left[i]) ? right[j++] : left[i++]);
        result.AddRange(left.Skip(i));
        result.AddRange(right.Skip(j));
        return result;
    }
}

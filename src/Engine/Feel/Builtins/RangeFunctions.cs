using EGov.Workflows.Feel.Values;
using NodaTime;

namespace EGov.Workflows.Feel.Builtins;

/// <summary>Range membership and the interval functions of DMN 1.5 §10.3.4.9 (before, after, meets, overlaps, during, …).</summary>
internal static class RangeFunctions
{
    public static bool IsOrdered(object? v) => v is decimal or string or LocalDate or FeelTime or FeelDateTime or Duration or YearsMonthsDuration;

    public static bool? Contains(FeelRange r, object? v)
    {
        if (v is null) return null;
        if (r.Start is null && !r.StartUnbounded || r.End is null && !r.EndUnbounded) return null;
        if (r.Start is not null)
        {
            var c = FeelSemantics.Compare(v, r.Start);
            if (c is null) return null;
            if (c < 0 || (c == 0 && !r.StartIncluded)) return false;
        }
        if (r.End is not null)
        {
            var c = FeelSemantics.Compare(v, r.End);
            if (c is null) return null;
            if (c > 0 || (c == 0 && !r.EndIncluded)) return false;
        }
        return true;
    }

    private static int? Cmp(object? a, object? b) => FeelSemantics.Compare(a, b);

    public static void Register(Dictionary<string, FeelFunction> f)
    {
        Add(f, "before", (a, b) => (a, b) switch
        {
            (FeelRange x, FeelRange y) => Lt(x.End, x.EndIncluded && y.StartIncluded, y.Start),
            (FeelRange x, _) => Lt(x.End, x.EndIncluded, b),
            (_, FeelRange y) => Lt(a, y.StartIncluded, y.Start),
            _ => Cmp(a, b) is int c ? c < 0 : null,
        });
        Add(f, "after", (a, b) => (a, b) switch
        {
            (FeelRange x, FeelRange y) => Lt(y.End, x.StartIncluded && y.EndIncluded, x.Start),
            (FeelRange x, _) => Lt(b, x.StartIncluded, x.Start),
            (_, FeelRange y) => Lt(y.End, y.EndIncluded, a),
            _ => Cmp(a, b) is int c ? c > 0 : null,
        });
        Add(f, "meets", (a, b) => a is FeelRange x && b is FeelRange y ? x.EndIncluded && y.StartIncluded && Cmp(x.End, y.Start) == 0 : null);
        Add(f, "met by", (a, b) => a is FeelRange x && b is FeelRange y ? y.EndIncluded && x.StartIncluded && Cmp(y.End, x.Start) == 0 : null);
        Add(f, "overlaps", (a, b) => a is FeelRange x && b is FeelRange y ? Overlaps(x, y) : null);
        Add(f, "overlaps before", (a, b) => a is FeelRange x && b is FeelRange y ?
            (Cmp(x.Start, y.Start) < 0 || (Cmp(x.Start, y.Start) == 0 && x.StartIncluded && !y.StartIncluded))
            && (Cmp(x.End, y.Start) > 0 || (Cmp(x.End, y.Start) == 0 && x.EndIncluded && y.StartIncluded))
            && (Cmp(x.End, y.End) < 0 || (Cmp(x.End, y.End) == 0 && (!x.EndIncluded || y.EndIncluded))) : null);
        Add(f, "overlaps after", (a, b) => a is FeelRange x && b is FeelRange y ?
            (Cmp(y.Start, x.Start) < 0 || (Cmp(y.Start, x.Start) == 0 && y.StartIncluded && !x.StartIncluded))
            && (Cmp(y.End, x.Start) > 0 || (Cmp(y.End, x.Start) == 0 && y.EndIncluded && x.StartIncluded))
            && (Cmp(y.End, x.End) < 0 || (Cmp(y.End, x.End) == 0 && (!y.EndIncluded || x.EndIncluded))) : null);
        Add(f, "finishes", (a, b) => (a, b) switch
        {
            (FeelRange x, FeelRange y) => x.EndIncluded == y.EndIncluded && Cmp(x.End, y.End) == 0
                && (Cmp(x.Start, y.Start) > 0 || (Cmp(x.Start, y.Start) == 0 && (!x.StartIncluded || y.StartIncluded))),
            (_, FeelRange y) => y.EndIncluded && Cmp(y.End, a) == 0,
            _ => null,
        });
        Add(f, "finished by", (a, b) => (a, b) switch
        {
            (FeelRange x, FeelRange y) => x.EndIncluded == y.EndIncluded && Cmp(x.End, y.End) == 0
                && (Cmp(x.Start, y.Start) < 0 || (Cmp(x.Start, y.Start) == 0 && (x.StartIncluded || !y.StartIncluded))),
            (FeelRange x, _) => x.EndIncluded && Cmp(x.End, b) == 0,
            _ => null,
        });
        Add(f, "includes", (a, b) => (a, b) switch
        {
            (FeelRange x, FeelRange y) => (Cmp(x.Start, y.Start) < 0 || (Cmp(x.Start, y.Start) == 0 && (x.StartIncluded || !y.StartIncluded)))
                && (Cmp(x.End, y.End) > 0 || (Cmp(x.End, y.End) == 0 && (x.EndIncluded || !y.EndIncluded))),
            (FeelRange x, _) => Contains(x, b),
            _ => null,
        });
        Add(f, "during", (a, b) => (a, b) switch
        {
            (FeelRange x, FeelRange y) => (Cmp(y.Start, x.Start) < 0 || (Cmp(y.Start, x.Start) == 0 && (y.StartIncluded || !x.StartIncluded)))
                && (Cmp(y.End, x.End) > 0 || (Cmp(y.End, x.End) == 0 && (y.EndIncluded || !x.EndIncluded))),
            (_, FeelRange y) => Contains(y, a),
            _ => null,
        });
        Add(f, "starts", (a, b) => (a, b) switch
        {
            (FeelRange x, FeelRange y) => x.StartIncluded == y.StartIncluded && Cmp(x.Start, y.Start) == 0
                && (Cmp(x.End, y.End) < 0 || (Cmp(x.End, y.End) == 0 && (!x.EndIncluded || y.EndIncluded))),
            (_, FeelRange y) => y.StartIncluded && Cmp(y.Start, a) == 0,
            _ => null,
        });
        Add(f, "started by", (a, b) => (a, b) switch
        {
            (FeelRange x, FeelRange y) => x.StartIncluded == y.StartIncluded && Cmp(x.Start, y.Start) == 0
                && (Cmp(x.End, y.End) > 0 || (Cmp(x.End, y.End) == 0 && (x.EndIncluded || !y.EndIncluded))),
            (FeelRange x, _) => x.StartIncluded && Cmp(x.Start, b) == 0,
            _ => null,
        });
        Add(f, "coincides", (a, b) => (a, b) switch
        {
            (FeelRange x, FeelRange y) => x.StartIncluded == y.StartIncluded && x.EndIncluded == y.EndIncluded && Cmp(x.Start, y.Start) == 0 && Cmp(x.End, y.End) == 0,
            (FeelRange, _) or (_, FeelRange) => null,
            _ => Cmp(a, b) is int c ? c == 0 : null,
        });
    }

    private static bool Overlaps(FeelRange x, FeelRange y) =>
        (Cmp(x.End, y.Start) > 0 || (Cmp(x.End, y.Start) == 0 && x.EndIncluded && y.StartIncluded))
        && (Cmp(x.Start, y.End) < 0 || (Cmp(x.Start, y.End) == 0 && x.StartIncluded && y.EndIncluded));

    private static bool? Lt(object? a, bool bothIncluded, object? b) => Cmp(a, b) is int c ? c < 0 || (c == 0 && !bothIncluded) : null;

    private static void Add(Dictionary<string, FeelFunction> f, string name, Func<object?, object?, bool?> body)
    {
        string[][] signatures = name is "before" or "after" or "meets" or "met by" or "overlaps" or "overlaps before" or "overlaps after"
            ? [["range1", "range2"], ["point", "range"], ["range", "point"], ["point1", "point2"]]
            : [["range1", "range2"], ["point", "range"], ["range", "point"]];
        f[name] = new DelegateFunction(name, signatures, (ev, args) =>
        {
            if (args.Count != 2 || args[0] is null || args[1] is null) return ev.Null($"{name} needs two values");
            var r = body(args[0], args[1]);
            return r is null ? ev.Null($"{name} cannot compare {FeelSemantics.TypeName(args[0])} and {FeelSemantics.TypeName(args[1])}") : r;
        });
    }

    // Named-argument calls pick the signature by the names given; the argument order stays as the signature says.
}

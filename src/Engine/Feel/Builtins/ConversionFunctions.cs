using System.Globalization;
using System.Text.RegularExpressions;
using EGov.Workflows.Feel.Values;
using NodaTime;
using static EGov.Workflows.Feel.Builtins.BuiltinLibrary;

namespace EGov.Workflows.Feel.Builtins;

/// <summary>date, time, date and time, duration, years and months duration, number, string, not, range (DMN 1.5 §10.3.4.1).</summary>
internal static class ConversionFunctions
{
    public static void Register(Dictionary<string, FeelFunction> f)
    {
        Def(f, "date", [["from"], ["year", "month", "day"]], (ev, a) =>
        {
            if (a.Count == 1)
            {
                return a[0] switch
                {
                    string s => Conversions.ParseDate(s) ?? ev.Null($"\"{s}\" is not a date"),
                    LocalDate d => d,
                    FeelDateTime dt => dt.Local.Date,
                    _ => ev.Null("date() needs a string, date or date and time"),
                };
            }
            if (!a.All(IsInteger)) return ev.Null("date(year, month, day) needs whole numbers");
            return Conversions.MakeDate((long)(decimal)a[0]!, (long)(decimal)a[1]!, (long)(decimal)a[2]!) ?? ev.Null("not a valid date");
        });
        Def(f, "date and time", [["from"], ["date", "time"]], (ev, a) =>
        {
            if (a.Count == 1)
            {
                return a[0] switch
                {
                    string s => Conversions.ParseDateTime(s) ?? ev.Null($"\"{s}\" is not a date and time"),
                    FeelDateTime dt => dt,
                    LocalDate d => new FeelDateTime(d.AtMidnight()),
                    _ => ev.Null("date and time() needs a string"),
                };
            }
            var date = a[0] switch { LocalDate d => (LocalDate?)d, FeelDateTime dt => dt.Local.Date, _ => null };
            if (date is null || a[1] is not FeelTime t) return ev.Null("date and time(date, time) needs a date and a time");
            var local = date.Value.At(t.Time);
            return t.ZoneId is { } z ? new FeelDateTime(local, null, DateTimeZoneProviders.Tzdb[z]) : new FeelDateTime(local, t.Offset);
        });
        Def(f, "time", [["from"], ["hour", "minute", "second"], ["hour", "minute", "second", "offset"]], (ev, a) =>
        {
            if (a.Count == 1)
            {
                return a[0] switch
                {
                    string s => Conversions.ParseTime(s) ?? ev.Null($"\"{s}\" is not a time"),
                    FeelTime t => t,
                    FeelDateTime dt => new FeelTime(dt.Local.TimeOfDay, dt.Zone is null ? dt.Offset : null, dt.Zone?.Id),
                    LocalDate => new FeelTime(LocalTime.Midnight, Offset.Zero),
                    _ => ev.Null("time() needs a string, time or date and time"),
                };
            }
            if (!IsInteger(a[0]) || !IsInteger(a[1]) || a[2] is not decimal sec) return ev.Null("time(hour, minute, second) needs numbers");
            var h = (decimal)a[0]!;
            var m = (decimal)a[1]!;
            if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec >= 60) return ev.Null("not a valid time");
            var time = new LocalTime((int)h, (int)m, (int)decimal.Truncate(sec)).PlusNanoseconds((long)((sec - decimal.Truncate(sec)) * 1_000_000_000m));
            if (a.Count == 4 && a[3] is not null)
            {
                if (a[3] is not Duration off) return ev.Null("the offset must be a days and time duration");
                return new FeelTime(time, Offset.FromSeconds((int)off.TotalSeconds));
            }
            return new FeelTime(time);
        });
        Def(f, "duration", [["from"]], (ev, a) => a[0] is string s
            ? Conversions.ParseDuration(s) ?? ev.Null($"\"{s}\" is not a duration")
            : ev.Null("duration() needs a string"));
        Def(f, "years and months duration", [["from", "to"]], (ev, a) =>
        {
            var from = a[0] switch { LocalDate d => (LocalDateTime?)d.AtMidnight(), FeelDateTime dt => dt.Local, _ => null };
            var to = a[1] switch { LocalDate d => (LocalDateTime?)d.AtMidnight(), FeelDateTime dt => dt.Local, _ => null };
            if (from is null || to is null) return ev.Null("years and months duration needs two dates");
            var p = Period.Between(from.Value, to.Value, PeriodUnits.Years | PeriodUnits.Months);
            return new YearsMonthsDuration(p.Years * 12L + p.Months);
        });
        Def(f, "number", [["from"], ["from", "grouping separator", "decimal separator"]], (ev, a) =>
        {
            if (a[0] is not string s) return ev.Null("number() needs a string");
            var group = a.Count > 1 ? a[1] : null;
            var dec = a.Count > 2 ? a[2] : null;
            if (group is not (null or " " or "," or ".") || dec is not (null or "," or ".") || (group is not null && Equals(group, dec)))
                return ev.Null("number(): grouping separator must be space, comma or period, decimal separator comma or period, and not the same");
            if (group is string g) s = s.Replace(g, "");
            if (dec is string d) s = s.Replace(d, ".");
            return decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var n)
                ? n : ev.Null($"\"{s}\" is not a number");
        });
        Def(f, "string", [["from"]], (ev, a) => a[0] is null ? null : FeelFormat.Format(a[0]));
        Def(f, "not", [["negand"]], (ev, a) => a[0] is bool b ? !b : ev.Null("not() needs a boolean"));
        Def(f, "is defined", [["value"]], (ev, a) => a[0] is not null);
        Def(f, "get or else", [["value", "default"]], (ev, a) => a[0] ?? a[1]);
        Def(f, "range", [["from"]], (ev, a) => a[0] is string s ? ParseRange(s, ev) : ev.Null("range() needs a string"));
    }

    private static readonly Regex RangePattern = new(@"^\s*([\[\]\(])\s*(.*?)\s*\.\.\s*(.*?)\s*([\[\]\)])\s*$", RegexOptions.Compiled | RegexOptions.Singleline, TimeSpan.FromSeconds(1));

    /// <summary>range("[1..10)"): the endpoints are literals (numbers, strings, @-literals, date/time constructors with literal arguments).</summary>
    private static object? ParseRange(string text, FeelEvaluation ev)
    {
        var m = RangePattern.Match(text);
        if (m.Success)
        {
            var startText = m.Groups[2].Value;
            var endText = m.Groups[3].Value;
            var start = Literal(startText, ev, out var okStart);
            var end = Literal(endText, ev, out var okEnd);
            if (!okStart || !okEnd || start is null || end is null) return ev.Null($"\"{text}\" is not an interval of two literals");
            if (start.GetType() != end.GetType() || FeelSemantics.Compare(start, end) is null) return ev.Null("range endpoints of different kinds");
            if (FeelSemantics.Compare(start, end) > 0) return ev.Null("range start after its end");
            return new FeelRange(start, m.Groups[1].Value == "[", end, m.Groups[4].Value == "]");
        }
        return ev.Null($"\"{text}\" is not an interval such as \"[1..10)\"");
    }

    private static object? Literal(string text, FeelEvaluation ev, out bool ok)
    {
        ok = true;
        if (string.IsNullOrWhiteSpace(text)) { ok = false; return null; }
        try
        {
            var compiled = FeelEngine.Default.CompileExpression(text);
            if (!compiled.IsLiteralLike) { ok = false; return null; }
            var v = compiled.Evaluate(new Dictionary<string, object?>(), ev);
            if (v is null || !RangeFunctions.IsOrdered(v)) { ok = false; return null; }
            return v;
        }
        catch (Syntax.FeelSyntaxException)
        {
            ok = false;
            return null;
        }
    }
}

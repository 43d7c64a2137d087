using System.Text.Json.Nodes;
using EGov.Workflows.Feel.Values;
using EGov.Workflows.Time;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Runtime.Decisions;

/// <summary>
/// The Frist functions (<see cref="FristFunctions"/>: <c>frist</c>, <c>bekanntgabe</c>, <c>genehmigungsfiktion</c>,
/// <c>naechsterWerktag</c>, <c>istWerktag</c>) in the two expression languages, counting with the tenant's Land.
/// JavaScript gets and returns days as texts (<c>"2026-01-05"</c>, as variables hold them); FEEL takes dates or texts and
/// returns FEEL dates. A wrong argument is a script error in JavaScript and null with a warning in FEEL.
/// </summary>
internal static class FristExpressionFunctions
{
    public static IReadOnlyDictionary<string, Func<JsonNode?[], JsonNode?>> ForJavaScript(FristFunctions fristen) =>
        FristFunctions.Names.ToDictionary(n => n, n => (Func<JsonNode?[], JsonNode?>)(args =>
            Json(fristen.Call(n, args.Select(JsText).ToArray()))), StringComparer.Ordinal);

    public static FeelFunction? ForFeel(FristFunctions fristen, string name)
    {
        if (!FristFunctions.Names.Contains(name)) return null;
        string[][] signatures = name switch
        {
            "frist" => [["beginn", "dauer"], ["beginn", "dauer", "land"], ["beginn", "dauer", "land", "art"]],
            "genehmigungsfiktion" => [["eingang"], ["eingang", "dauer"], ["eingang", "dauer", "land"]],
            "bekanntgabe" => [["aufgabe"], ["aufgabe", "land"]],
            _ => [["tag"], ["tag", "land"]],
        };
        return new DelegateFunction(name, signatures, (ev, args) =>
        {
            try
            {
                var result = fristen.Call(name, args.Select(FeelText).ToArray());
                return result is LocalDate d ? d : result;
            }
            catch (ArgumentException e) { return ev.Null(e.Message); }
        });
    }

    private static JsonNode? Json(object result) => result switch
    {
        LocalDate d => JsonValue.Create(FristFunctions.Text(d)),
        bool b => JsonValue.Create(b),
        _ => JsonValue.Create(result.ToString()),
    };

    private static string? JsText(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => throw new ArgumentException($"expected a day, a Frist or a Land as text, not {node.ToJsonString()}"),
    };

    private static string? FeelText(object? value) => value switch
    {
        null => null,
        string s => s,
        LocalDate d => LocalDatePattern.Iso.Format(d),
        FeelDateTime dt => LocalDatePattern.Iso.Format(dt.Local.Date), // its wall-clock day where it was written
        YearsMonthsDuration ym => $"P{ym.TotalMonths}M",
        Duration d when d >= Duration.Zero && d.NanosecondOfDay == 0 => $"P{d.Days}D",
        Duration d => $"PT{(long)d.TotalSeconds}S", // refused by the function: the law counts no hours
        _ => value.ToString(),
    };
}

using EGov.Workflows.Feel.Syntax;
using EGov.Workflows.Feel.Values;
using NodaTime;

namespace EGov.Workflows.Feel.Compiling;

/// <summary>
/// The checks behind <c>instance of</c> and typed parameters: FEEL's built-in types and, through
/// <see cref="CustomType"/>, a model's own item definitions.
/// </summary>
public sealed class FeelTypes(Func<string, Func<object?, bool>?>? customType = null)
{
    public Func<string, Func<object?, bool>?>? CustomType { get; } = customType;

    public Func<object?, object?> Checker(TypeRef type)
    {
        var check = Check(type);
        return v => check(v);
    }

    public Func<object?, bool> Check(TypeRef type)
    {
        switch (type.Name)
        {
            case "Any": return v => v is not null;
            case "Null": return v => v is null;
            case "number": return v => v is decimal;
            case "string": return v => v is string;
            case "boolean": return v => v is bool;
            case "date": return v => v is LocalDate;
            case "time": return v => v is FeelTime;
            case "date and time" or "dateTime": return v => v is FeelDateTime;
            case "days and time duration" or "dayTimeDuration": return v => v is Duration;
            case "years and months duration" or "yearMonthDuration": return v => v is YearsMonthsDuration;
            case "list":
            {
                var item = type.Arguments.Count == 1 ? Check(type.Arguments[0]) : null;
                return v => v is IReadOnlyList<object?> l && (item is null || l.All(x => x is null || item(x)));
            }
            case "range":
            {
                var item = type.Arguments.Count == 1 ? Check(type.Arguments[0]) : null;
                return v => v is FeelRange r && (item is null || ((r.Start is null || item(r.Start)) && (r.End is null || item(r.End))));
            }
            case "context":
            {
                var fields = (type.Fields ?? []).Select(f => (f.Key, Check: Check(f.Value))).ToArray();
                return v => v is FeelContext c && fields.All(f => c.TryGet(f.Key, out var x) && (x is null || f.Check(x)));
            }
            case "function":
            {
                var arity = type.Result is null ? -1 : type.Arguments.Count;
                return v => v is FeelFunction f && (arity < 0 || f.Signatures.Any(s => s.Count == arity));
            }
        }
        if (CustomType?.Invoke(type.Name) is { } custom) return custom;
        return _ => false;
    }
}

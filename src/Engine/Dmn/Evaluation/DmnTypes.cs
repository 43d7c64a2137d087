using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Compiling;
using EGov.Workflows.Feel.Syntax;
using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Dmn.Evaluation;

/// <summary>
/// A model's types: FEEL's built-in ones, Camunda 7's names for them (integer, long, double), and the model's item
/// definitions (structures, collections, allowed values). <see cref="Conform"/> applies DMN 1.5's rule for a value
/// given to a typed variable: a value that conforms is kept (a one-item list and its item convert into each other
/// where the type asks), one that does not becomes null, with a warning.
/// </summary>
internal sealed class DmnTypes
{
    private readonly Dictionary<string, ItemDefinition> _items = new(StringComparer.Ordinal);
    private readonly FeelEngine _feel;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CompiledUnaryTests?> _allowed = new(StringComparer.Ordinal);

    public DmnTypes(IEnumerable<ItemDefinition> items, FeelEngine feel)
    {
        _feel = feel;
        foreach (var i in items) _items.TryAdd(i.Name, i);
        // "instance of" asks for the type's shape only; allowed values restrict what a variable may hold.
        Feel = new FeelTypes(name => Find(name) is { } item ? v => ConformsTo(v, item, checkAllowed: false) : null);
    }

    public FeelTypes Feel { get; }

    public void AddImported(string prefix, IEnumerable<ItemDefinition> items)
    {
        foreach (var i in items) _items.TryAdd(prefix + "." + i.Name, i);
    }

    public ItemDefinition? Find(string? name)
    {
        if (name is null) return null;
        if (_items.TryGetValue(name, out var i)) return i;
        // typeRef may carry a namespace prefix of the file ("tns:tLoan"), or the feel: prefix.
        var colon = name.IndexOf(':');
        return colon > 0 && _items.TryGetValue(name[(colon + 1)..], out i) ? i : null;
    }

    /// <summary>The value as the type receives it: itself, converted to/from a one-item list, or null with a warning.</summary>
    public object? Conform(object? value, string? typeRef, FeelEvaluation ev, string what)
    {
        if (value is null || string.IsNullOrWhiteSpace(typeRef)) return value;
        if (Conforms(value, typeRef) != false) return value;
        // Process variables are JSON: a date input receives "2026-12-01" as text.
        if (value is string text && FeelJson.ParseTemporal(text.Trim(), StripPrefix(typeRef.Trim())) is { } temporal) return temporal;
        if (value is IReadOnlyList<object?> { Count: 1 } one && Conforms(one[0], typeRef) != false) return one[0];
        if (value is not IReadOnlyList<object?> && Conforms(new object?[] { value }, typeRef) == true && IsCollectionType(typeRef)) return new object?[] { value };
        ev.Warn($"{what}: {FeelFormat.Format(value)} is not of type {typeRef}");
        return null;
    }

    /// <summary>
    /// <see cref="Conform"/> prepared for one type, for values conformed again and again (a table's outputs): a value that is
    /// plainly of a built-in type (a number for <c>number</c>) passes without a lookup; anything else takes the full rule.
    /// </summary>
    public Func<object?, FeelEvaluation, object?>? Conformer(string? typeRef, string what)
    {
        if (string.IsNullOrWhiteSpace(typeRef)) return null;
        if (Find(typeRef) is null)
        {
            switch (StripPrefix(typeRef.Trim()))
            {
                case "number" or "integer" or "long" or "int" or "double" or "decimal":
                    return (v, ev) => v is null or decimal ? v : Conform(v, typeRef, ev, what);
                case "string":
                    return (v, ev) => v is null or string ? v : Conform(v, typeRef, ev, what);
                case "boolean":
                    return (v, ev) => v is null or bool ? v : Conform(v, typeRef, ev, what);
                case "Any":
                    return null;
            }
        }
        return (v, ev) => Conform(v, typeRef, ev, what);
    }

    private bool IsCollectionType(string typeRef) => Find(typeRef) is { IsCollection: true } || typeRef.StartsWith("list", StringComparison.Ordinal);

    /// <summary>True, false, or null when the type is unknown (then anything goes).</summary>
    public bool? Conforms(object? value, string typeRef)
    {
        if (value is null) return true;
        var name = StripPrefix(typeRef.Trim());
        if (Find(typeRef) is { } item) return ConformsTo(value, item);
        switch (name)
        {
            case "Any": return true;
            case "integer" or "long" or "int" or "double" or "decimal": return value is decimal;
        }
        return BuiltInCheck(name) is { } check ? check(value) : null;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<object?, bool>?> _checks = new(StringComparer.Ordinal);

    /// <summary>The check of a FEEL type named in a typeRef (parsed once per name), or null when it names no type.</summary>
    private Func<object?, bool>? BuiltInCheck(string name) => _checks.GetOrAdd(name, n =>
    {
        try
        {
            var type = ParseType(n);
            return type is null ? null : Feel.Check(type);
        }
        catch (FeelSyntaxException)
        {
            return null;
        }
    });

    private static string StripPrefix(string name) => name.StartsWith("feel:", StringComparison.Ordinal) ? name[5..] : name;

    private static readonly HashSet<string> BuiltIn =
    [
        "number", "string", "boolean", "date", "time", "date and time", "dateTime", "days and time duration", "dayTimeDuration",
        "years and months duration", "yearMonthDuration", "list", "context", "range", "function", "Any", "Null",
    ];

    private static TypeRef? ParseType(string name)
    {
        if (BuiltIn.Contains(name)) return new TypeRef(name, []);
        if (name.Contains('<'))
        {
            // list<number>, context<a: string>, range<date>: parsed by FEEL's own type grammar.
            var compiled = FeelEngine.Default.CompileExpression("null instance of " + name);
            return compiled.Syntax is InstanceOfNode io ? io.Type : null;
        }
        return null;
    }

    private bool ConformsTo(object? value, ItemDefinition item, bool checkAllowed = true)
    {
        if (value is null) return true;
        if (item.IsCollection)
        {
            if (value is not IReadOnlyList<object?> list) return false;
            var single = item with { IsCollection = false };
            return list.All(x => ConformsTo(x, single, checkAllowed));
        }
        if (item.Components.Count > 0)
        {
            // Every component must be there (it may be null); further entries are allowed.
            if (value is not FeelContext c) return false;
            foreach (var comp in item.Components)
                if (!c.TryGet(comp.Name, out var v) || !ConformsTo(v, comp, checkAllowed)) return false;
            return !checkAllowed || AllowedBy(item, value);
        }
        if (item.FunctionOutputTypeRef is not null || item.FunctionParameters is not null) return value is FeelFunction;
        if (item.TypeRef is { } t && (Find(t) is { } baseItem ? !ConformsTo(value, baseItem, checkAllowed) : Conforms(value, t) == false)) return false;
        return !checkAllowed || AllowedBy(item, value);
    }

    private bool AllowedBy(ItemDefinition item, object? value)
    {
        if (string.IsNullOrWhiteSpace(item.AllowedValues)) return true;
        if (!_allowed.TryGetValue(item.Name, out var tests))
        {
            try { tests = _feel.CompileUnaryTests(item.AllowedValues); }
            catch (FeelSyntaxException) { tests = null; }
            _allowed[item.Name] = tests;
        }
        return tests is null || tests.Test(value) == true;
    }
}

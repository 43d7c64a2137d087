using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jint;
using Jint.Native;
using Jint.Native.Function;
using Jint.Native.Object;

namespace EGov.Workflows.Expressions;

/// <summary>
/// Converts between process variables (<see cref="JsonNode"/>) and JavaScript values.
/// Into JS: a deep copy, numbers as doubles. Out of JS: integral numbers as long, other numbers as
/// decimal via the shortest round-trip text of the double (so 19.99 stays 19.99), dates as ISO
/// strings, functions/undefined/symbols as null (or omitted inside objects).
/// Reading JS values never runs user code: accessor properties are skipped and proxies become null.
/// </summary>
internal static class JsBridge
{
    private const int MaxDepth = 128;

    public static JsValue ToJs(Engine engine, JsonNode? node, int depth = 0)
    {
        if (depth > MaxDepth)
            throw new ScriptException($"variable value is nested deeper than {MaxDepth} levels");
        switch (node)
        {
            case null:
                return JsValue.Null;
            case JsonObject obj:
            {
                var result = new JsObject(engine);
                foreach (var (key, value) in obj)
                    result.CreateDataProperty(key, ToJs(engine, value, depth + 1));
                return result;
            }
            case JsonArray arr:
            {
                var items = new JsValue[arr.Count];
                for (var i = 0; i < items.Length; i++)
                    items[i] = ToJs(engine, arr[i], depth + 1);
                return new JsArray(engine, items);
            }
            case JsonValue value:
                return ValueToJs(engine, value, depth);
            default:
                return JsValue.Null;
        }
    }

    private static JsValue ValueToJs(Engine engine, JsonValue value, int depth)
    {
        if (value.TryGetValue(out JsonElement element) && element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            return ElementToJs(element);
        switch (value.GetValueKind())
        {
            case JsonValueKind.True: return JsBoolean.True;
            case JsonValueKind.False: return JsBoolean.False;
            case JsonValueKind.Null or JsonValueKind.Undefined: return JsValue.Null;
            case JsonValueKind.String:
                return value.TryGetValue(out string? s) && s is not null
                    ? JsString.Create(s)
                    : JsString.Create(JsonSerializer.Deserialize<string>(value.ToJsonString()) ?? "");
            case JsonValueKind.Number:
                return JsNumber.Create(NumberToDouble(value));
            default:
                // An object or array hidden inside a JsonValue (a CLR object or JsonElement): go through its JSON text.
                return ToJs(engine, JsonNode.Parse(value.ToJsonString()), depth + 1);
        }
    }

    private static JsValue ElementToJs(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True => JsBoolean.True,
        JsonValueKind.False => JsBoolean.False,
        JsonValueKind.String => JsString.Create(element.GetString()!),
        JsonValueKind.Number => JsNumber.Create(element.GetDouble()),
        JsonValueKind.Null or JsonValueKind.Undefined => JsValue.Null,
        _ => JsValue.Null,
    };

    internal static double NumberToDouble(JsonValue value)
    {
        if (value.TryGetValue(out double d)) return d;
        if (value.TryGetValue(out decimal m)) return (double)m;
        if (value.TryGetValue(out long l)) return l;
        if (value.TryGetValue(out int i)) return i;
        if (value.TryGetValue(out float f)) return f;
        if (value.TryGetValue(out short sh)) return sh;
        if (value.TryGetValue(out byte b)) return b;
        if (value.TryGetValue(out ulong ul)) return ul;
        if (value.TryGetValue(out uint ui)) return ui;
        return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Converts a JS value back into a variable value. Reads only data properties; never runs user code.</summary>
    public static JsonNode? FromJs(JsValue value)
    {
        var visiting = new HashSet<ObjectInstance>(ReferenceEqualityComparer.Instance);
        return FromJs(value, visiting, 0);
    }

    private static JsonNode? FromJs(JsValue value, HashSet<ObjectInstance> visiting, int depth)
    {
        if (depth > MaxDepth)
            throw new ScriptException($"value is nested deeper than {MaxDepth} levels");
        switch (value.Type)
        {
            case Jint.Runtime.Types.Undefined:
            case Jint.Runtime.Types.Null:
            case Jint.Runtime.Types.Symbol:
                return null;
            case Jint.Runtime.Types.Boolean:
                return JsonValue.Create(value.AsBoolean());
            case Jint.Runtime.Types.String:
                return JsonValue.Create(value.AsString());
            case Jint.Runtime.Types.Number:
                return FromDouble(value.AsNumber());
            case Jint.Runtime.Types.BigInt:
                return FromBigInt(value.ToString());
        }

        if (value is not ObjectInstance obj)
            return null;
        if (obj is Function || obj.GetType().Name == "JsProxy")
            return null;
        if (obj is JsDate date)
            return double.IsNaN(date.DateValue) ? null : JsonValue.Create(FormatDate(date.DateValue));
        if (!visiting.Add(obj))
            throw new ScriptException("value contains a circular reference and cannot be stored as a variable");
        try
        {
            if (obj is JsArray array)
            {
                var result = new JsonArray();
                var length = array.Length;
                for (uint i = 0; i < length; i++)
                {
                    var descriptor = array.GetOwnProperty(i);
                    var item = descriptor.IsDataDescriptor() ? descriptor.Value : JsValue.Undefined;
                    result.Add(FromJs(item, visiting, depth + 1));
                }
                return result;
            }
            var json = new JsonObject();
            foreach (var key in obj.GetOwnPropertyKeys(Jint.Runtime.Types.String))
            {
                var descriptor = obj.GetOwnProperty(key);
                if (!descriptor.Enumerable || !descriptor.IsDataDescriptor())
                    continue;
                var item = descriptor.Value;
                if (item.IsUndefined() || item.Type == Jint.Runtime.Types.Symbol || item is Function)
                    continue;
                json[key.ToString()] = FromJs(item, visiting, depth + 1);
            }
            return json;
        }
        finally
        {
            visiting.Remove(obj);
        }
    }

    /// <summary>Integral doubles become long when they fit; others decimal via the shortest round-trip text; NaN/Infinity null.</summary>
    internal static JsonNode? FromDouble(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
            return null;
        if (d == Math.Floor(d) && d >= -9.2233720368547758E18 && d < 9.2233720368547758E18)
            return JsonValue.Create((long)d);
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && (double)m == d)
            return JsonValue.Create(m);
        return JsonValue.Create(d);
    }

    private static JsonNode FromBigInt(string digits)
    {
        if (long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            return JsonValue.Create(l);
        if (decimal.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var m))
            return JsonValue.Create(m);
        return JsonValue.Create(double.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }

    internal static string FormatDate(double epochMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)epochMilliseconds).UtcDateTime
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

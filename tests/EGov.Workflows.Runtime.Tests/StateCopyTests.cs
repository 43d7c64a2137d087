using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Tests;

public class StateCopyTests
{
    [Fact]
    public void Copy_OfAnInstanceWithEveryPropertySet_SerializesExactlyLikeTheOriginal()
    {
        var original = Filled<ProcessInstanceState>();
        var json = RuntimeJson.Serialize(original);
        json.ShouldNotContain("null"); // the filler reached every property, so a forgotten one shows below
        RuntimeJson.Serialize(StateCopy.Copy(original)).ShouldBe(json);
    }

    [Fact]
    public void CopyToKeep_OfAnInstanceWithEveryPropertySet_SerializesExactlyLikeTheOriginal()
    {
        var original = Filled<ProcessInstanceState>();
        RuntimeJson.Serialize(StateCopy.CopyToKeep(original)).ShouldBe(RuntimeJson.Serialize(original));
    }

    [Fact]
    public void Copy_OfAStartTimerWithEveryPropertySet_SerializesExactlyLikeTheOriginal()
    {
        var original = Filled<StartTimerState>();
        RuntimeJson.Serialize(StateCopy.Copy(original)).ShouldBe(RuntimeJson.Serialize(original));
    }

    [Fact]
    public void Copy_SharesNothingChangeable_ChangingTheCopyLeavesTheOriginal()
    {
        var original = Filled<ProcessInstanceState>();
        var json = RuntimeJson.Serialize(original);
        var copy = StateCopy.Copy(original);
        copy.Scopes[0].Variables["k"] = "changed";
        copy.Scopes[0].MultiInstance!.Items!.Add(2);
        copy.Tokens[0].Locals!["k"] = "changed";
        copy.Tokens[0].ElementId = "changed";
        copy.UserTasks[0].CandidateGroups.Add("changed");
        copy.Compensations[0].Locals!["k"] = "changed";
        copy.CalledInstanceIds.Add("changed");
        copy.Jobs.Clear();
        RuntimeJson.Serialize(original).ShouldBe(json);
    }

    /// <summary>An object whose every public settable property holds a non-default value (lists hold one such element).</summary>
    private static T Filled<T>() => (T)Fill(typeof(T), 0)!;

    private static object? Fill(Type type, int depth)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string)) return "s" + depth;
        if (underlying == typeof(int)) return 7;
        if (underlying == typeof(long)) return 11L;
        if (underlying == typeof(bool)) return true;
        if (underlying == typeof(Instant)) return Instant.FromUtc(2026, 3, 4, 5, 6);
        if (underlying.IsEnum) return Enum.GetValues(underlying).GetValue(Enum.GetValues(underlying).Length - 1);
        if (underlying == typeof(JsonObject)) return new JsonObject { ["k"] = "v", ["n"] = new JsonObject { ["deep"] = 1 } };
        if (underlying == typeof(JsonArray)) return new JsonArray(1, "a");
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(underlying)!;
            list.Add(Fill(underlying.GetGenericArguments()[0], depth + 1));
            return list;
        }
        var obj = Activator.CreateInstance(underlying)!;
        foreach (var p in underlying.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            p.SetValue(obj, Fill(p.PropertyType, depth + 1));
        return obj;
    }
}

using System.Reflection;
using System.Text;

namespace EGov.Workflows.Sdk;

/// <summary>One registered activity: its names for binding and how to create it.</summary>
public sealed record ActivityRegistration(string Name, string? Topic, string? CamundaClass, Type Type, Func<WorkflowActivity> Create);

/// <summary>
/// The activities known to an engine. Register with one call: <c>registry.Add&lt;FeeCalculation&gt;()</c>
/// (or <c>services.AddEgovActivity&lt;FeeCalculation&gt;()</c>).
/// </summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, ActivityRegistration> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivityRegistration> _byTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivityRegistration> _byClass = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ActivityRegistration> All => _byName.Values;

    /// <summary>Registers <typeparamref name="T"/> under the name of its <see cref="ActivityAttribute"/> (or its kebab-cased class name).</summary>
    public ActivityRegistry Add<T>() where T : WorkflowActivity, new() => Add(typeof(T), () => new T());

    /// <summary>Registers an activity created by a factory (for activities with constructor dependencies).</summary>
    public ActivityRegistry Add(Type type, Func<WorkflowActivity> create)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(create);
        var attr = type.GetCustomAttribute<ActivityAttribute>();
        var name = attr?.Name ?? DefaultName(type);
        if (_byName.ContainsKey(name)) throw new InvalidOperationException($"an activity named '{name}' is already registered");
        var reg = new ActivityRegistration(name, attr?.Topic, attr?.CamundaClass, type, create);
        _byName[name] = reg;
        if (reg.Topic is { } t) _byTopic[t] = reg;
        if (reg.CamundaClass is { } c) _byClass[c] = reg;
        return this;
    }

    public ActivityRegistration? FindByName(string? name) => name is not null && _byName.TryGetValue(name, out var r) ? r : null;
    public ActivityRegistration? FindByTopic(string? topic) => topic is not null && _byTopic.TryGetValue(topic, out var r) ? r : null;
    public ActivityRegistration? FindByCamundaClass(string? cls) => cls is not null && _byClass.TryGetValue(cls, out var r) ? r : null;

    /// <summary>FeeCalculationActivity → fee-calculation.</summary>
    public static string DefaultName(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var n = type.Name;
        if (n.EndsWith("Activity", StringComparison.Ordinal) && n.Length > 8) n = n[..^8];
        var sb = new StringBuilder();
        for (var i = 0; i < n.Length; i++)
        {
            if (char.IsUpper(n[i]) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(n[i]));
        }
        return sb.ToString();
    }
}

using System.Reflection;
using System.Text;

namespace EGov.Workflows.Sdk;

/// <summary>Where a registered activity comes from: the pack's name, its version and the file it was loaded from.</summary>
/// <param name="Name">The pack's name (<see cref="ActivityPackAttribute"/>, else its assembly name); its options are the configuration section <c>Packs:Name</c>.</param>
/// <param name="Version">The pack assembly's informational version (else its assembly version).</param>
/// <param name="File">The pack assembly's full path (null for activities registered in code).</param>
public sealed record ActivityPackInfo(string Name, string Version, string? File)
{
    /// <summary>"Name 1.2.0 (file)" — how messages name a pack.</summary>
    public override string ToString() => File is null ? $"{Name} {Version}" : $"{Name} {Version} ({File})";
}

/// <summary>One registered activity: its names for binding, how to create it, and the pack it came from (null: registered in code).</summary>
public sealed record ActivityRegistration(string Name, string? Topic, string? CamundaClass, Type Type, Func<WorkflowActivity> Create)
{
    public ActivityPackInfo? Pack { get; init; }
}

/// <summary>One registered callback of a pack (<see cref="ActivityCallback"/>), served at <c>/api/callbacks/{tenant}/{pack}/{name}</c>.</summary>
public sealed record CallbackRegistration(string Name, Type Type, Func<ActivityCallback> Create)
{
    public ActivityPackInfo? Pack { get; init; }
}

/// <summary>
/// The activities known to an engine. Register with one call: <c>registry.Add&lt;FeeCalculation&gt;()</c>
/// (or <c>services.AddEgovActivity&lt;FeeCalculation&gt;()</c> and <see cref="AddFrom"/>). A name, topic or Camunda
/// class registered twice is refused with a message naming both registrations (their packs).
/// </summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, ActivityRegistration> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivityRegistration> _byTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivityRegistration> _byClass = new(StringComparer.Ordinal);

    private readonly Dictionary<(string Pack, string Name), CallbackRegistration> _callbacks = [];

    public IReadOnlyCollection<ActivityRegistration> All => _byName.Values;

    /// <summary>The packs' callbacks (<see cref="ActivityCallback"/>).</summary>
    public IReadOnlyCollection<CallbackRegistration> Callbacks => _callbacks.Values;

    /// <summary>Registers a callback of a pack; the same pack and name twice is refused.</summary>
    public ActivityRegistry AddCallback(CallbackRegistration callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var key = (callback.Pack?.Name.ToLowerInvariant() ?? "", callback.Name);
        if (_callbacks.ContainsKey(key)) throw new InvalidOperationException($"the callback '{callback.Name}' of pack '{callback.Pack?.Name}' is registered twice");
        _callbacks[key] = callback;
        return this;
    }

    /// <summary>The callback <paramref name="name"/> of the pack named <paramref name="pack"/> (case-insensitive); null when none.</summary>
    public CallbackRegistration? FindCallback(string? pack, string? name) =>
        pack is not null && name is not null && _callbacks.TryGetValue((pack.ToLowerInvariant(), name), out var c) ? c : null;

    /// <summary>The registered names, sorted (for messages listing what is known).</summary>
    public IReadOnlyList<string> Names => _byName.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Registers <typeparamref name="T"/> under the name of its <see cref="ActivityAttribute"/> (or its kebab-cased class name).</summary>
    public ActivityRegistry Add<T>() where T : WorkflowActivity, new() => Add(typeof(T), () => new T());

    /// <summary>Registers an activity created by a factory (for activities with constructor dependencies), optionally of a pack.</summary>
    public ActivityRegistry Add(Type type, Func<WorkflowActivity> create, ActivityPackInfo? pack = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(create);
        if (!typeof(WorkflowActivity).IsAssignableFrom(type))
            throw new ArgumentException($"{type.FullName} does not derive from WorkflowActivity", nameof(type));
        var attr = type.GetCustomAttribute<ActivityAttribute>();
        var reg = new ActivityRegistration(attr?.Name ?? DefaultName(type), attr?.Topic, attr?.CamundaClass, type, create) { Pack = pack };
        if (_byName.TryGetValue(reg.Name, out var taken)) throw Duplicate("an activity named", reg.Name, taken, reg);
        if (reg.Topic is { } t && _byTopic.TryGetValue(t, out taken)) throw Duplicate("the topic", t, taken, reg);
        if (reg.CamundaClass is { } c && _byClass.TryGetValue(c, out taken)) throw Duplicate("the Camunda class", c, taken, reg);
        _byName[reg.Name] = reg;
        if (reg.Topic is { } topic) _byTopic[topic] = reg;
        if (reg.CamundaClass is { } cls) _byClass[cls] = reg;
        return this;
    }

    /// <summary>
    /// Registers every activity added with <see cref="ServiceCollectionExtensions.AddEgovActivity{T}"/> to the container
    /// <paramref name="services"/> was built from; each execution resolves a new instance from it (constructor injection).
    /// </summary>
    public ActivityRegistry AddFrom(IServiceProvider services, ActivityPackInfo? pack = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.GetService(typeof(IEnumerable<EgovActivityType>)) is IEnumerable<EgovActivityType> types)
            foreach (var t in types)
            {
                var type = t.Type;
                Add(type, () => (WorkflowActivity)(services.GetService(type) ?? throw new InvalidOperationException($"{type.FullName} is not registered in the container")), pack);
            }
        if (services.GetService(typeof(IEnumerable<EgovCallbackType>)) is IEnumerable<EgovCallbackType> callbacks)
            foreach (var c in callbacks)
            {
                var type = c.Type;
                AddCallback(new CallbackRegistration(c.Name, type,
                    () => (ActivityCallback)(services.GetService(type) ?? throw new InvalidOperationException($"{type.FullName} is not registered in the container"))) { Pack = pack });
            }
        return this;
    }

    private static InvalidOperationException Duplicate(string what, string key, ActivityRegistration taken, ActivityRegistration reg) =>
        new($"{what} '{key}' is registered twice: by {Origin(taken)} and by {Origin(reg)}");

    private static string Origin(ActivityRegistration r) => r.Pack is { } p ? $"pack {p} ({r.Type.FullName})" : r.Type.FullName ?? r.Type.Name;

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

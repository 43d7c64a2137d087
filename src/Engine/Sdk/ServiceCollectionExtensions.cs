using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EGov.Workflows.Sdk;

/// <summary>An activity class added with <see cref="ServiceCollectionExtensions.AddEgovActivity{T}"/>; read by <see cref="ActivityRegistry.AddFrom"/>.</summary>
public sealed record EgovActivityType(Type Type);

/// <summary>A callback added with <see cref="ServiceCollectionExtensions.AddEgovCallback{T}"/> under its name; read by <see cref="ActivityRegistry.AddFrom"/>.</summary>
public sealed record EgovCallbackType(string Name, Type Type);

/// <summary>Registration through Microsoft.Extensions.DependencyInjection: one call per activity.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds <typeparamref name="T"/> as an activity: a transient service (its constructor may ask for <c>ILogger&lt;T&gt;</c>,
    /// <c>IHttpClientFactory</c>, <c>IOptions&lt;T&gt;</c> or anything else registered) that the engine's registry reads
    /// (<see cref="ActivityRegistry.AddFrom"/>; a pack's <see cref="IActivityPack.ConfigureServices"/> is read the same way).
    /// </summary>
    public static IServiceCollection AddEgovActivity<T>(this IServiceCollection services) where T : WorkflowActivity =>
        services.AddEgovActivity(typeof(T));

    /// <summary>The same as <see cref="AddEgovActivity{T}"/> for a type found at run time.</summary>
    public static IServiceCollection AddEgovActivity(this IServiceCollection services, Type type)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(type);
        if (!typeof(WorkflowActivity).IsAssignableFrom(type) || type.IsAbstract)
            throw new ArgumentException($"{type.FullName} is not a concrete class deriving from WorkflowActivity", nameof(type));
        if (services.Any(d => d.ServiceType == typeof(EgovActivityType) && d.ImplementationInstance is EgovActivityType t && t.Type == type)) return services;
        services.TryAddTransient(type);
        services.AddSingleton(new EgovActivityType(type));
        return services;
    }

    /// <summary>
    /// Adds <typeparamref name="T"/> as the pack's callback <paramref name="name"/> (lower-case letters, digits and '-'):
    /// the host serves it at <c>POST /api/callbacks/{tenant}/{pack}/{name}</c>, a new instance per request.
    /// </summary>
    public static IServiceCollection AddEgovCallback<T>(this IServiceCollection services, string name) where T : ActivityCallback
    {
        ArgumentNullException.ThrowIfNull(services);
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            throw new ArgumentException($"callback name '{name}' must be 1–64 lower-case letters, digits or '-'", nameof(name));
        if (services.Any(d => d.ImplementationInstance is EgovCallbackType t && t.Name == name)) return services;
        services.TryAddTransient<T>();
        services.AddSingleton(new EgovCallbackType(name, typeof(T)));
        return services;
    }
}

/// <summary>
/// A pack's optional entry point (a public class with a parameterless constructor): registers the pack's activities
/// with <see cref="ServiceCollectionExtensions.AddEgovActivity{T}"/> and whatever they need (typed HTTP clients, named
/// options …). The host has already added logging, <c>IHttpClientFactory</c> and options bound from the configuration
/// section <c>Packs:&lt;PackName&gt;</c>. Without one, every public <see cref="ActivityAttribute"/> class of the pack is registered.
/// </summary>
public interface IActivityPack
{
    void ConfigureServices(IServiceCollection services);
}

/// <summary>Names a pack (<c>[assembly: ActivityPack("Melderegister")]</c>): the banner, the history and the configuration section <c>Packs:Name</c> use it. Default: the assembly name.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class ActivityPackAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Sdk;

/// <summary>Registration through Microsoft.Extensions.DependencyInjection: one call per activity.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Adds <typeparamref name="T"/> to the container's single <see cref="ActivityRegistry"/> (created on first use).</summary>
    public static IServiceCollection AddEgovActivity<T>(this IServiceCollection services) where T : WorkflowActivity, new()
    {
        ArgumentNullException.ThrowIfNull(services);
        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(ActivityRegistry))?.ImplementationInstance as ActivityRegistry;
        if (registry is null)
        {
            registry = new ActivityRegistry();
            services.AddSingleton(registry);
        }
        registry.Add<T>();
        return services;
    }
}

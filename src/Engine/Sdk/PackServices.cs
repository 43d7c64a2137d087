using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Sdk;

/// <summary>
/// What a pack that talks to an outside system needs from its host: activities created by the container (so they can
/// take options, HTTP clients, a logger), and settings per tenant (Mandant) through Microsoft.Extensions.Options.
/// A pack offers one extension method (e.g. <c>services.AddEgovNotifications(configuration)</c>) built from these.
/// </summary>
public static class PackServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="T"/> as an activity the container creates per execution (constructor injection).
    /// The host copies these into its <see cref="ActivityRegistry"/> with <see cref="PackRegistryExtensions.AddFromServices"/>.
    /// </summary>
    public static IServiceCollection AddEgovServiceActivity<T>(this IServiceCollection services) where T : WorkflowActivity
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddTransient<T>();
        services.AddSingleton(new ServiceActivity(typeof(T)));
        return services;
    }

    /// <summary>
    /// Binds <typeparamref name="TOptions"/> per tenant: the named options of a tenant id are the section
    /// <c>Packs:{section}</c> (every tenant), overlaid by <c>Tenants:{tenant}:{section}</c> (that tenant). Read them with
    /// <c>IOptionsMonitor&lt;TOptions&gt;.Get(context.TenantId)</c>. Endpoints and credentials live here, never in a model.
    /// </summary>
    public static IServiceCollection AddEgovTenantOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        services.AddOptions();
        services.AddSingleton<IConfigureOptions<TOptions>>(new TenantConfigureOptions<TOptions>(configuration, section));
        services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(Options.DefaultName, configuration));
        return services;
    }

    /// <summary>The configuration keys a tenant's setting is read from, for messages that name a missing setting.</summary>
    public static string SettingKeys(string section, string tenantId, string setting) =>
        $"Packs:{section}:{setting} (or, for tenant '{tenantId}' only, Tenants:{tenantId}:{section}:{setting})";

    private sealed class TenantConfigureOptions<TOptions>(IConfiguration configuration, string section) : IConfigureNamedOptions<TOptions>
        where TOptions : class
    {
        public void Configure(TOptions options) => Configure(Options.DefaultName, options);

        public void Configure(string? name, TOptions options)
        {
            configuration.GetSection($"Packs:{section}").Bind(options);
            if (!string.IsNullOrEmpty(name)) configuration.GetSection($"Tenants:{name}:{section}").Bind(options);
        }
    }
}

/// <summary>An activity type the container creates (registered by <see cref="PackServiceCollectionExtensions.AddEgovServiceActivity{T}"/>).</summary>
public sealed record ServiceActivity(Type Type);

/// <summary>Copies the container's activities into an engine's registry.</summary>
public static class PackRegistryExtensions
{
    /// <summary>Adds every <see cref="ServiceActivity"/> of <paramref name="services"/>, each created from the container per execution.</summary>
    public static ActivityRegistry AddFromServices(this ActivityRegistry registry, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(services);
        foreach (var a in services.GetServices<ServiceActivity>())
            registry.Add(a.Type, () => (WorkflowActivity)services.GetRequiredService(a.Type));
        return registry;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Sdk;

/// <summary>
/// Settings per tenant (Mandant) for a pack that talks to an outside system, through Microsoft.Extensions.Options: a
/// built-in pack offers one extension method (e.g. <c>services.AddEgovNotifications(configuration)</c>) that adds its
/// activities (<see cref="ServiceCollectionExtensions.AddEgovActivity{T}"/>) and binds its options with this.
/// </summary>
public static class PackServiceCollectionExtensions
{
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

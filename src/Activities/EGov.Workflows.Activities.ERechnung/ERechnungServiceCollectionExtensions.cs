using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Activities.ERechnung;

/// <summary>Registers the pack with one call.</summary>
public static class ERechnungServiceCollectionExtensions
{
    /// <summary>Adds <c>zahlungsanordnung-export</c> and its per-tenant settings (<c>Packs:ERechnung</c>, <c>Tenants:{id}:ERechnung</c>).</summary>
    public static IServiceCollection AddEgovERechnung(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEgovTenantOptions<ERechnungOptions>(configuration, ERechnungOptions.Section);
        return services.AddEgovActivity<ZahlungsanordnungExport>();
    }
}

using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Activities.Dokumente;

/// <summary>Registers the pack with one call.</summary>
public static class DokumenteServiceCollectionExtensions
{
    /// <summary>Adds <c>dokument-pdf</c> and its per-tenant settings (<c>Packs:Dokumente</c>, <c>Tenants:{id}:Dokumente</c>).</summary>
    public static IServiceCollection AddEgovDokumente(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEgovTenantOptions<DokumenteOptions>(configuration, DokumenteOptions.Section);
        return services.AddEgovActivity<DokumentPdfActivity>();
    }
}

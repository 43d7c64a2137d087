using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EGov.Workflows.Activities.Xdomea;

/// <summary>Registers the pack with one call.</summary>
public static class XdomeaServiceCollectionExtensions
{
    /// <summary>Adds <c>eakte-file</c>, <c>eakte-aussondern</c>, the archive's callback (<see cref="ArchivCallback"/>) and their per-tenant settings (<c>Packs:Xdomea</c>, <c>Tenants:{id}:Xdomea</c>).</summary>
    public static IServiceCollection AddEgovXdomea(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEgovTenantOptions<XdomeaOptions>(configuration, XdomeaOptions.Section);
        services.AddHttpClient(DmsTransport.ClientName);
        services.TryAddSingleton<IDmsTransport, DmsTransport>();
        services.TryAdd(ServiceDescriptor.Singleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)));
        services.AddEgovActivity<EakteAussondern>();
        services.AddEgovCallback<ArchivCallback>(ArchivCallback.Name);
        return services.AddEgovActivity<EakteFile>();
    }
}

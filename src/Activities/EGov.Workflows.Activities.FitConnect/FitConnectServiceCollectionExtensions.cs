using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EGov.Workflows.Activities.FitConnect;

/// <summary>Registers the pack with one call.</summary>
public static class FitConnectServiceCollectionExtensions
{
    /// <summary>Adds <c>fitconnect-send</c> and its per-tenant settings (<c>Packs:FitConnect</c>, <c>Tenants:{id}:FitConnect</c>).</summary>
    public static IServiceCollection AddEgovFitConnect(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEgovTenantOptions<FitConnectOptions>(configuration, FitConnectOptions.Section);
        services.AddHttpClient(SubmissionApi.ClientName);
        services.TryAddSingleton<SubmissionApi>();
        services.TryAddSingleton<FitConnectSubscriber>();
        services.TryAdd(ServiceDescriptor.Singleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)));
        return services.AddEgovActivity<FitConnectSend>();
    }
}

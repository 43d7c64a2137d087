using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace EGov.Workflows.Activities.Melderegister;

/// <summary>Registers the pack with one call.</summary>
public static class MelderegisterServiceCollectionExtensions
{
    /// <summary>
    /// Adds <c>melderegister-auskunft</c>, its HTTP client (retries with exponential back-off, a time limit per attempt) and
    /// the per-tenant settings (<c>Packs:Melderegister</c>, <c>Tenants:{id}:Melderegister</c>).
    /// </summary>
    public static IServiceCollection AddEgovMelderegister(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEgovTenantOptions<MelderegisterOptions>(configuration, MelderegisterOptions.Section);
        services.TryAdd(ServiceDescriptor.Singleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)));
        services.AddHttpClient(MelderegisterAuskunftActivity.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("melderegister", (builder, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptionsMonitor<MelderegisterOptions>>().CurrentValue;
                if (o.Retries > 0)
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = o.Retries, BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                        Delay = TimeSpan.FromMilliseconds(Math.Max(1, o.RetryDelayMilliseconds)),
                    });
                builder.AddTimeout(TimeSpan.FromSeconds(Math.Clamp(o.TimeoutSeconds, 1, 60)));
            });
        return services.AddEgovActivity<MelderegisterAuskunftActivity>();
    }
}

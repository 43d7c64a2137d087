using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace EGov.Workflows.Activities.Payment;

/// <summary>Registers the pack with one call.</summary>
public static class PaymentServiceCollectionExtensions
{
    /// <summary>
    /// Adds <c>payment-request</c>, the notification callback <c>payment/notify</c>, the provider's HTTP client (retries with
    /// exponential back-off and a time limit per attempt) and the per-tenant settings (<c>Packs:Payment</c>, <c>Tenants:{id}:Payment</c>).
    /// </summary>
    public static IServiceCollection AddEgovPayment(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEgovTenantOptions<PaymentOptions>(configuration, PaymentOptions.Section);
        services.TryAdd(ServiceDescriptor.Singleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)));
        services.AddHttpClient(XBezahldiensteProvider.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("payment", (builder, context) =>
            {
                // One pipeline for every tenant, from the shared settings (Packs:Payment): retries, back-off, time per attempt.
                var o = context.ServiceProvider.GetRequiredService<IOptionsMonitor<PaymentOptions>>().CurrentValue;
                if (o.Retries > 0)
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = o.Retries, BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                        Delay = TimeSpan.FromMilliseconds(Math.Max(1, o.RetryDelayMilliseconds)),
                    });
                builder.AddTimeout(TimeSpan.FromSeconds(Math.Clamp(o.TimeoutSeconds, 1, 60)));
            });
        services.TryAddSingleton<XBezahldiensteProvider>();
        services.TryAddSingleton<OfflinePaymentProvider>();
        services.AddEgovCallback<PaymentNotificationCallback>(PaymentNotificationCallback.Name);
        services.AddEgovActivity<PaymentRefundActivity>();
        return services.AddEgovActivity<PaymentRequestActivity>();
    }
}

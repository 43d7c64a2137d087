using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EGov.Workflows.Activities.Notifications;

/// <summary>Registers the pack with one call.</summary>
public static class NotificationsServiceCollectionExtensions
{
    /// <summary>Adds <c>notify-email</c> and its per-tenant settings (<c>Packs:Notifications</c>, <c>Tenants:{id}:Notifications</c>).</summary>
    public static IServiceCollection AddEgovNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddEgovTenantOptions<NotificationOptions>(configuration, NotificationOptions.Section);
        services.TryAddSingleton<IMailTransport, MailKitTransport>();
        services.TryAdd(ServiceDescriptor.Singleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)));
        return services.AddEgovActivity<NotifyEmail>();
    }
}

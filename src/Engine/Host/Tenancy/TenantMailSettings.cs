using EGov.Workflows.Activities.Notifications;
using Microsoft.Extensions.Configuration;

namespace EGov.Workflows.Host.Tenancy;

/// <summary>
/// The notification pack's settings as the host's own e-mails (assignment notices, citizen mails) read them: the
/// installation's <c>Packs:Notifications</c> with the tenant's <c>Tenants:&lt;id&gt;:Notifications</c> on top — the same
/// sender and mail server a model's notification task uses, so a municipality configures mail once.
/// </summary>
public static class TenantMailSettings
{
    public static NotificationOptions For(IConfiguration configuration, string tenantId)
    {
        var options = new NotificationOptions();
        configuration.GetSection($"Packs:{NotificationOptions.Section}").Bind(options);
        configuration.GetSection($"Tenants:{tenantId}:{NotificationOptions.Section}").Bind(options);
        return options;
    }

    /// <summary>The first setting that mail cannot go out without, by its configuration key, or null when none is missing.</summary>
    public static string? Missing(NotificationOptions o) =>
        string.IsNullOrWhiteSpace(o.From) ? "Packs:Notifications:From"
        : o.Delivery == MailDeliveryKind.Smtp && string.IsNullOrWhiteSpace(o.Smtp.Host) ? "Packs:Notifications:Smtp:Host"
        : o.Delivery == MailDeliveryKind.Directory && string.IsNullOrWhiteSpace(o.Directory) ? "Packs:Notifications:Directory"
        : null;
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EGov.Workflows.Activities.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace EGov.Workflows.Host.Citizens;

/// <summary>
/// The confirmation e-mail of an online application (German, simple language): the service, the Aktenzeichen, the date,
/// and where to follow the case. Sent through the Notifications pack's transport with the tenant's
/// <c>Packs:Notifications</c> settings (SMTP or a directory of .eml files); without those settings nothing is sent. It is
/// sent after the start has been committed, once; a mail server that refuses or is down is logged (never the address or
/// the text) and not retried — the confirmation page shows the same Aktenzeichen.
/// </summary>
public sealed class CitizenConfirmationMail(IConfiguration configuration, IMailTransport transport, string? publicUrl, ILogger<CitizenConfirmationMail> log)
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Berlin", out var tz) ? tz : TimeZoneInfo.Utc;

    /// <summary>Whether the tenant's settings allow sending at all.</summary>
    public bool Configured(string tenantId) => Missing(Options(tenantId)) is null;

    /// <summary>Sends the confirmation; true when the transport took it.</summary>
    public async Task<bool> SendAsync(string tenantId, string to, string name, string service, string aktenzeichen, string instanceId, DateTimeOffset at, CancellationToken cancel = default)
    {
        var options = Options(tenantId);
        if (Missing(options) is { } setting)
        {
            if (log.IsEnabled(LogLevel.Information))
                log.LogInformation("confirmation e-mail of an online application not sent: the setting {Setting} is missing (tenant '{Tenant}')", setting, tenantId);
            return false;
        }
        if (!MailboxAddress.TryParse(to, out var address))
        {
            log.LogWarning("confirmation e-mail of an online application not sent: the address is not valid (tenant '{Tenant}')", tenantId);
            return false;
        }
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(options.FromName ?? "", options.From!));
        message.To.Add(new MailboxAddress(name, address.Address));
        message.Subject = $"Ihr Antrag ist eingegangen – Aktenzeichen {aktenzeichen}";
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Guten Tag {name},").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Ihr Antrag „{service}“ ist bei uns eingegangen.").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Aktenzeichen: {aktenzeichen}")
            .AppendLine(CultureInfo.InvariantCulture, $"Eingegangen am: {TimeZoneInfo.ConvertTime(at, Berlin).ToString("dd.MM.yyyy 'um' HH:mm 'Uhr'", CultureInfo.InvariantCulture)}")
            .AppendLine()
            .AppendLine("Bitte geben Sie das Aktenzeichen an, wenn Sie uns schreiben oder anrufen.");
        if (publicUrl is { Length: > 0 } url)
            text.AppendLine().AppendLine("Wie weit Ihr Antrag ist, sehen Sie hier (Anmeldung mit der BundID):")
                .AppendLine(CultureInfo.InvariantCulture, $"{url.TrimEnd('/')}/buerger/vorgaenge");
        text.AppendLine().AppendLine("Diese Nachricht wurde automatisch erstellt.");
        message.Body = new TextPart("plain") { Text = text.ToString() };
        var domain = options.From!.Split('@') is { Length: 2 } parts ? parts[1] : "egov.invalid";
        message.MessageId = $"egov.antrag.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenantId + "\n" + instanceId)))[..32]}@{domain}";
        try
        {
            switch (await transport.SendAsync(message, options, tenantId, cancel).ConfigureAwait(false))
            {
                case MailOutcome.Sent: return true;
                case MailOutcome.Rejected r: log.LogWarning("confirmation e-mail of instance {Instance} refused: {Reason}", instanceId, r.Reason); return false;
                case MailOutcome.Failed f: log.LogWarning("confirmation e-mail of instance {Instance} failed: {Reason}", instanceId, f.Reason); return false;
                default: return false;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning("confirmation e-mail of instance {Instance} failed: {Reason}", instanceId, e.Message);
            return false;
        }
    }

    private NotificationOptions Options(string tenantId)
    {
        var options = new NotificationOptions();
        configuration.GetSection($"Packs:{NotificationOptions.Section}").Bind(options);
        configuration.GetSection($"Tenants:{tenantId}:{NotificationOptions.Section}").Bind(options);
        return options;
    }

    private static string? Missing(NotificationOptions o) =>
        string.IsNullOrWhiteSpace(o.From) ? "Packs:Notifications:From"
        : o.Delivery == MailDeliveryKind.Smtp && string.IsNullOrWhiteSpace(o.Smtp.Host) ? "Packs:Notifications:Smtp:Host"
        : o.Delivery == MailDeliveryKind.Directory && string.IsNullOrWhiteSpace(o.Directory) ? "Packs:Notifications:Directory"
        : null;
}

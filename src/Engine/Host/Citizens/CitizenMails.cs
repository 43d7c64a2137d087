using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EGov.Workflows.Activities.Notifications;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace EGov.Workflows.Host.Citizens;

/// <summary>How sending one citizen e-mail went.</summary>
public abstract record CitizenMailResult
{
    public sealed record Sent : CitizenMailResult;
    /// <summary>Refused for good (the address, the mail server's permanent answer, no settings): not tried again.</summary>
    public sealed record Refused(string Reason) : CitizenMailResult;
    /// <summary>Failed for now (the mail server down): tried again later.</summary>
    public sealed record Retry(string Reason) : CitizenMailResult;
}

/// <summary>
/// The e-mails to a citizen (German, simple language), sent through the Notifications pack's transport with the tenant's
/// <c>Packs:Notifications</c> settings (SMTP or a directory of .eml files; without them nothing is sent):
/// <list type="bullet">
/// <item>the confirmation of an online application: the service, the Aktenzeichen, the date, and where to follow the case;</item>
/// <item>a clerk's Rückfrage: that there is a question and the link to the case — never the question, the clerk or anything
/// else of the case (the citizen reads the question after signing in, or with the access code).</item>
/// </list>
/// Nothing personal besides the address it goes to: no name in the greeting. The Message-ID is derived from the outbox row,
/// so a mail sent again after a crash between sending and recording it is recognisable as the same by mail programs.
/// </summary>
public sealed class CitizenMails(IConfiguration configuration, IMailTransport transport, ServerAddress address)
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Berlin", out var tz) ? tz : TimeZoneInfo.Utc;

    /// <summary>Whether the tenant's settings allow sending at all.</summary>
    public bool Configured(string tenantId) => Missing(Options(tenantId)) is null;

    /// <summary>Sends one e-mail of <paramref name="kind"/> (<see cref="CitizenMailKinds"/>) about the case to <paramref name="to"/>.</summary>
    public async Task<CitizenMailResult> SendAsync(string tenantId, string mailId, string kind, string to, string service, string aktenzeichen, string instanceId,
        DateTimeOffset at, CancellationToken cancel = default)
    {
        var options = Options(tenantId);
        if (Missing(options) is { } setting) return new CitizenMailResult.Refused($"the setting {setting} is missing");
        if (!MailboxAddress.TryParse(to, out var recipient)) return new CitizenMailResult.Refused("the address is not valid");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(options.FromName ?? "", options.From!));
        message.To.Add(new MailboxAddress("", recipient.Address));
        var url = address.Public.AbsoluteUri.TrimEnd('/');
        var text = new StringBuilder().AppendLine("Guten Tag,").AppendLine();
        if (kind == CitizenMailKinds.Inquiry)
        {
            message.Subject = $"Rückfrage zu Ihrem Antrag – Aktenzeichen {aktenzeichen}";
            text.AppendLine(CultureInfo.InvariantCulture, $"zu Ihrem Antrag „{service}“ (Aktenzeichen {aktenzeichen}) hat die Behörde eine Frage an Sie.").AppendLine()
                .AppendLine("Bitte lesen und beantworten Sie die Frage hier (Anmeldung mit der BundID):")
                .AppendLine(CultureInfo.InvariantCulture, $"{url}/buerger/vorgaenge/{Uri.EscapeDataString(instanceId)}").AppendLine()
                .AppendLine("Ohne Anmeldung geht es mit dem Zugangscode aus Ihrer Bestätigung:")
                .AppendLine(CultureInfo.InvariantCulture, $"{url}/status/{Uri.EscapeDataString(aktenzeichen)}").AppendLine()
                .AppendLine("Die Frage selbst steht zum Schutz Ihrer Daten nicht in dieser E-Mail.");
        }
        else
        {
            message.Subject = $"Ihr Antrag ist eingegangen – Aktenzeichen {aktenzeichen}";
            text.AppendLine(CultureInfo.InvariantCulture, $"Ihr Antrag „{service}“ ist bei uns eingegangen.").AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"Aktenzeichen: {aktenzeichen}")
                .AppendLine(CultureInfo.InvariantCulture, $"Eingegangen am: {TimeZoneInfo.ConvertTime(at, Berlin).ToString("dd.MM.yyyy 'um' HH:mm 'Uhr'", CultureInfo.InvariantCulture)}")
                .AppendLine()
                .AppendLine("Bitte geben Sie das Aktenzeichen an, wenn Sie uns schreiben oder anrufen.").AppendLine()
                .AppendLine("Wie weit Ihr Antrag ist, sehen Sie hier (Anmeldung mit der BundID):")
                .AppendLine(CultureInfo.InvariantCulture, $"{url}/buerger/vorgaenge/{Uri.EscapeDataString(instanceId)}");
        }
        text.AppendLine().AppendLine("Diese Nachricht wurde automatisch erstellt.");
        message.Body = new TextPart("plain") { Text = text.ToString() };
        var domain = options.From!.Split('@') is { Length: 2 } parts ? parts[1] : "egov.invalid";
        message.MessageId = $"egov.buerger.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenantId + "\n" + mailId)))[..32]}@{domain}";
        try
        {
            return await transport.SendAsync(message, options, tenantId, cancel).ConfigureAwait(false) switch
            {
                MailOutcome.Sent => new CitizenMailResult.Sent(),
                MailOutcome.Rejected r => new CitizenMailResult.Refused(r.Reason),
                MailOutcome.Failed f => new CitizenMailResult.Retry(f.Reason),
                _ => new CitizenMailResult.Retry("unknown outcome"),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            return new CitizenMailResult.Retry($"{e.GetType().Name}: {e.Message}");
        }
    }

    private NotificationOptions Options(string tenantId) => TenantMailSettings.For(configuration, tenantId);

    private static string? Missing(NotificationOptions o) => TenantMailSettings.Missing(o);
}

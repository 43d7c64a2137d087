using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EGov.Workflows.Activities.Notifications;
using EGov.Workflows.Host.Tenancy;
using Microsoft.Extensions.Configuration;
using MimeKit;

namespace EGov.Workflows.Host.Citizens.Consent;

/// <summary>
/// The Standesamt's notice to the parents with the one-time Einwilligungscode, sent through the Notifications pack's
/// transport with the tenant's <c>Packs:Notifications</c> settings (as <c>notify-email</c>). The code is put into the text
/// here and goes nowhere else: not into variables, history or logs.
/// </summary>
public sealed class ConsentMail(IConfiguration configuration, IMailTransport transport)
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Berlin", out var tz) ? tz : TimeZoneInfo.Utc;

    /// <summary>Null when sent; otherwise why not (a missing setting, the server's refusal) and whether trying again may help.</summary>
    public async Task<(string Reason, bool Retry)?> SendAsync(string tenantId, string to, string aktenzeichen, string code, IReadOnlyList<ConsentPurpose> purposes,
        DateTimeOffset gueltigBis, Uri? site, string idempotency, CancellationToken cancel)
    {
        var options = TenantMailSettings.For(configuration, tenantId);
        if (TenantMailSettings.Missing(options) is { } missing) return ($"the setting {missing} is missing (the notice with the code cannot be sent)", false);
        if (!MailboxAddress.TryParse(to, out var recipient) || !recipient.Address.Contains('@')) return ("the parents' e-mail address is not valid", false);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(options.FromName ?? "", options.From!));
        message.To.Add(new MailboxAddress("", recipient.Address));
        message.Subject = $"Geburt Ihres Kindes: Ihre Einwilligung – Aktenzeichen {aktenzeichen}";
        var url = (site?.AbsoluteUri.TrimEnd('/') ?? "") + "/buerger/einwilligung";
        var text = new StringBuilder()
            .AppendLine("Guten Tag,").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"die Geburt Ihres Kindes ist beim Standesamt beurkundet (Aktenzeichen {aktenzeichen}).").AppendLine()
            .AppendLine("Wenn Sie einwilligen, geben wir dafür nötige Daten weiter:");
        foreach (var p in purposes) text.AppendLine(CultureInfo.InvariantCulture, $"- {p.Titel}: an die {p.Empfaenger}");
        text.AppendLine()
            .AppendLine("Sie entscheiden für jeden Zweck einzeln. Einwilligen oder ablehnen können Sie hier, angemeldet mit Ihrer BundID:")
            .AppendLine(url).AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Ihr Einwilligungscode: {code}").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Der Code gilt einmal und bis zum {TimeZoneInfo.ConvertTime(gueltigBis, Berlin).ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)}. Geben Sie ihn nicht weiter.")
            .AppendLine("Antworten Sie nicht, geben wir nichts weiter.").AppendLine()
            .AppendLine("Diese Nachricht wurde automatisch erstellt.");
        message.Body = new TextPart("plain") { Text = text.ToString() };
        var domain = options.From!.Split('@') is { Length: 2 } parts ? parts[1] : "egov.invalid";
        message.MessageId = $"egov.einwilligung.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenantId + "\n" + idempotency)))[..32]}@{domain}";
        try
        {
            return await transport.SendAsync(message, options, tenantId, cancel).ConfigureAwait(false) switch
            {
                MailOutcome.Sent => null,
                MailOutcome.Rejected r => ($"the mail server refused the address: {r.Reason}", false),
                MailOutcome.Failed f => (f.Reason, true),
                _ => ("unknown outcome", true),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            return ($"{e.GetType().Name}: {e.Message}", true);
        }
    }
}

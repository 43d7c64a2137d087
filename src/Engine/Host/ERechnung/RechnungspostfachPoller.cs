using EGov.Workflows.Activities.ERechnung;
using EGov.Workflows.Host.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.ERechnung;

/// <summary>
/// Fetches the Rechnungseingang's mailbox of each tenant that has one (<c>Tenants:{id}:ERechnung:Imap</c>, else
/// <c>Packs:ERechnung:Imap</c>; without <c>Host</c> nothing is fetched) every <c>PollSeconds</c> with MailKit and hands each
/// XML attachment to the <see cref="Rechnungseingang"/> (channel <c>email</c>, the sender's address for answers; a mail
/// without an XML attachment is entered too and answered). The delivery reference (Message-Id and file name) is unique
/// in the Eingangsbuch, so a mail fetched again after a crash, or by a second node, starts no second case.
/// </summary>
public sealed class RechnungspostfachPoller(Rechnungseingang eingang, TenantEngines engines, ServeOptions options, ILogger<RechnungspostfachPoller> logger) : BackgroundService
{
    public static ImapOptions? Settings(IConfiguration? configuration, string tenantId)
    {
        if (configuration is null) return null;
        var section = configuration.GetSection($"Tenants:{tenantId}:ERechnung:Imap");
        if (!section.Exists()) section = configuration.GetSection("Packs:ERechnung:Imap");
        var imap = new ImapOptions();
        section.Bind(imap);
        return string.IsNullOrWhiteSpace(imap.Host) ? null : imap;
    }

    /// <summary>One round for one tenant: every unread mail into the Eingangsbuch; answers how many mails were taken.</summary>
    public static Task<int> FetchOnceAsync(Rechnungseingang eingang, TenantEngine tenant, ImapOptions imap, CancellationToken cancellationToken) =>
        InvoiceMailbox.FetchAsync(imap, async mail =>
        {
            if (mail.XmlAttachments.Count == 0)
            {
                await eingang.ReceiveAsync(tenant, "email", mail.MessageId, mail.From, "(kein XML-Anhang)", null, null,
                    $"Die E-Mail „{mail.Subject}“ enthält keine Rechnung im Format XRechnung (XML-Anhang). Eine PDF- oder Papierrechnung kann nicht angenommen werden.",
                    cancellationToken).ConfigureAwait(false);
                return;
            }
            foreach (var a in mail.XmlAttachments)
                await eingang.ReceiveAsync(tenant, "email", $"{mail.MessageId}#{a.FileName}", mail.From, a.FileName, a.Content, null, cancellationToken: cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tenants = new[] { options.Tenant }.Concat(options.Tenants).Distinct(StringComparer.Ordinal)
            .Select(id => (Id: id, Imap: Settings(options.Configuration, id))).Where(t => t.Imap is not null).ToList();
        if (tenants.Count == 0) return;
        var interval = TimeSpan.FromSeconds(Math.Max(5, tenants.Min(t => t.Imap!.PollSeconds)));
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var (id, imap) in tenants)
            {
                try
                {
                    var taken = await FetchOnceAsync(eingang, engines.Get(id), imap!, stoppingToken).ConfigureAwait(false);
                    if (taken > 0 && logger.IsEnabled(LogLevel.Information)) logger.LogInformation("Rechnungspostfach {Tenant}: {Count} E-Mail(s) übernommen", id, taken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
                catch (Exception e)
                {
                    // The password is never logged: MailKit's messages name the server and the failure, not the credentials.
                    if (logger.IsEnabled(LogLevel.Warning)) logger.LogWarning("Rechnungspostfach {Tenant} ({Host}): {Error}", id, imap!.Host, e.Message);
                }
            }
            try { await Task.Delay(interval, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }
}

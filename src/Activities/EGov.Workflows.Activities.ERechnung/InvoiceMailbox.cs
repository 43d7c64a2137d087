using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace EGov.Workflows.Activities.ERechnung;

/// <summary>The Rechnungseingang's mailbox (configuration <c>Packs:ERechnung:Imap</c>, per tenant <c>Tenants:{id}:ERechnung:Imap</c>).</summary>
public sealed class ImapOptions
{
    /// <summary>The IMAP server; without it no mailbox is fetched.</summary>
    public string? Host { get; set; }

    /// <summary>Port (default 993 with TLS, 143 with STARTTLS or none).</summary>
    public int Port { get; set; }

    /// <summary><c>Tls</c> (implicit, default), <c>StartTls</c>, or <c>None</c> (only for a server on loopback).</summary>
    public string Security { get; set; } = "Tls";

    public string? User { get; set; }

    /// <summary>The password: give it through the environment (<c>EGOV_Packs__ERechnung__Imap__Password</c>), never in a file under version control.</summary>
    public string? Password { get; set; }

    /// <summary>The folder to read (default INBOX).</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>How often the mailbox is fetched, in seconds (default 60).</summary>
    public int PollSeconds { get; set; } = 60;
}

/// <summary>An attachment of an invoice mail: file name and content.</summary>
public sealed record MailAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>One unread message of the mailbox: its Message-Id, sender address, subject and XML attachments.</summary>
public sealed record InvoiceMail(string MessageId, string? From, string? Subject, IReadOnlyList<MailAttachment> XmlAttachments);

/// <summary>
/// Fetches the unread messages of the Rechnungseingang's IMAP mailbox with MailKit: each message's XML attachments (an
/// XRechnung is an XML file; a mail with none is handed over too, so it can be answered). A message is flagged \Seen only
/// after the handler has taken it, so a crash in between fetches it again (the handler recognises it by its Message-Id).
/// </summary>
public static class InvoiceMailbox
{
    /// <summary>Hands every unread message to <paramref name="handle"/>; returns how many were taken.</summary>
    public static async Task<int> FetchAsync(ImapOptions options, Func<InvoiceMail, Task> handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handle);
        if (string.IsNullOrWhiteSpace(options.Host)) throw new InvalidOperationException("no IMAP host configured (Packs:ERechnung:Imap:Host)");
        var security = options.Security.ToUpperInvariant() switch
        {
            "NONE" => SecureSocketOptions.None,
            "STARTTLS" => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.SslOnConnect,
        };
        var port = options.Port > 0 ? options.Port : security == SecureSocketOptions.SslOnConnect ? 993 : 143;
        using var client = new ImapClient();
        await client.ConnectAsync(options.Host, port, security, cancellationToken).ConfigureAwait(false);
        try
        {
            if (!string.IsNullOrEmpty(options.User))
                await client.AuthenticateAsync(options.User, options.Password ?? "", cancellationToken).ConfigureAwait(false);
            var folder = await client.GetFolderAsync(options.Folder, cancellationToken).ConfigureAwait(false);
            await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
            var unread = await folder.SearchAsync(SearchQuery.NotSeen, cancellationToken).ConfigureAwait(false);
            var taken = 0;
            foreach (var uid in unread)
            {
                var message = await folder.GetMessageAsync(uid, cancellationToken).ConfigureAwait(false);
                var attachments = new List<MailAttachment>();
                foreach (var part in message.BodyParts.OfType<MimePart>())
                {
                    var name = part.FileName ?? "";
                    var isXml = name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
                        || part.ContentType.MimeType is "application/xml" or "text/xml";
                    if (!isXml || part.Content is null) continue;
                    using var stream = new MemoryStream();
                    await part.Content.DecodeToAsync(stream, cancellationToken).ConfigureAwait(false);
                    attachments.Add(new MailAttachment(name.Length > 0 ? name : "rechnung.xml", part.ContentType.MimeType, stream.ToArray()));
                }
                var from = message.From.Mailboxes.FirstOrDefault()?.Address;
                var id = string.IsNullOrEmpty(message.MessageId) ? $"uid-{folder.UidValidity}-{uid.Id}" : message.MessageId;
                await handle(new InvoiceMail(id, from, message.Subject, attachments)).ConfigureAwait(false);
                await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, cancellationToken).ConfigureAwait(false);
                taken++;
            }
            return taken;
        }
        finally
        {
            await client.DisconnectAsync(true, CancellationToken.None).ConfigureAwait(false);
        }
    }
}

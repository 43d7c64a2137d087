using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace EGov.Workflows.Activities.ERechnung.Tests;

/// <summary>The Rechnungseingang's mailbox against a real IMAP server (Dovecot) on loopback, through MailKit.</summary>
public sealed class InvoiceMailboxTests : IClassFixture<Dovecot>
{
    private readonly Dovecot _server;

    public InvoiceMailboxTests(Dovecot server) => _server = server;

    private async Task Deliver(MimeMessage message)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", _server.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(Dovecot.User, Dovecot.Password);
        await client.Inbox.AppendAsync(message);
        await client.DisconnectAsync(true);
    }

    private static MimeMessage Mail(string from, string subject, params (string Name, byte[] Content)[] attachments)
    {
        var body = new BodyBuilder { TextBody = "Sehr geehrte Damen und Herren, anbei unsere Rechnung." };
        foreach (var (name, content) in attachments) body.Attachments.Add(name, content, ContentType.Parse(name.EndsWith(".xml", StringComparison.Ordinal) ? "application/xml" : "application/pdf"));
        var m = new MimeMessage { Subject = subject, Body = body.ToMessageBody() };
        m.From.Add(MailboxAddress.Parse(from));
        m.To.Add(MailboxAddress.Parse("rechnungseingang@musterstadt.example"));
        return m;
    }

    [Fact]
    public async Task UnreadMails_AreHandedOverWithTheirXmlAttachments_ThenFlaggedSeen_AndNotFetchedAgain()
    {
        var invoice = File.ReadAllBytes(Corpus.Path("testsuite", "src", "test", "business-cases", "standard", "01.01a-INVOICE_ubl.xml"));
        await Deliver(Mail("buchhaltung@lieferant.example", "Rechnung 4711", ("rechnung-4711.xml", invoice), ("rechnung-4711.pdf", [0x25, 0x50, 0x44, 0x46])));
        await Deliver(Mail("info@andere.example", "Nur ein PDF", ("rechnung.pdf", [0x25, 0x50, 0x44, 0x46])));

        var received = new List<InvoiceMail>();
        var taken = await InvoiceMailbox.FetchAsync(_server.Options(), m => { received.Add(m); return Task.CompletedTask; });

        taken.ShouldBe(2);
        var withXml = received.Single(m => m.From == "buchhaltung@lieferant.example");
        withXml.Subject.ShouldBe("Rechnung 4711");
        withXml.MessageId.ShouldNotBeNullOrEmpty();
        var xml = withXml.XmlAttachments.ShouldHaveSingleItem();
        xml.FileName.ShouldBe("rechnung-4711.xml");
        xml.Content.ShouldBe(invoice);
        received.Single(m => m.From == "info@andere.example").XmlAttachments.ShouldBeEmpty();

        (await InvoiceMailbox.FetchAsync(_server.Options(), _ => Task.CompletedTask)).ShouldBe(0);
    }

    [Fact]
    public async Task AMailWhoseHandlerFails_StaysUnread_AndIsFetchedAgain()
    {
        await Deliver(Mail("retry@lieferant.example", "Rechnung 4712", ("r.xml", "<Invoice/>"u8.ToArray())));
        await Should.ThrowAsync<InvalidOperationException>(() => InvoiceMailbox.FetchAsync(_server.Options(),
            m => m.From == "retry@lieferant.example" ? throw new InvalidOperationException("Datenbank nicht erreichbar") : Task.CompletedTask));

        var again = new List<string?>();
        await InvoiceMailbox.FetchAsync(_server.Options(), m => { again.Add(m.From); return Task.CompletedTask; });
        again.ShouldContain("retry@lieferant.example");
    }

    [Fact]
    public async Task AWrongPassword_IsRefusedByTheServer()
    {
        var options = _server.Options();
        options.Password = "falsch";
        await Should.ThrowAsync<AuthenticationException>(() => InvoiceMailbox.FetchAsync(options, _ => Task.CompletedTask));
    }
}

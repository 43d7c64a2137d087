using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;
using MimeKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Activities.Notifications;

/// <summary>
/// <c>notify-email</c>: sends one e-mail to <c>to</c> with subject, text and (optionally) HTML rendered from Liquid
/// templates with the case's variables, from the tenant's sender. An address that is malformed or that the server
/// refuses for good (5xx) is the BPMN error <c>EMAIL_UNDELIVERABLE</c>; a server that cannot be reached, a timeout or a
/// temporary refusal (4xx) is a technical failure (retried, then an incident). The Message-ID is derived from the
/// instance and the element (or <c>idempotencyKey</c>), so a retried send carries the same id.
/// </summary>
[Activity("notify-email", Description = "E-Mail an Bürgerin, Bürger oder Sachbearbeitung senden")]
public sealed class NotifyEmail(IOptionsMonitor<NotificationOptions> options, IMailTransport transport, ILogger<NotifyEmail> logger) : WorkflowActivity
{
    public const string Undeliverable = "EMAIL_UNDELIVERABLE";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("to", ActivityValueType.String, Required: true, "Empfängeradresse"),
        new("subject", ActivityValueType.String, Description: "Betreff (Liquid-Vorlage); Pflicht ohne 'vorlage'"),
        new("text", ActivityValueType.String, Description: "Text (Liquid-Vorlage); Pflicht ohne 'vorlage'"),
        new("html", ActivityValueType.String, Description: "HTML (Liquid-Vorlage, Werte werden maskiert)"),
        new("vorlage", ActivityValueType.String, Description: "Name einer Vorlage im Vorlagenordner des Mandanten (NAME.betreff.liquid, NAME.text.liquid, NAME.html.liquid) statt subject/text/html"),
        new("idempotencyKey", ActivityValueType.String, Description: "Schlüssel für die Message-ID (Standard: Vorgang und Element)"),
    ];

    /// <summary>
    /// The variable the result goes to: not <c>email</c>, which models use for the recipient's address (a second mail to
    /// <c>${email}</c> would have gone to the result object). Another name: map it with a <c>camunda:outputParameter</c>
    /// (the element template's "Ergebnis"); the result is then local to the task and only the mapped variable is written.
    /// </summary>
    public const string Result = "emailVersand";

    public override IReadOnlyList<ActivityParameter> Outputs => [new(Result, ActivityValueType.Object, Description: "{ messageId, sentAt } des Versands")];

    public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var to = context.GetString("to")?.Trim();
        if (string.IsNullOrEmpty(to) || !MailboxAddress.TryParse(to, out var recipient) || !recipient.Address.Contains('@'))
            return ActivityResult.BpmnError(Undeliverable, "Die Empfängeradresse ist keine gültige E-Mail-Adresse.");

        // Nothing to send needs no settings; something to send without them is an incident naming the missing one.
        var o = options.Get(context.TenantId);
        if (Missing(o, context.TenantId) is { } missing) return ActivityResult.Fail(missing);

        MimeMessage message;
        try { message = Build(context, o, recipient, MailTemplateFolder.Sources(context, o)); }
        catch (MailTemplateException e) { return ActivityResult.Fail($"notify-email: {e.Message}"); }

        var outcome = await transport.SendAsync(message, o, context.TenantId, context.CancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case MailOutcome.Sent:
                if (logger.IsEnabled(LogLevel.Information))
                    logger.LogInformation("notify-email: message {MessageId} sent for instance {Instance} at {Element}", message.MessageId, context.ProcessInstanceId, context.ElementId);
                return ActivityResult.Complete(new JsonObject
                {
                    [Result] = new JsonObject { ["messageId"] = message.MessageId, ["sentAt"] = context.Now.ToString("O") },
                });
            case MailOutcome.Rejected r:
                logger.LogWarning("notify-email: recipient refused for instance {Instance} at {Element}: {Reason}", context.ProcessInstanceId, context.ElementId, r.Reason);
                return ActivityResult.BpmnError(Undeliverable, $"Der Mailserver nimmt die Adresse nicht an: {r.Reason}");
            case MailOutcome.Failed f:
                return ActivityResult.Fail($"notify-email: {f.Reason}");
            default:
                throw new InvalidOperationException("unknown outcome");
        }
    }

    /// <summary>The first required setting that is not there, as a message naming its configuration keys.</summary>
    internal static string? Missing(NotificationOptions o, string tenant)
    {
        string Keys(string s) => PackServiceCollectionExtensions.SettingKeys(NotificationOptions.Section, tenant, s);
        if (string.IsNullOrWhiteSpace(o.From)) return $"notify-email: the setting {Keys("From")} is missing (the sender's address)";
        if (o.Delivery == MailDeliveryKind.Smtp && string.IsNullOrWhiteSpace(o.Smtp.Host)) return $"notify-email: the setting {Keys("Smtp:Host")} is missing";
        if (o.Delivery == MailDeliveryKind.Directory && string.IsNullOrWhiteSpace(o.Directory)) return $"notify-email: the setting {Keys("Directory")} is missing";
        return null;
    }

    private static MimeMessage Build(ActivityContext context, NotificationOptions o, MailboxAddress recipient, MailTemplateFolder.Parts sources)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.FromName ?? "", o.From!));
        if (!string.IsNullOrWhiteSpace(o.ReplyTo)) message.ReplyTo.Add(MailboxAddress.Parse(o.ReplyTo));
        message.To.Add(recipient);
        var subject = MailTemplate.Render(sources.Subject, context.Input, html: false);
        message.Subject = string.Join(' ', subject.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        var body = new BodyBuilder { TextBody = MailTemplate.Render(sources.Text, context.Input, html: false) };
        if (sources.Html is { Length: > 0 } html) body.HtmlBody = MailTemplate.Render(html, context.Input, html: true);
        message.Body = body.ToMessageBody();
        message.Date = context.Now;
        var key = context.GetString("idempotencyKey") is { Length: > 0 } k ? k : $"{context.TenantId}/{context.ProcessInstanceId}/{context.ElementId}";
        var domain = o.From!.Split('@') is { Length: 2 } parts ? parts[1] : "egov.invalid";
        message.MessageId = $"egov.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32]}@{domain}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }
}

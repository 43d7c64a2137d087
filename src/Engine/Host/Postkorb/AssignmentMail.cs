using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EGov.Workflows.Activities.Notifications;
using EGov.Workflows.Identity.Accounts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>
/// "E-Mail bei Zuweisung" (issue 10, item 5): when someone else assigns or delegates a task to a person whose settings ask
/// for it (<c>PUT /api/me/settings</c>: an address and <c>emailOnAssignment</c>), that person gets a short German e-mail
/// with the task, the Aktenzeichen, the Frist and a link — sent with the Notifications pack's transport and the tenant's
/// settings (<c>Packs:Notifications</c>, overridden by <c>Tenants:&lt;id&gt;:Notifications</c>). Sent after the command
/// has committed and off the request: a mail server that is down delays nobody's work and undoes no command; a failure is
/// logged (without credentials), not retried — the task is in the Postkorb either way.
/// </summary>
public sealed class AssignmentMail(AccountStore accounts, IConfiguration configuration, IMailTransport transport, string? publicUrl, ILogger<AssignmentMail> log)
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>Sends the e-mail in the background when <paramref name="task"/>'s holder is not the one who acted; answers the sending.</summary>
    public Task NotifyAsync(string tenantId, TaskDto task, string actor)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.Assignee is not { Length: > 0 } assignee || string.Equals(assignee, actor, StringComparison.Ordinal)) return Task.CompletedTask;
        return Task.Run(() => SendAsync(tenantId, task, assignee, actor));
    }

    private async Task SendAsync(string tenantId, TaskDto task, string assignee, string actor)
    {
        try
        {
            var account = await accounts.FindAsync(assignee).ConfigureAwait(false);
            if (account is not { EmailOnAssignment: true, Email: { Length: > 0 } email, Disabled: false }) return;
            if (!MailboxAddress.TryParse(email, out var to)) { log.LogWarning("E-Mail bei Zuweisung: the address of '{User}' is not valid", assignee); return; }
            var options = Options(tenantId);
            if (Missing(options) is { } setting)
            {
                log.LogWarning("E-Mail bei Zuweisung for '{User}' not sent: the setting {Setting} is missing (tenant '{Tenant}')", assignee, setting, tenantId);
                return;
            }
            var outcome = await transport.SendAsync(Message(tenantId, task, account.DisplayName ?? assignee, to, actor, options), options, tenantId, CancellationToken.None).ConfigureAwait(false);
            if (outcome is not MailOutcome.Sent)
                log.LogWarning("E-Mail bei Zuweisung for '{User}' (task {Task}) not sent: {Outcome}", assignee, task.Id, outcome);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.LogWarning("E-Mail bei Zuweisung for '{User}' (task {Task}) not sent: {Error}", assignee, task.Id, e.Message);
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

    private MimeMessage Message(string tenantId, TaskDto task, string name, MailboxAddress to, string actor, NotificationOptions o)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.FromName ?? "", o.From!));
        message.To.Add(new MailboxAddress(name, to.Address));
        var title = task.Name ?? task.ElementId;
        message.Subject = task.BusinessKey is { Length: > 0 } key ? $"Neue Aufgabe: {title} – Aktenzeichen {key}" : $"Neue Aufgabe: {title}";
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Guten Tag {name},").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{actor} hat Ihnen eine Aufgabe im Postkorb zugewiesen.").AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Aufgabe: {title}")
            .AppendLine(CultureInfo.InvariantCulture, $"Vorgang: {task.ProcessName ?? task.ProcessId}");
        if (task.BusinessKey is { Length: > 0 } az) text.AppendLine(CultureInfo.InvariantCulture, $"Aktenzeichen: {az}");
        if (task.Due is { } due) text.AppendLine(CultureInfo.InvariantCulture, $"Frist: {TimeZoneInfo.ConvertTime(due, Berlin).ToString("dd.MM.yyyy", German)}");
        if (publicUrl is { Length: > 0 } url) text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{url.TrimEnd('/')}/aufgaben/{Uri.EscapeDataString(task.Id)}");
        text.AppendLine().AppendLine("Diese Nachricht wurde automatisch erstellt. Sie erhalten sie, weil Sie in Ihren Einstellungen „E-Mail bei Zuweisung“ gewählt haben.");
        message.Body = new TextPart("plain") { Text = text.ToString() };
        var domain = o.From!.Split('@') is { Length: 2 } parts ? parts[1] : "egov.invalid";
        var id = $"{tenantId}\n{task.Id}\n{to.Address}\n{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}";
        message.MessageId = $"egov.zuweisung.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..32]}@{domain}";
        return message;
    }
}

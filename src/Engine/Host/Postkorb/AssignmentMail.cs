using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EGov.Workflows.Activities.Notifications;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Runtime.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>What became of one assignment's e-mail: done (sent, or nothing to send), try again later, or never.</summary>
public abstract record MailDelivery
{
    public sealed record Done(string? Why = null) : MailDelivery;
    public sealed record Retry(string Reason) : MailDelivery;
    public sealed record Refused(string Reason) : MailDelivery;
}

/// <summary>
/// "E-Mail bei Zuweisung" (issue 10, item 5): when a user task gets an assignee — the model's <c>camunda:assignee</c>, a
/// claim through <c>/api</c> or <c>/engine-rest</c>, a team lead's assignment, a delegation — and that person asked for it
/// in their settings (<c>PUT /api/me/settings</c>: an address and <c>emailOnAssignment</c>), they get a short German
/// e-mail with the task, the Aktenzeichen, the Frist and a link, sent with the Notifications pack's transport and the
/// tenant's settings (<c>Packs:Notifications</c>, overridden by <c>Tenants:&lt;id&gt;:Notifications</c>). Nobody gets one
/// for what they did themself (a claim). The assignments come from the store's outbox (<see cref="IAssignmentOutbox"/>),
/// written with the command that assigned; <see cref="AssignmentMailSender"/> sends and retries them.
/// </summary>
public sealed class AssignmentMail(AccountStore accounts, TenantEngines engines, IConfiguration configuration, IMailTransport transport, string? publicUrl, ILogger<AssignmentMail> log)
{
    private static readonly CultureInfo German = CultureInfo.GetCultureInfo("de-DE");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>Sends the e-mail of one assignment when it is still due: the task still open with the same holder, who wants it.</summary>
    public async Task<MailDelivery> DeliverAsync(TaskAssignment assignment, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var assignee = assignment.Assignee;
        if (string.Equals(assignee, assignment.Actor, StringComparison.Ordinal)) return new MailDelivery.Done("assigned to themself");
        var row = engines.Get(assignment.TenantId).Engine.FindOpenUserTask(assignment.TaskId);
        if (row is null) return new MailDelivery.Done("the task is no longer open");
        if (!string.Equals(row.Task.Assignee, assignee, StringComparison.Ordinal)) return new MailDelivery.Done("the task has another holder now");
        var account = await accounts.FindAsync(assignee, cancel).ConfigureAwait(false);
        if (account is not { EmailOnAssignment: true, Email: { Length: > 0 } email, Disabled: false }) return new MailDelivery.Done("not asked for");
        if (!MailboxAddress.TryParse(email, out var to))
        {
            log.LogWarning("E-Mail bei Zuweisung: the address of '{User}' is not valid", assignee);
            return new MailDelivery.Done("invalid address");
        }
        var options = Options(assignment.TenantId);
        if (Missing(options) is { } setting)
        {
            log.LogWarning("E-Mail bei Zuweisung for '{User}' not sent: the setting {Setting} is missing (tenant '{Tenant}')", assignee, setting, assignment.TenantId);
            return new MailDelivery.Done("not configured");
        }
        var task = TaskDto.From(row);
        var message = Message(assignment, task, account.DisplayName ?? assignee, to, options);
        return await transport.SendAsync(message, options, assignment.TenantId, cancel).ConfigureAwait(false) switch
        {
            MailOutcome.Sent => new MailDelivery.Done(),
            MailOutcome.Rejected r => new MailDelivery.Refused(r.Reason),
            MailOutcome.Failed f => new MailDelivery.Retry(f.Reason),
            var other => new MailDelivery.Retry(other.ToString()),
        };
    }

    private NotificationOptions Options(string tenantId) => TenantMailSettings.For(configuration, tenantId);

    private static string? Missing(NotificationOptions o) => TenantMailSettings.Missing(o);

    private MimeMessage Message(TaskAssignment a, TaskDto task, string name, MailboxAddress to, NotificationOptions o)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.FromName ?? "", o.From!));
        message.To.Add(new MailboxAddress(name, to.Address));
        var title = task.Name ?? task.ElementId;
        message.Subject = task.BusinessKey is { Length: > 0 } key ? $"Neue Aufgabe: {title} – Aktenzeichen {key}" : $"Neue Aufgabe: {title}";
        var who = a.Kind switch
        {
            TaskAssignmentKind.Created => "Ihnen wurde eine neue Aufgabe im Postkorb zugewiesen.",
            TaskAssignmentKind.Delegated when a.Actor is { Length: > 0 } actor => $"{actor} hat eine Aufgabe im Postkorb an Sie delegiert.",
            _ when a.Actor is { Length: > 0 } actor => $"{actor} hat Ihnen eine Aufgabe im Postkorb zugewiesen.",
            _ => "Ihnen wurde eine Aufgabe im Postkorb zugewiesen.",
        };
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Guten Tag {name},").AppendLine()
            .AppendLine(who).AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Aufgabe: {title}")
            .AppendLine(CultureInfo.InvariantCulture, $"Vorgang: {task.ProcessName ?? task.ProcessId}");
        if (task.BusinessKey is { Length: > 0 } az) text.AppendLine(CultureInfo.InvariantCulture, $"Aktenzeichen: {az}");
        if (task.Due is { } due) text.AppendLine(CultureInfo.InvariantCulture, $"Frist: {TimeZoneInfo.ConvertTime(due, Berlin).ToString("dd.MM.yyyy", German)}");
        if (publicUrl is { Length: > 0 } url) text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{url.TrimEnd('/')}/aufgaben/{Uri.EscapeDataString(task.Id)}");
        text.AppendLine().AppendLine("Diese Nachricht wurde automatisch erstellt. Sie erhalten sie, weil Sie in Ihren Einstellungen „E-Mail bei Zuweisung“ gewählt haben.");
        message.Body = new TextPart("plain") { Text = text.ToString() };
        var domain = o.From!.Split('@') is { Length: 2 } parts ? parts[1] : "egov.invalid";
        // One Message-Id per assignment event: a mail sent again (its sender died after sending) is recognisably the same mail.
        var id = $"{a.TenantId}\n{a.Id}";
        message.MessageId = $"egov.zuweisung.{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..32]}@{domain}";
        return message;
    }
}

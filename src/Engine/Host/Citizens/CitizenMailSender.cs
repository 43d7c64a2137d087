using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Runtime;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Citizens;

/// <summary>When and how often the citizens' e-mails are tried.</summary>
public sealed record CitizenMailSchedule(string Owner, TimeSpan Poll)
{
    /// <summary>How many tries before an e-mail is given up (kept as 'failed').</summary>
    public int Attempts { get; init; } = 8;

    /// <summary>The first wait after a failed try, doubled each time, at most an hour.</summary>
    public TimeSpan Retry { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a leased e-mail stays with this node: longer than a send takes, short enough for a takeover.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>A case that still does not exist this long after its e-mail was recorded was never started: its e-mail is dropped.</summary>
    public TimeSpan NeverStarted { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan BackOff(int attempts) => Jobs.OutboxPoller.BackOff(Retry, attempts);
}

/// <summary>
/// Sends the citizens' e-mails of the outbox (<see cref="CitizenMailOutbox"/>): right after the commit that recorded one
/// (<see cref="SendNowAsync"/>, so the confirmation usually arrives at once), and in the background for whatever is still
/// due — after a crash between that commit and the sending, after a node stopped, or when the mail server was down. An
/// e-mail is sent only once its case exists (a start that failed took its row back; one that never came leaves a row that
/// is dropped after <see cref="CitizenMailSchedule.NeverStarted"/>). Logs name the case and the reason, never the address.
/// </summary>
public sealed class CitizenMailSender(CitizenMailOutbox outbox, CitizenMails mails, TenantEngines engines, CitizenMailSchedule schedule, TimeProvider time,
    ILogger<CitizenMailSender> log) : Jobs.OutboxPoller(schedule.Poll, "citizen e-mails", log)
{
    /// <summary>Tries the one e-mail just recorded; true when it was sent now (else the background sender goes on trying).</summary>
    public async Task<bool> SendNowAsync(string tenantId, string mailId, CancellationToken cancel = default)
    {
        try
        {
            var leased = await outbox.LeaseAsync(schedule.Owner, schedule.Lease, 1, tenantId, mailId, cancel).ConfigureAwait(false);
            return leased.Count == 1 && await HandleAsync(leased[0], cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            log.LogWarning("citizen e-mail {Mail} not sent now (the background sender tries again): {Error}", mailId, e.Message);
            return false;
        }
    }

    /// <summary>Leases and handles one batch of due e-mails; returns how many it handled.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken cancel)
    {
        var batch = await outbox.LeaseAsync(schedule.Owner, schedule.Lease, 20, cancel: cancel).ConfigureAwait(false);
        foreach (var mail in batch) await HandleAsync(mail, cancel).ConfigureAwait(false);
        return batch.Count;
    }

    private async Task<bool> HandleAsync(CitizenMail mail, CancellationToken cancel)
    {
        var found = await outbox.CaseAsync(mail.TenantId, mail.InstanceId, cancel).ConfigureAwait(false);
        if (found?.ContactEmail is not { } to)
        {
            await outbox.FailedAsync(mail, found is null ? "the case is gone" : "the case has no address", cancel).ConfigureAwait(false);
            return false;
        }
        var t = engines.Get(mail.TenantId);
        ProcessInstanceView view;
        try { view = t.Engine.GetInstance(mail.InstanceId); }
        catch (WorkflowNotFoundException)
        {
            if (time.GetUtcNow() - mail.CreatedAt > schedule.NeverStarted)
                await outbox.FailedAsync(mail, "the case was never started", cancel).ConfigureAwait(false);
            else
                await outbox.RetryAsync(mail, time.GetUtcNow() + TimeSpan.FromSeconds(5), "the case is not started yet", countsAsTry: false, cancel).ConfigureAwait(false);
            return false;
        }
        var service = t.Catalog.Find(view.ProcessId, view.Version)?.Name ?? t.Catalog.Latest(found.ProcessId)?.Name ?? found.ProcessId;
        var result = await mails.SendAsync(mail.TenantId, mail.Id, mail.Kind, to, service, found.Aktenzeichen, mail.InstanceId, found.CreatedAt, cancel).ConfigureAwait(false);
        switch (result)
        {
            case CitizenMailResult.Sent:
                await outbox.DoneAsync(mail, CancellationToken.None).ConfigureAwait(false);
                return true;
            case CitizenMailResult.Refused refused:
                log.LogWarning("citizen e-mail ({Kind}) of case {Instance} refused, not tried again: {Reason}", mail.Kind, mail.InstanceId, refused.Reason);
                await outbox.FailedAsync(mail, refused.Reason, CancellationToken.None).ConfigureAwait(false);
                return false;
            case CitizenMailResult.Retry retry when mail.Attempts + 1 >= schedule.Attempts:
                log.LogWarning("citizen e-mail ({Kind}) of case {Instance} given up after {Attempts} tries: {Reason}", mail.Kind, mail.InstanceId, mail.Attempts + 1, retry.Reason);
                await outbox.FailedAsync(mail, retry.Reason, CancellationToken.None).ConfigureAwait(false);
                return false;
            case CitizenMailResult.Retry retry:
                await outbox.RetryAsync(mail, time.GetUtcNow() + schedule.BackOff(mail.Attempts + 1), retry.Reason, cancel: CancellationToken.None).ConfigureAwait(false);
                return false;
            default:
                return false;
        }
    }
}

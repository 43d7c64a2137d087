using EGov.Workflows.Runtime.Store;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>When and how often the sender tries (see <see cref="ServeOptions.AssignmentMailRetry"/>).</summary>
public sealed record AssignmentMailSchedule(string Owner, TimeSpan Poll, TimeSpan Retry, int Attempts)
{
    /// <summary>How long a leased entry stays with this node: longer than any send takes (the SMTP timeout), short enough for a takeover.</summary>
    public Duration Lease { get; init; } = Duration.FromMinutes(2);

    /// <summary>The wait after the <paramref name="attempts"/>-th failed try: <see cref="Retry"/> doubled each time, at most an hour.</summary>
    public TimeSpan BackOff(int attempts) => Jobs.OutboxPoller.BackOff(Retry, attempts);
}

/// <summary>
/// Sends the assignment e-mails of the store's outbox in the background, one sender per node: it leases a few entries
/// (another node never holds the same one), sends each through <see cref="AssignmentMail"/>, removes what is done, and
/// puts back what failed for a later try with back-off. After the last try an entry is marked failed and logged — with
/// the task, the person and the reason, never the mail's text or any credential. The mail server being down delays no
/// command and loses no mail.
/// </summary>
public sealed class AssignmentMailSender(IAssignmentOutbox outbox, AssignmentMail mail, AssignmentMailSchedule schedule, IClock clock, ILogger<AssignmentMailSender> log)
    : Jobs.OutboxPoller(schedule.Poll, "E-Mail bei Zuweisung", log)
{
    /// <summary>Leases and handles one batch; returns how many entries it handled.</summary>
    public override async Task<int> RunOnceAsync(CancellationToken cancel)
    {
        var batch = outbox.LeaseAssignments(schedule.Owner, clock.GetCurrentInstant(), schedule.Lease, 20);
        foreach (var entry in batch)
        {
            MailDelivery result;
            try { result = await mail.DeliverAsync(entry.Assignment, cancel).ConfigureAwait(false); }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested) { throw; }
            catch (Exception e) when (e is not OutOfMemoryException) { result = new MailDelivery.Retry($"{e.GetType().Name}: {e.Message}"); }
            var a = entry.Assignment;
            switch (result)
            {
                case MailDelivery.Done:
                    outbox.AssignmentDone(entry);
                    break;
                case MailDelivery.Refused refused:
                    log.LogWarning("E-Mail bei Zuweisung for '{User}' (task {Task}) refused by the mail server, not retried: {Reason}", a.Assignee, a.TaskId, refused.Reason);
                    outbox.AssignmentFailed(entry, refused.Reason);
                    break;
                case MailDelivery.Retry retry when entry.Attempts + 1 >= schedule.Attempts:
                    log.LogWarning("E-Mail bei Zuweisung for '{User}' (task {Task}) given up after {Attempts} tries: {Reason}", a.Assignee, a.TaskId, entry.Attempts + 1, retry.Reason);
                    outbox.AssignmentFailed(entry, retry.Reason);
                    break;
                case MailDelivery.Retry retry:
                    outbox.AssignmentRetry(entry, clock.GetCurrentInstant() + Duration.FromTimeSpan(schedule.BackOff(entry.Attempts + 1)), retry.Reason);
                    break;
            }
        }
        return batch.Count;
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Jobs;

/// <summary>
/// The background loop of an outbox sender (e-mail on assignment, the citizens' e-mails): lease and handle a batch
/// (<see cref="RunOnceAsync"/>), at once again while there was something to do, else wait the poll interval; an outbox
/// that cannot be read is logged and tried again at the next poll. One sender per node; the outbox's leases keep two nodes
/// off the same entry.
/// </summary>
public abstract class OutboxPoller : BackgroundService
{
    private readonly TimeSpan _poll;
    private readonly string _outbox;
    private readonly ILogger _log;

    /// <param name="poll">The wait when a round found nothing to do.</param>
    /// <param name="outbox">How the log names the outbox (never an address or a mail's text).</param>
    protected OutboxPoller(TimeSpan poll, string outbox, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(log);
        _poll = poll;
        _outbox = outbox;
        _log = log;
    }

    /// <summary>Leases and handles one batch; returns how many entries it handled.</summary>
    public abstract Task<int> RunOnceAsync(CancellationToken cancel);

    /// <summary>The wait after the <paramref name="attempts"/>-th failed try: <paramref name="retry"/> doubled each time, at most an hour.</summary>
    public static TimeSpan BackOff(TimeSpan retry, int attempts) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromHours(1).Ticks, retry.Ticks * (1L << Math.Clamp(attempts - 1, 0, 20))));

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int handled;
            try { handled = await RunOnceAsync(stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.LogWarning("{Outbox}: the outbox cannot be read now: {Error}", _outbox, e.Message);
                handled = 0;
            }
            if (handled > 0) continue;
            try { await Task.Delay(_poll, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }
}

using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Jobs;

/// <summary>
/// The job loop for --store memory (durable stores use the persistence layer's JobExecutor with leases): a
/// loop that runs every due timer and job of every tenant through the engine's due-work command, then sleeps until the
/// next one is due (at most <see cref="ServeOptions.JobPollInterval"/>). One node only: it takes no job lock.
/// A conflicting commit (a user completed the same instance at the same moment) is retried on the next round.
/// Fair between tenants: each tenant gets a turn of at most <see cref="Slice"/> per round (at least one job), so one tenant's
/// flood of slow jobs keeps no other tenant's timer waiting for more than a round.
/// </summary>
internal sealed class DueWorkLoop(TenantEngines engines, ServeOptions options, ILogger<DueWorkLoop> log) : BackgroundService
{
    /// <summary>A tenant's turn in one round: past it, the loop goes on with the next tenant (what is left runs next round).</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // the host's start (and the first requests) never wait for a round of due work
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.JobPollInterval;
            var failed = false;
            foreach (var tenant in engines.All)
            {
                if (stoppingToken.IsCancellationRequested) break;
                try
                {
                    var turn = System.Diagnostics.Stopwatch.GetTimestamp();
                    var ran = 0;
                    while (ran < 500 && tenant.Engine.RunDueJobs(max: 1) > 0 && System.Diagnostics.Stopwatch.GetElapsedTime(turn) < Slice) ran++;
                    if (tenant.Engine.NextDueTime() is { } next)
                    {
                        var until = (next - tenant.Engine.Now).ToTimeSpan();
                        if (until < wait) wait = until < TimeSpan.FromMilliseconds(20) ? TimeSpan.FromMilliseconds(20) : until;
                    }
                }
                catch (ConcurrencyConflictException)
                {
                    wait = TimeSpan.FromMilliseconds(50);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // a job that fails outside the engine's incident handling must not spin the loop: rest a full interval
                    log.LogError(e, "job loop: tenant {Tenant}: {Message}", tenant.TenantId, e.Message);
                    failed = true;
                }
            }
            if (failed) wait = options.JobPollInterval;
            try { await Task.Delay(wait, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }
}

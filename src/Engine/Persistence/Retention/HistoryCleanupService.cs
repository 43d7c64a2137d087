using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;

namespace EGov.Workflows.Persistence.Retention;

/// <summary>
/// Deletes ended instances' history and variables after their process definition's camunda:historyTimeToLive (DSGVO),
/// every <see cref="Interval"/>, in batches. Safe on many nodes: deleting a tree twice deletes nothing the second time.
/// </summary>
public sealed class HistoryCleanupService(EfRuntimeStore store, IClock clock, ILogger<HistoryCleanupService>? log = null) : BackgroundService
{
    private readonly ILogger _log = log ?? NullLogger<HistoryCleanupService>.Instance;

    /// <summary>Time between two cleanups.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Root instances deleted per batch.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// After a full batch the job rests this many times as long as the batch took (1: it works at most half the time; 0: no
    /// rest). Deleting holds the store's writer (SQLite has one), so a job that deletes back to back takes the commits of the
    /// cases being worked: W9 measured W3 losing half its rate beside it. A day's expiries still go in seconds.
    /// </summary>
    public double PauseFactor { get; init; } = 1.0;

    /// <summary>How the job rests between batches (a test records the rests instead of sleeping).</summary>
    internal Action<TimeSpan, CancellationToken> Rest { get; init; } = (pause, stop) => stop.WaitHandle.WaitOne(pause);

    /// <summary>One cleanup: deletes batches until none is left, resting between them. Returns how many root instances it deleted.</summary>
    public int RunOnce(CancellationToken stop = default)
    {
        var total = 0;
        while (!stop.IsCancellationRequested)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var deleted = store.DeleteExpiredHistory(clock.GetCurrentInstant(), BatchSize);
            total += deleted.Count;
            if (deleted.Count < BatchSize) break;
            if (PauseFactor > 0) Rest(System.Diagnostics.Stopwatch.GetElapsedTime(started) * PauseFactor, stop);
        }
        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var n = RunOnce(stoppingToken);
                if (n > 0 && _log.IsEnabled(LogLevel.Information)) _log.LogInformation("history retention: deleted {Count} ended instances", n);
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                if (_log.IsEnabled(LogLevel.Error)) _log.LogError(e, "history retention failed: {Message}", e.Message);
            }
            try { await Task.Delay(Interval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }
}

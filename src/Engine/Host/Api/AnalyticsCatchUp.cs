using EGov.Workflows.Persistence.Analytics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Api;

/// <summary>
/// Folds new history into the analytics aggregates in the background (every 30 seconds), so the request of
/// <c>/analyse</c> finds little left to fold itself. A failed run (store down) is logged once and tried again later.
/// </summary>
internal sealed class AnalyticsCatchUp(IProcessAnalytics analytics, ILogger<AnalyticsCatchUp> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, stoppingToken);
                await Task.Run(analytics.CatchUp, stoppingToken);
                failing = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
#pragma warning disable CA1031 // a background catch-up must survive any store fault; the next run tries again
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (!failing) log.LogWarning("analytics catch-up failed, trying again in {Seconds} s: {Message}", Interval.TotalSeconds, e.Message);
                failing = true;
            }
        }
    }
}

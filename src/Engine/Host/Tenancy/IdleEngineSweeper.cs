using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Tenancy;

/// <summary>
/// Releases the engines of tenants unused for <see cref="ServeOptions.EngineIdleTimeout"/> (durable stores; see
/// <see cref="TenantEngines.ReleaseIdle"/>), checking once a minute or at a tenth of the timeout, whichever is shorter.
/// </summary>
internal sealed class IdleEngineSweeper(TenantEngines engines, ServeOptions options, ILogger<IdleEngineSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = options.EngineIdleTimeout / 10 < TimeSpan.FromMinutes(1) ? options.EngineIdleTimeout / 10 : TimeSpan.FromMinutes(1);
        if (every < TimeSpan.FromMilliseconds(50)) every = TimeSpan.FromMilliseconds(50);
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var released = engines.ReleaseIdle(options.EngineIdleTimeout);
                if (released.Count > 0 && log.IsEnabled(LogLevel.Information))
                    log.LogInformation("released the engines of {Count} idle tenants ({Tenants})", released.Count, string.Join(", ", released.Take(10)));
            }
        }
        catch (OperationCanceledException) { }
    }
}

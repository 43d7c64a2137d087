using EGov.Workflows.Host.Tenancy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Deployment;

/// <summary>
/// Several nodes over one store: every <see cref="ServeOptions.DeploymentCatchUpInterval"/> (2 s) each tenant engine of this node compares the stored deployments'
/// stamp with what it last read (one indexed read per tenant) and catches up when another node deployed, deleted or
/// replaced a version. Starts and definition lists catch up before they answer anyway; this bounds how long a command on
/// an existing case — a task completed here for a case another node started on a version deployed there — can meet a
/// model this node has not read yet.
/// </summary>
internal sealed class DeploymentWatch(TenantEngines engines, ServeOptions options, ILogger<DeploymentWatch> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.DeploymentCatchUpInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                foreach (var tenant in engines.All)
                {
                    try { tenant.CatchUp(); }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // the store away: the readiness probe reports it; the next round tries again
                        if (log.IsEnabled(LogLevel.Debug)) log.LogDebug(e, "catching up the deployments of tenant {Tenant} failed", tenant.TenantId);
                    }
                }
        }
        catch (OperationCanceledException) { }
    }
}

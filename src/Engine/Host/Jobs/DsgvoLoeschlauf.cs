using EGov.Workflows.Catalogue.Services;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Retention;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace EGov.Workflows.Host.Jobs;

/// <summary>
/// The DSGVO deletion run of a durable store (issue 12): every <see cref="Interval"/>, for each tenant with an engine, the
/// ended cases of every service whose <c>service.yaml</c> names an <c>aufbewahrungsfrist</c> are deleted once it is over —
/// or once their Aussonderung finished — each leaving a tombstone (<see cref="CaseDeletionService"/>). Attachment files of
/// an attachment folder that no case refers to any more are deleted after the commit. Safe on many nodes: a case deleted
/// twice keeps its first tombstone.
/// </summary>
public sealed class DsgvoLoeschlauf(EfRuntimeStore store, TenantEngines engines, ServeOptions options, ILogger<DsgvoLoeschlauf> log) : BackgroundService
{
    /// <summary>Time between two runs (default one hour; the first run a minute after the start).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The retention rules of a tenant's services: process, Aufbewahrungsfrist, and how the tombstone names the rule.</summary>
    public static IReadOnlyList<CaseRetentionRule> Rules(IEnumerable<ServiceDescription> services) =>
        services.Where(s => s.Aufbewahrungsfrist is not null)
            .Select(s => new CaseRetentionRule(s.ProcessId, s.Aufbewahrungsfrist!, $"service.yaml {s.Id}: aufbewahrungsfrist {s.Aufbewahrungsfrist}"))
            .ToList();

    /// <summary>One run over every tenant with an engine; returns how many cases were deleted.</summary>
    public int RunOnce(IClock clock)
    {
        var deleted = 0;
        foreach (var tenant in engines.All)
        {
            var rules = Rules(tenant.Services.All);
            if (rules.Count == 0) continue;
            var results = new CaseDeletionService(store, clock, null).RunOnce(tenant.TenantId, rules);
            foreach (var r in results.Where(r => !r.AlreadyDeleted))
            {
                deleted++;
                if (log.IsEnabled(LogLevel.Information))
                    log.LogInformation("DSGVO-Löschung: Vorgang {Aktenzeichen} ({Instance}, {Process}) gelöscht – {Reason}; Regel: {Rule}",
                    r.Tombstone.Aktenzeichen, r.Tombstone.RootInstanceId, r.Tombstone.ProcessId, r.Tombstone.Reason, r.Tombstone.Rule);
                DeleteAttachmentFiles(options, tenant.TenantId, r, log);
            }
        }
        return deleted;
    }

    /// <summary>After a deletion's commit: the files of an attachment folder that no case of the tenant refers to any more.</summary>
    public static void DeleteAttachmentFiles(ServeOptions options, string tenantId, CaseDeletionResult r, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(log);
        if (options.AttachmentDirectory is not { } dir) return;
        foreach (var hash in r.UnusedAttachmentHashes)
        {
            var path = Path.Combine(dir, tenantId, hash);
            try { if (File.Exists(path)) File.Delete(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (log.IsEnabled(LogLevel.Warning))
                    log.LogWarning("DSGVO-Löschung: die Anhangsdatei {Path} von Vorgang {Instance} konnte nicht gelöscht werden: {Error}", path, r.Tombstone.RootInstanceId, e.Message);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try { await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken).ConfigureAwait(false); }
        catch (OperationCanceledException) { return; }
        while (!stoppingToken.IsCancellationRequested)
        {
            try { RunOnce(SystemClock.Instance); }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                log.LogError("DSGVO-Löschung fehlgeschlagen: {Error}", e.Message);
            }
            try { await Task.Delay(Interval, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }
}

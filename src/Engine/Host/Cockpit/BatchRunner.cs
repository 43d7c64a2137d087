using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Migration;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Cockpit;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace EGov.Workflows.Host.Cockpit;

/// <summary>The cockpit's store, clock and this node's name, shared by the endpoints and the batch runner.</summary>
public sealed class CockpitServices(ICockpitStore store, IClock clock, string node)
{
    public ICockpitStore Store { get; } = store;
    public IClock Clock { get; } = clock;
    /// <summary>The name this node leases batches under (a restarted node of the same name takes its batches back at once).</summary>
    public string Node { get; } = node;
    /// <summary>How long a batch lease lasts without progress; a dead node's batch is taken over after it.</summary>
    public Duration Lease { get; init; } = Duration.FromSeconds(30);

    /// <summary>Records an operator's change in the case's journal.</summary>
    public void Record(string tenantId, string rootId, string action, string? reason, string? detail, string userId, string? batchId = null) =>
        Store.Record(tenantId, new OperatorAction(Guid.NewGuid().ToString("N"), rootId, action, reason, detail, userId, batchId, Clock.GetCurrentInstant()));
}

/// <summary>
/// Runs batch operations in the background, one case after the other: leases a running batch (any node may, one at a time),
/// does each pending case as its own command, records the outcome per case and extends the lease. A node that dies leaves
/// a lease that expires after 30 s, and the batch goes on — on another node or after the restart — with the cases still
/// pending. A case done just before a node died but not yet recorded is done again: retry and cancel then find nothing
/// to do (skipped), setting a variable sets the same value, a migration finds the case on the target version (skipped).
/// </summary>
public sealed class BatchRunner(CockpitServices cockpit, TenantEngines engines, ServeOptions options, ILogger<BatchRunner> log) : BackgroundService
{
    private const int Chunk = 25;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var worked = false;
            try { worked = RunOnce(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("batch operations: {Message}", e.Message);
            }
            try { await Task.Delay(worked ? TimeSpan.FromMilliseconds(10) : options.JobPollInterval, stoppingToken); }
            catch (OperationCanceledException) { break; }
        }
    }

    /// <summary>Leases one batch and does up to one chunk of its cases; false when there was nothing to do.</summary>
    public bool RunOnce(CancellationToken cancel = default)
    {
        var now = cockpit.Clock.GetCurrentInstant();
        if (cockpit.Store.Lease(cockpit.Node, now, now + cockpit.Lease) is not { } leased) return false;
        var tenant = engines.Get(leased.TenantId);
        var batch = cockpit.Store.FindBatch(leased.TenantId, leased.BatchId);
        if (batch is null || batch.Status != BatchStates.Running) return false;
        var pending = cockpit.Store.Pending(batch.Id, Chunk);
        if (pending.Count == 0)
        {
            cockpit.Store.Complete(batch.Id, cockpit.Clock.GetCurrentInstant());
            return true;
        }
        foreach (var item in pending)
        {
            cancel.ThrowIfCancellationRequested();
            // Stopped meanwhile (an operator cancelled it): leave the rest pending.
            if (cockpit.Store.FindBatch(leased.TenantId, batch.Id)?.Status != BatchStates.Running) return true;
            var (status, message) = Do(tenant, batch, item.InstanceId, item.Reason);
            var at = cockpit.Clock.GetCurrentInstant();
            cockpit.Store.Finish(batch.Id, item.Position, status, message, at, cockpit.Node, at + cockpit.Lease);
        }
        return true;
    }

    /// <summary>
    /// Does the batch's operation to one case: its outcome and a message for the report (German, for the operator). The case's
    /// journal entry carries <paramref name="ownReason"/> when the batch gave the case one, else the batch's reason.
    /// </summary>
    public (string Status, string? Message) Do(TenantEngine t, BatchOperation batch, string rootId, string? ownReason = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(batch);
        var reason = ownReason ?? batch.Reason;
        try
        {
            var s = t.Engine.Store.Load(t.TenantId, rootId);
            if (s is null) return (BatchStates.Failed, "Vorgang nicht gefunden");
            switch (batch.Kind)
            {
                case BatchKinds.Retry:
                {
                    var incidents = t.Engine.Store.OpenIncidents(t.TenantId, rootId);
                    if (incidents.Count == 0) return (BatchStates.Skipped, "keine offene Störung");
                    foreach (var i in incidents) t.Engine.RetryIncident(i.Incident.Id, batch.CreatedBy);
                    cockpit.Record(t.TenantId, rootId, BatchKinds.Retry, reason, string.Join(", ", incidents.Select(i => i.Incident.ElementId)), batch.CreatedBy, batch.Id);
                    return (BatchStates.Succeeded, $"{incidents.Count} Störung(en) erneut versucht");
                }
                case BatchKinds.Cancel:
                    if (s.IsEnded) return (BatchStates.Skipped, "bereits beendet");
                    t.Engine.CancelInstance(rootId, batch.CreatedBy);
                    cockpit.Record(t.TenantId, rootId, BatchKinds.Cancel, reason, null, batch.CreatedBy, batch.Id);
                    return (BatchStates.Succeeded, "abgebrochen");
                case BatchKinds.SetVariables:
                {
                    if (s.IsEnded) return (BatchStates.Skipped, "bereits beendet");
                    var variables = JsonNode.Parse(batch.Payload)!.AsObject();
                    t.Engine.SetVariables(rootId, variables, batch.CreatedBy, reason);
                    cockpit.Record(t.TenantId, rootId, BatchKinds.SetVariables, reason, string.Join(", ", variables.Select(v => v.Key)), batch.CreatedBy, batch.Id);
                    return (BatchStates.Succeeded, "Variablen gesetzt");
                }
                case BatchKinds.Migrate:
                {
                    var plan = JsonSerializer.Deserialize<MigrationPlan>(batch.Payload, Json)!;
                    if (s.IsEnded) return (BatchStates.Skipped, "bereits beendet");
                    if (s.ProcessId == plan.ProcessId && s.DefinitionVersion == plan.ToVersion) return (BatchStates.Skipped, $"läuft bereits auf Version {plan.ToVersion}");
                    var one = plan with { InstanceIds = [rootId] };
                    var validation = MigrationValidator.Validate(t, one);
                    if (!validation.Valid) return (BatchStates.Failed, string.Join("; ", validation.Errors));
                    var result = InstanceMigrator.Run(t, one, validation, batch.CreatedBy);
                    if (result.Failed.Count > 0) return (BatchStates.Failed, string.Join("; ", result.Failed.Select(f => f.Reason)));
                    cockpit.Record(t.TenantId, rootId, BatchKinds.Migrate, reason, $"{plan.ProcessId} Version {plan.FromVersion} → {plan.ToVersion}", batch.CreatedBy, batch.Id);
                    return (BatchStates.Succeeded, $"auf Version {plan.ToVersion} migriert");
                }
                default:
                    return (BatchStates.Failed, $"unbekannte Sammelaktion '{batch.Kind}'");
            }
        }
        catch (WorkflowEndedException) { return (BatchStates.Skipped, "bereits beendet"); }
        catch (WorkflowNotFoundException e) { return (BatchStates.Failed, e.Message); }
        catch (ConcurrencyConflictException) { return (BatchStates.Failed, "gleichzeitig geändert; bitte erneut versuchen"); }
        catch (WorkflowCommandException e) { return (BatchStates.Failed, e.Message); }
    }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

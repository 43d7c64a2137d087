using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Host.Migration;

/// <summary>
/// Moves running instances to another deployed version through the store's public unit of work: each instance
/// document is read, its element ids (tokens, scopes, tasks, subscriptions, timers, incidents) are rewritten by the
/// validated mapping, its definition version is set, and it is committed on its own (optimistic concurrency: an instance
/// changed meanwhile is reported, not overwritten). Instances go in batches of <see cref="MigrationPlan.BatchSize"/>.
/// History keeps the old ids: it records what happened.
/// </summary>
public static class InstanceMigrator
{
    public const int DefaultBatchSize = 100;

    /// <param name="userId">Who migrates (the caller, for the history); null: not known.</param>
    public static MigrationResult Run(TenantEngine tenant, MigrationPlan plan, MigrationValidation validation, string? userId = null, CancellationToken cancel = default)
    {
        if (!validation.Valid) throw new InvalidOperationException("the plan is not valid");
        var from = plan.FromVersion!.Value;
        var to = plan.ToVersion!.Value;
        var map = validation.ActiveElements.Where(a => a.MappedTo is not null).ToDictionary(a => a.ElementId, a => a.MappedTo!, StringComparer.Ordinal);
        foreach (var (k, v) in plan.Mapping ?? []) map[k] = v;
        var failed = new List<MigrationFailure>();
        var migrated = 0;
        var batches = 0;
        foreach (var batch in validation.InstanceIds.Chunk(plan.BatchSize ?? DefaultBatchSize))
        {
            cancel.ThrowIfCancellationRequested();
            batches++;
            foreach (var id in batch)
            {
                var s = tenant.Engine.Store.Load(tenant.TenantId, id);
                if (s is null || s.IsEnded) { failed.Add(new MigrationFailure(id, "the instance has ended meanwhile")); continue; }
                if (s.ProcessId != plan.ProcessId || s.DefinitionVersion != from)
                { failed.Add(new MigrationFailure(id, $"the instance runs version {s.DefinitionVersion} now")); continue; }
                Rewrite(s, map, to);
                try
                {
                    var changes = new RuntimeChangeSet { TenantId = tenant.TenantId };
                    changes.Instances.Add(s);
                    changes.History.Add(Migrated(s, from, to, userId, tenant.Engine.Now)); // in the same commit: migrated, and recorded
                    tenant.Engine.Store.Commit(changes);
                    migrated++;
                }
                catch (ConcurrencyConflictException e)
                {
                    failed.Add(new MigrationFailure(id, $"changed by another command during the migration; run it again for this instance ({e.Message})"));
                }
            }
        }
        return new MigrationResult(plan.ProcessId!, from, to, migrated, batches, failed);
    }

    /// <summary>
    /// The history row of a migration: who moved the instance from which version to which, and when — an entry of the
    /// instance's element history of type <c>migration</c> at the process, beside the elements it ran.
    /// </summary>
    public static ElementInstanceRecord Migrated(ProcessInstanceState s, int from, int to, string? userId, NodaTime.Instant now) => new()
    {
        Id = $"{s.Id}.h{++s.Sequence}", TenantId = s.TenantId, InstanceId = s.Id, RootInstanceId = s.RootInstanceId, ProcessId = s.ProcessId,
        ElementId = s.ProcessId, ElementType = MigrationElementType,
        ElementName = $"Migration von Version {from} auf Version {to}" + (userId is null ? "" : $" durch {userId}"),
        StartedAt = now, EndedAt = now, Completed = true, Sequence = s.Sequence,
    };

    /// <summary>The element type of a migration's history row.</summary>
    public const string MigrationElementType = "migration";

    /// <summary>Rewrites every element id of the document by the mapping (ids not in it stay) and sets the version.</summary>
    public static void Rewrite(ProcessInstanceState s, IReadOnlyDictionary<string, string> map, int toVersion)
    {
        string M(string id)
        {
            var hash = id.IndexOf('#', StringComparison.Ordinal);
            var (bare, rest) = hash < 0 ? (id, "") : (id[..hash], id[hash..]);
            return map.TryGetValue(bare, out var n) ? n + rest : id;
        }
        foreach (var t in s.Tokens) t.ElementId = M(t.ElementId);
        foreach (var sc in s.Scopes.Where(x => x.Kind != ScopeKind.Process)) sc.ElementId = M(sc.ElementId);
        foreach (var x in s.Subscriptions) x.ElementId = M(x.ElementId);
        foreach (var j in s.Jobs) j.ElementId = M(j.ElementId);
        foreach (var u in s.UserTasks) u.ElementId = M(u.ElementId);
        foreach (var x in s.ExternalTasks) x.ElementId = M(x.ElementId);
        foreach (var i in s.Incidents) i.ElementId = M(i.ElementId);
        foreach (var c in s.Compensations)
        {
            c.ElementId = M(c.ElementId);
            if (c.HandlerElementId is { } h) c.HandlerElementId = M(h);
            if (c.EventSubProcessId is { } e) c.EventSubProcessId = M(e);
        }
        s.DefinitionVersion = toVersion;
    }
}

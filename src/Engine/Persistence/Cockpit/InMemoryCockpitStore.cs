using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Cockpit;

/// <summary>The cockpit's journal and batches in memory (<c>--store memory</c>, tests): lost at exit, like the cases. Thread-safe.</summary>
public sealed class InMemoryCockpitStore : ICockpitStore
{
    private readonly Lock _lock = new();
    private readonly List<(string Tenant, OperatorAction Action)> _actions = [];
    private readonly Dictionary<string, Entry> _batches = new(StringComparer.Ordinal);

    private sealed class Entry(string tenant, BatchOperation batch, List<BatchItem> items)
    {
        public string Tenant { get; } = tenant;
        public BatchOperation Batch { get; set; } = batch;
        public List<BatchItem> Items { get; } = items;
        public string? Owner { get; set; }
        public Instant? Until { get; set; }
    }

    public void Record(string tenantId, OperatorAction action)
    {
        lock (_lock) _actions.Add((tenantId, action));
    }

    public RowPage<OperatorAction> Actions(string tenantId, string rootInstanceId, int offset, int limit)
    {
        lock (_lock)
            return RowPage<OperatorAction>.Of(_actions.Where(a => a.Tenant == tenantId && a.Action.RootInstanceId == rootInstanceId)
                .Select(a => a.Action).OrderBy(a => a.At).ToList(), offset, limit);
    }

    public void CreateBatch(string tenantId, BatchOperation batch, IReadOnlyList<string> instanceIds, IReadOnlyDictionary<string, string>? reasons = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
            _batches[batch.Id] = new Entry(tenantId, batch with { Total = instanceIds.Count },
                instanceIds.Select((id, n) => new BatchItem(n, id, BatchStates.Pending, null, null, reasons?.GetValueOrDefault(id))).ToList());
    }

    public BatchOperation? FindBatch(string tenantId, string id)
    {
        lock (_lock) return _batches.TryGetValue(id, out var e) && e.Tenant == tenantId ? e.Batch : null;
    }

    public RowPage<BatchOperation> Batches(string tenantId, int offset, int limit)
    {
        lock (_lock)
            return RowPage<BatchOperation>.Of(_batches.Values.Where(e => e.Tenant == tenantId).Select(e => e.Batch)
                .OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id, StringComparer.Ordinal).ToList(), offset, limit);
    }

    public RowPage<BatchItem> Items(string tenantId, string batchId, string? status, int offset, int limit)
    {
        lock (_lock)
        {
            if (!_batches.TryGetValue(batchId, out var e) || e.Tenant != tenantId) return new([], 0);
            return RowPage<BatchItem>.Of(e.Items.Where(i => status is null || i.Status == status).ToList(), offset, limit);
        }
    }

    public LeasedBatch? Lease(string owner, Instant now, Instant until)
    {
        lock (_lock)
        {
            var e = _batches.Values.Where(x => x.Batch.Status == BatchStates.Running && (x.Owner is null || x.Owner == owner || x.Until < now))
                .OrderBy(x => x.Batch.CreatedAt).FirstOrDefault();
            if (e is null) return null;
            e.Owner = owner;
            e.Until = until;
            return new LeasedBatch(e.Tenant, e.Batch.Id);
        }
    }

    public IReadOnlyList<BatchItem> Pending(string batchId, int max)
    {
        lock (_lock)
            return _batches.TryGetValue(batchId, out var e) ? e.Items.Where(i => i.Status == BatchStates.Pending).Take(max).ToList() : [];
    }

    public void Finish(string batchId, int position, string status, string? message, Instant at, string owner, Instant leaseUntil)
    {
        lock (_lock)
        {
            if (!_batches.TryGetValue(batchId, out var e)) return;
            var item = e.Items[position];
            if (item.Status != BatchStates.Pending) return;
            e.Items[position] = item with { Status = status, Message = message, FinishedAt = at };
            var b = e.Batch;
            e.Batch = status switch
            {
                BatchStates.Succeeded => b with { Succeeded = b.Succeeded + 1 },
                BatchStates.Failed => b with { Failed = b.Failed + 1 },
                _ => b with { Skipped = b.Skipped + 1 },
            };
            if (e.Owner == owner) e.Until = leaseUntil;
        }
    }

    public void Complete(string batchId, Instant at)
    {
        lock (_lock)
        {
            if (!_batches.TryGetValue(batchId, out var e) || e.Batch.Status != BatchStates.Running) return;
            e.Batch = e.Batch with { Status = BatchStates.Completed, FinishedAt = at };
            e.Owner = null;
        }
    }

    public bool Cancel(string tenantId, string batchId, Instant at)
    {
        lock (_lock)
        {
            if (!_batches.TryGetValue(batchId, out var e) || e.Tenant != tenantId || e.Batch.Status != BatchStates.Running) return false;
            e.Batch = e.Batch with { Status = BatchStates.Cancelled, FinishedAt = at };
            e.Owner = null;
            return true;
        }
    }
}

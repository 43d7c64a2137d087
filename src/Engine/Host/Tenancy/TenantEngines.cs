using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Host.Tenancy;

/// <summary>
/// One engine per tenant (Mandant) over one shared store: every engine scopes its queries and commands to its tenant
/// (the runtime's <see cref="WorkflowEngineOptions.TenantId"/>), so nothing of tenant A is visible through tenant B.
/// Engines are created on first use; each keeps its own deployments (see <see cref="DeploymentCatalog"/>).
/// </summary>
public sealed partial class TenantEngines(IRuntimeStore store, string defaultTenant = TenantEngines.DefaultTenant, IDeploymentBackend? deployments = null,
    Sdk.ActivityRegistry? activities = null)
{
    public const string DefaultTenant = "default";
    public const string Header = "X-Tenant";

    private readonly ConcurrentDictionary<string, Lazy<TenantEngine>> _engines = new(StringComparer.Ordinal);

    public IRuntimeStore Store { get; } = store;
    public string DefaultTenantId { get; } = defaultTenant;

    /// <summary>Where deployments are versioned and kept (durable stores), or null: the engine numbers them, in memory.</summary>
    public IDeploymentBackend? Deployments { get; } = deployments;

    /// <summary>The activities of the loaded packs, shared by every tenant's engine (read-only once the server runs).</summary>
    public Sdk.ActivityRegistry Activities { get; } = activities ?? new Sdk.ActivityRegistry();

    /// <summary>The tenant's engine; created on first use with every version stored for the tenant deployed again.</summary>
    public TenantEngine Get(string tenantId)
    {
        var tenant = _engines.GetOrAdd(tenantId, id => new Lazy<TenantEngine>(() => Create(id))).Value;
        tenant.Touch();
        return tenant;
    }

    /// <summary>
    /// Releases the engines (with their deployed graphs and caches) of tenants unused for <paramref name="idle"/>, so a node
    /// serving hundreds of municipalities, or asked for many tenant ids, holds only the engines in use. Only on a durable store,
    /// where a released engine is rebuilt from the stored deployments on its next use (the memory store keeps its state in
    /// the engines' deployments); never the default tenant (its processes folder and service catalogue are loaded at start).
    /// Returns the released tenants.
    /// </summary>
    public IReadOnlyList<string> ReleaseIdle(TimeSpan idle)
    {
        if (Deployments is null) return [];
        var released = new List<string>();
        var now = Environment.TickCount64;
        foreach (var (id, lazy) in _engines)
        {
            if (id == DefaultTenantId || !lazy.IsValueCreated || now - lazy.Value.LastUsed < idle.TotalMilliseconds) continue;
            if (_engines.TryRemove(new KeyValuePair<string, Lazy<TenantEngine>>(id, lazy))) released.Add(id);
        }
        return released;
    }

    /// <summary>Which tenants exist (<see cref="GetKnown"/>); every id when not set.</summary>
    public TenantDirectory Directory { get; set; } = TenantDirectory.Open;

    /// <summary>
    /// The engine of a tenant of this installation, or null for an id no configuration, identity or stored deployment names
    /// (nothing is created for it): what an operator's request (every tenant, "*") gets for its <c>X-Tenant</c>.
    /// </summary>
    public TenantEngine? GetKnown(string tenantId)
    {
        if (_engines.TryGetValue(tenantId, out var existing) || tenantId == DefaultTenantId || Directory.IsKnown(tenantId)) return Get(tenantId);
        return null;
    }

    /// <summary>How many tenants have an engine now.</summary>
    public int Count => _engines.Count;

    /// <summary>Open process instances (root and called) one tenant may hold (<see cref="ServeOptions.MaxOpenInstancesPerTenant"/>).</summary>
    public long MaxOpenInstances { get; init; } = long.MaxValue;

    /// <summary>Where a tenant's imported Leistungen are read (durable stores: <c>egov catalogue import</c>); none otherwise.</summary>
    public Func<string, IReadOnlyList<EGov.Workflows.Catalogue.Leistungen.Leistung>>? Leistungen { get; init; }

    /// <summary>The Fristen calculator of a tenant (its Land and local holidays, <see cref="TenantFristen"/>); null: Hessen.</summary>
    public Func<string, Time.FristCalculator>? Fristen { get; init; }

    /// <summary>The documents of a case file (the Postkorb's attachments), by tenant and root instance id; set once the case files exist.</summary>
    public Func<string, string, IReadOnlyList<EGov.Workflows.Sdk.CaseDocument>>? CaseDocuments { get; set; }

    /// <summary>Files the documents an activity made in a case file (tenant, root instance, element id); null: no case files.</summary>
    public Action<string, string, string, IReadOnlyList<EGov.Workflows.Sdk.NewCaseDocument>>? AddCaseDocument { get; set; }

    /// <summary>A tenant's service descriptions set at start (the shared services with its overlays); kept for an engine rebuilt after release.</summary>
    public Func<string, IReadOnlyList<EGov.Workflows.Catalogue.Services.ServiceDescription>?>? ServicesOf { get; set; }

    /// <summary>How large variables may be in every tenant's engine (<see cref="ServeOptions.VariableLimits"/>).</summary>
    public VariableLimits VariableLimits { get; init; } = VariableLimits.Default;

    /// <summary>Wakes the node's job loop (set by the server once its job executor exists); null: nothing to wake.</summary>
    public Action<string>? WakeJobs { get; set; }

    private TenantEngine Create(string id)
    {
        TenantEngine? created = null;
        var tenant = created = new TenantEngine(id, new WorkflowEngine(new WorkflowEngineOptions
        {
            Store = Store, TenantId = id, Activities = Activities, VariableLimits = VariableLimits,
            Fristen = Fristen?.Invoke(id) ?? Time.FristCalculator.Hessen,
            // The case's Frist of a process whose model has none: its service's Bearbeitungsfrist (service.yaml).
            Bearbeitungsfrist = processId => created?.Services.Bearbeitungsfrist(processId),
            // What the eAkte activities read of the service (Aktenplan, Aufbewahrungsfrist) and of the case file (uploads).
            ServiceFacts = processId => created?.Services.Facts(processId),
            CaseDocuments = (tenant, root) => CaseDocuments?.Invoke(tenant, root) ?? [],
            // Read at each call: the server sets it after the first tenants exist.
            AddCaseDocument = (tenant, root, element, documents) => AddCaseDocument?.Invoke(tenant, root, element, documents),
            // Before new instances pick a version: what another node deployed meanwhile (durable stores only).
            CatchUpDeployments = Deployments is { } backend ? _ => { if (created is { } t) backend.CatchUp(t); } : null,
            // Every instance a command creates counts (starts by id or message, start timers, call activities, signals).
            InstanceQuota = MaxOpenInstances < long.MaxValue
                ? new InstanceQuota(MaxOpenInstances, () => created?.OpenCases() ?? 0, n => created?.CaseStarted(n)) : null,
            // A commit that left work due now wakes this node's job executor (no wait for its next poll).
            DueWorkCreated = tenantId => WakeJobs?.Invoke(tenantId),
        }), Deployments);
        if (Leistungen is { } read) tenant.Services.Imported = () => read(id);
        if (ServicesOf?.Invoke(id) is { } services) tenant.Services.Replace(services);
        Deployments?.Restore(tenant);
        return tenant;
    }

    /// <summary>Every tenant that has an engine now (the job loop walks them).</summary>
    public IReadOnlyList<TenantEngine> All => _engines.Values.Select(l => l.Value).ToList();

    /// <summary>A tenant id: 1–64 letters, digits, '-', '_' or '.' (an AGS like 06412000 fits).</summary>
    public static bool IsValidId(string? id) => id is { Length: > 0 and <= 64 } && TenantIdPattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex TenantIdPattern();
}

/// <summary>A tenant's engine and what was deployed to it.</summary>
public sealed class TenantEngine(string tenantId, WorkflowEngine engine, IDeploymentBackend? deployments = null)
{
    public string TenantId { get; } = tenantId;
    public WorkflowEngine Engine { get; } = engine;

    /// <summary>When the engine was last asked for (<see cref="Environment.TickCount64"/>); idle engines are released.</summary>
    public long LastUsed => Volatile.Read(ref _lastUsed);
    private long _lastUsed = Environment.TickCount64;
    /// <remarks>
    /// Written at most once a second: every request and every overlay deployed side by side asks for the default tenant, and
    /// a write per ask made the cores contend for one cache line (6 % of a start's overlay phase on two cores). Idle release
    /// counts minutes.
    /// </remarks>
    internal void Touch()
    {
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref _lastUsed) >= 1000) Volatile.Write(ref _lastUsed, now);
    }
    public DeploymentCatalog Catalog { get; } = new();
    /// <summary>The form-js forms deployed with the tenant's process versions (camunda:formKey).</summary>
    public Forms.FormCatalog Forms { get; } = new();
    /// <summary>The service descriptions (service.yaml) of the tenant's processes.</summary>
    public Catalogue.ServiceRegistry Services { get; } = new();

    /// <summary>
    /// Deploys through the durable deployments when there are any (unchanged models keep their version), else the engine;
    /// the forms <paramref name="forms"/> finds for the deployed versions are kept with them — in the same transaction as
    /// the new versions in a durable store, so a failure leaves neither.
    /// </summary>
    /// <param name="deployedBy">The caller who deploys (stored as the versions' deployed_by); null for the processes folder.</param>
    /// <param name="changeNote">What changed, in the deployer's words (kept with every new version); null for none.</param>
    /// <param name="scenarios">
    /// The scenarios to keep with the new versions (durable store: in the same transaction, so a failure saving them leaves
    /// no version). Without durable deployments they are not kept here (<see cref="KeepsScenarios"/>).
    /// </param>
    public IReadOnlyList<DeployedProcess> Deploy(IReadOnlyList<(string File, Model.Definitions Definitions)> files, string? deployedBy = null, string? changeNote = null,
        Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<Forms.DeployedForm>>? forms = null,
        Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<Persistence.Deployments.StoredScenario>>? scenarios = null,
        IReadOnlyDictionary<string, string>? sourceHashes = null, IReadOnlyDictionary<string, string>? sourceTexts = null)
    {
        if (deployments is not null) return deployments.Deploy(this, files, deployedBy, changeNote, forms, scenarios, sourceHashes, sourceTexts);
        var deployed = Engine.Deploy(files);
        if (forms is not null)
        {
            var at = DateTimeOffset.UtcNow;
            var byFile = files.GroupBy(f => f.File, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Definitions, StringComparer.Ordinal);
            foreach (var f in forms(deployed.Where(p => byFile.ContainsKey(p.File)).Select(p => DeployedDefinition.From(p, byFile[p.File], at)).ToList()))
                Forms.Add(f);
        }
        return deployed;
    }

    /// <summary>The catalogue's entry as this tenant keeps it: on a durable store without its model (read again on demand).</summary>
    internal DeployedDefinition Compact(DeployedDefinition definition) => deployments?.Compact(this, definition) ?? definition;

    /// <summary>
    /// Deploys a tenant's version of a shared model by reference (issue 16 item 4): into the engine by its outline (its model
    /// made by <paramref name="load"/> on first use), and on a durable store as a row naming the shared version and the
    /// overlay, with the forms the overlay relabels (no copy of the model or of unchanged forms). A latest version from the
    /// same source is kept. Returns the version and whether it is new.
    /// </summary>
    internal (DeployedProcess Process, bool New) DeployReference(Persistence.Deployments.ReferenceVersion reference, Func<Model.Definitions> load, string? deployedBy,
        IReadOnlyList<Forms.DeployedForm> relabelled) =>
        deployments is null ? Engine.DeployReference(reference.ProcessId, reference.File, reference.Engine, load, reference.Source)
            : deployments.DeployReference(this, reference, deployedBy, relabelled);

    /// <summary>
    /// Runs <paramref name="deploy"/> (reference deploys of this tenant, <see cref="DeployReference"/>) so that a durable store
    /// keeps their rows in one transaction at the end. When that fails, nothing of it is stored and its versions are forgotten
    /// (engine, catalogue, forms), and the exception is thrown: the caller may deploy them again one by one.
    /// </summary>
    internal void DeployReferencesTogether(Action deploy)
    {
        ArgumentNullException.ThrowIfNull(deploy);
        if (deployments is null)
        {
            deploy();
            return;
        }
        var batch = deployments.BeginReferences(this);
        try
        {
            deploy();
            deployments.CommitReferences(this, batch);
        }
        catch
        {
            foreach (var (p, v) in deployments.AbortReferences(this, batch)) ForgetVersion(p, v);
            throw;
        }
    }

    /// <summary>Whether source hashes are kept (a durable store): then a restart skips unchanged files (<see cref="Unchanged"/>).</summary>
    internal bool KeepsSources => deployments is not null;

    /// <summary>The files deployed before exactly as they are now, with their catalogue entries (see <see cref="IDeploymentBackend.Unchanged"/>).</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<DeployedDefinition>> Unchanged(IReadOnlyList<(string File, byte[] Bytes)> files, Func<string, IEnumerable<string>, string> sourceHash) =>
        deployments?.Unchanged(this, files, sourceHash) ?? new Dictionary<string, IReadOnlyList<DeployedDefinition>>();

    /// <summary>Whether <see cref="Deploy"/> keeps the scenarios it is given with the new versions (durable deployments only).</summary>
    public bool KeepsScenarios => deployments is not null;

    /// <summary>What this node last read of the durable deployments (see <see cref="IDeploymentBackend.CatchUp"/>); null before.</summary>
    internal object? KnownDeployments { get => Volatile.Read(ref _knownDeployments); set => Volatile.Write(ref _knownDeployments, value); }
    private object? _knownDeployments;

    /// <summary>Reads what another node deployed since this node last looked (durable stores; nothing otherwise).</summary>
    public void CatchUp() => deployments?.CatchUp(this);

    private long _lastRefresh;

    /// <summary>
    /// Deletes a version no instance was ever started on (issue 20, item 6): from the store (with its forms and start timers),
    /// the engine and the catalogues. Answers false when the version is not deployed; throws
    /// <see cref="VersionInUseException"/> when an instance ran on it. The version before it becomes the latest again and its
    /// timer start events (replaced when the deleted one was deployed) are scheduled again; other nodes on the same store
    /// forget the deleted version at their next catch-up (before a start, a definitions list).
    /// </summary>
    public bool DeleteVersion(string processId, int version)
    {
        lock (Catalog)
        {
            if (Catalog.Find(processId, version) is null && !Engine.HasVersion(processId, version)) return false;
            if (Engine.Store.HasInstancesOf(TenantId, processId, version)) throw new VersionInUseException(processId, version);
            deployments?.Delete(TenantId, processId, version);
            if (!Engine.RemoveVersion(processId, version) && Engine.HasVersion(processId, version)) throw new VersionInUseException(processId, version);
            Catalog.Remove(processId, version);
            Forms.RemoveVersion(processId, version);
            if (_bytesByVersion.TryRemove((processId, version), out var size)) Interlocked.Add(ref _deployedBytes, -size);
            return true;
        }
    }

    /// <summary>
    /// Forgets a version another node deleted from the shared store, or replaced there by another model under the same
    /// number (called by the catch-up, which found it no longer stored, or stored with another content hash): out of the
    /// engine and the catalogues, without touching the store — its rows and start timers are the other node's.
    /// </summary>
    internal void ForgetVersion(string processId, int version)
    {
        Engine.ForgetVersion(processId, version);
        Catalog.Remove(processId, version);
        Forms.RemoveVersion(processId, version);
        if (_bytesByVersion.TryRemove((processId, version), out var size)) Interlocked.Add(ref _deployedBytes, -size);
    }

    private long _deployedBytes;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int), long> _bytesByVersion = new();

    /// <summary>How large the tenant's deployed models are together (bytes, UTF-8): the store's count, or this engine's.</summary>
    public long DeployedSize => deployments?.StoredSize(TenantId) ?? Interlocked.Read(ref _deployedBytes);

    /// <summary>Counts new versions' model size where no store keeps them (the memory store).</summary>
    internal void CountDeployed(IEnumerable<(string ProcessId, int Version, long Size)> versions)
    {
        if (deployments is not null) return;
        foreach (var (p, v, size) in versions)
            if (_bytesByVersion.TryAdd((p, v), size)) Interlocked.Add(ref _deployedBytes, size);
    }

    private long _openCases = -1;
    private long _openCasesCountedAt;

    /// <summary>
    /// Running instances of the tenant (root and called) as the open-instance quota sees them: counted in the store at most every 2 s, in between
    /// the count plus the starts since (a quota, not an exact figure: the count stays cheap under load).
    /// </summary>
    public long OpenCases()
    {
        var now = Environment.TickCount64;
        if (Interlocked.Read(ref _openCases) < 0 || now - Interlocked.Read(ref _openCasesCountedAt) > 2000)
        {
            Interlocked.Exchange(ref _openCases, Engine.Store.CountOpenCases(TenantId));
            Interlocked.Exchange(ref _openCasesCountedAt, now);
        }
        return Interlocked.Read(ref _openCases);
    }

    /// <summary>Instances were started (counted until the next count in the store).</summary>
    public void CaseStarted(int count = 1) => Interlocked.Add(ref _openCases, count);

    /// <summary>
    /// A deployed version with its model. A version this node does not know — another node deployed it after this one
    /// started — is read from the durable store: always when <paramref name="known"/> (a task or instance of it exists),
    /// else at most once a second (an unknown version in a request must not make every request read every model).
    /// </summary>
    public DeployedDefinition? Definition(string processId, int version, bool known = false)
    {
        var found = Catalog.Find(processId, version);
        if (found?.Definitions is not null || deployments is null) return found;
        var now = Environment.TickCount64;
        if (!known && now - Interlocked.Read(ref _lastRefresh) < 1000) return found;
        Interlocked.Exchange(ref _lastRefresh, now);
        lock (Catalog) deployments.Restore(this);
        return Catalog.Find(processId, version);
    }

    /// <summary>Keeps the forms of deployed versions (in <see cref="Forms"/>, and in the durable store when there is one).</summary>
    public void KeepForms(IReadOnlyList<Forms.DeployedForm> forms)
    {
        ArgumentNullException.ThrowIfNull(forms);
        foreach (var f in forms) Forms.Add(f);
        if (forms.Count > 0) deployments?.KeepForms(this, forms);
    }
}

/// <summary>A version cannot be deleted: an instance was started on it (its history refers to it).</summary>
public sealed class VersionInUseException(string processId, int version)
    : Exception($"process '{processId}' version {version} has instances (running or ended); only a version no case was ever started on can be deleted")
{
    public string ProcessId { get; } = processId;
    public int Version { get; } = version;
}

/// <summary>Durable deployments (persistence layer): version numbering that survives restarts, and restoring them into an engine.</summary>
public interface IDeploymentBackend
{
    /// <param name="forms">The forms of the deployed versions, kept in the same transaction as the new versions.</param>
    /// <param name="scenarios">The scenarios of the new versions, kept in the same transaction as the new versions.</param>
    IReadOnlyList<DeployedProcess> Deploy(TenantEngine tenant, IReadOnlyList<(string File, Model.Definitions Definitions)> files, string? deployedBy = null, string? changeNote = null,
        Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<Forms.DeployedForm>>? forms = null,
        Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<Persistence.Deployments.StoredScenario>>? scenarios = null,
        IReadOnlyDictionary<string, string>? sourceHashes = null, IReadOnlyDictionary<string, string>? sourceTexts = null);

    /// <summary>The catalogue's entry for a deployed version as this backend keeps it (without its model when it can read it again).</summary>
    DeployedDefinition Compact(TenantEngine tenant, DeployedDefinition definition) => definition;

    /// <summary>
    /// Files of the processes folder deployed before exactly as they are now (by their source hash, computed by
    /// <paramref name="sourceHash"/> from the file and the form keys of its versions), with the catalogue's entries of their
    /// processes: a restart neither reads nor writes them. None when the backend keeps no source hashes.
    /// </summary>
    IReadOnlyDictionary<string, IReadOnlyList<DeployedDefinition>> Unchanged(TenantEngine tenant, IReadOnlyList<(string File, byte[] Bytes)> files,
        Func<string, IEnumerable<string>, string> sourceHash) => new Dictionary<string, IReadOnlyList<DeployedDefinition>>();

    /// <summary>
    /// Deploys a tenant's version of a shared model as a reference (<see cref="TenantEngine.DeployReference"/>): the row names
    /// the shared version and keeps the overlay; the forms the overlay relabels are kept with it.
    /// </summary>
    (DeployedProcess Process, bool New) DeployReference(TenantEngine tenant, Persistence.Deployments.ReferenceVersion reference, string? deployedBy,
        IReadOnlyList<Forms.DeployedForm> relabelled);

    /// <summary>Starts a batch of the tenant's reference deploys (<see cref="TenantEngine.DeployReferencesTogether"/>).</summary>
    object BeginReferences(TenantEngine tenant);

    /// <summary>Stores the batch's rows in one transaction; when that fails, its versions are forgotten by the engine and it throws.</summary>
    IReadOnlyList<(string ProcessId, int Version)> CommitReferences(TenantEngine tenant, object batch);

    /// <summary>Ends the batch without storing it (the engine forgets its versions); returns them.</summary>
    IReadOnlyList<(string ProcessId, int Version)> AbortReferences(TenantEngine tenant, object batch);

    /// <summary>Deploys every stored version into a new tenant engine and lists them in its catalog, with their forms.</summary>
    void Restore(TenantEngine tenant);

    /// <summary>Restores what another node stored since this node last looked, when anything (a cheap check otherwise).</summary>
    void CatchUp(TenantEngine tenant);

    /// <summary>Keeps the forms of deployed versions so that a restarted node has them.</summary>
    void KeepForms(TenantEngine tenant, IReadOnlyList<Forms.DeployedForm> forms);

    /// <summary>Whether the store holds any version of the tenant (a tenant that deployed before is a known tenant).</summary>
    bool HasVersions(string tenantId);

    /// <summary>How large the tenant's stored models are together (characters of XML), counted in the store.</summary>
    long StoredSize(string tenantId);

    /// <summary>Deletes a stored version without instances with its forms and start timers; false when it is not stored.</summary>
    /// <exception cref="ConcurrencyConflictException">An instance of it was started meanwhile; nothing was deleted.</exception>
    bool Delete(string tenantId, string processId, int version);
}

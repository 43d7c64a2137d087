using System.Security.Cryptography;
using EGov.Workflows.Catalogue.Overlays;
using EGov.Workflows.Catalogue.Services;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Model;
using EGov.Workflows.Persistence.Catalogue;

namespace EGov.Workflows.Host.Catalogue;

/// <summary>
/// Which shared model runs for which tenant with which overlay: one row per <c>tenants/&lt;tenant&gt;/&lt;service&gt;.overlay.yaml</c>,
/// deployed (the tenant's version, merged from the shared model's files and the overlay) or refused (the overlay's problems
/// with their positions; nothing of that service was deployed for the tenant).
/// </summary>
public sealed record OverlayDeployment(
    string Tenant, string Service, string OverlayFile, string OverlayHash, string? ProcessId,
    string SharedHash, int? SharedVersion, int? Version, string State, IReadOnlyList<string> Problems);

/// <summary>
/// Shared models with local overlays (issue 16 item 4): at deploy every tenant's overlays are merged with the shared
/// models under processes/ and deployed to that tenant's engine — an update of a shared model redeploys every tenant's
/// merged version (an unchanged merge keeps its version). A tenant whose overlay no longer fits is refused with the
/// overlay's positions; the other tenants and services are deployed. The tenant's catalogue shows the overlay's fees and groups.
/// </summary>
/// <remarks>
/// With a durable store, an overlay deployed through the API is also kept in the store (<see cref="SqlOverlayStore"/>): every
/// node over it merges and shows it without a restart (<see cref="CatchUp"/>, called before the catalogue is read), and a
/// node's start deploys the kept overlays after the files under tenants/ (a kept overlay wins over its file).
/// </remarks>
public sealed class TenantOverlays(SqlOverlayStore? store = null)
{
    private readonly Lock _lock = new();
    private TenantEngines? _engines;
    /// <summary>The store's stamp when this node last read the kept overlays (null: never, or no store).</summary>
    private volatile object? _known;
    private string? _processes;
    private string? _tenants;
    /// <summary>Per service folder: the shared model every tenant's overlay is merged with (the latest deployed), read once.</summary>
    private readonly Dictionary<string, Shared> _shared = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string Service), (OverlayDeployment Row, ServiceDescription? Description)> _rows = [];
    private volatile IReadOnlyList<OverlayDeployment> _all = [];
    private volatile IReadOnlyDictionary<string, IReadOnlyList<ServiceDescription>> _services = new Dictionary<string, IReadOnlyList<ServiceDescription>>();

    private sealed record Shared(SharedService? Model, string Hash, ServiceReadResult? Service)
    {
        private IReadOnlyList<SharedProcess>? _processes;

        /// <summary>
        /// The executable processes of the shared models with their outlines, read and built once for every tenant's version
        /// by reference; <see cref="Runtime.DeploymentException"/> when a shared model cannot be read or built.
        /// </summary>
        public IReadOnlyList<SharedProcess> ProcessesOf(TenantEngine shared) => _processes ??= Deployed(Model!, shared) ?? ReadProcesses(Model!);

        /// <summary>The shared service's decisions (DMN): deployed to every tenant's engine with its version.</summary>
        public IReadOnlyList<ServiceFile> Others => Model!.Files.Where(f => !IsBpmn(f.Path) && !f.Path.EndsWith(".form", StringComparison.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>
    /// A process of a shared model: its file, its outline for the catalogue and for the engine, and — when the default tenant
    /// runs it as deployed from the shared files — that version and its content hash (a durable store's tenants' versions
    /// reference it); null when the shared model was read from its files.
    /// </summary>
    private sealed record SharedProcess(string ProcessId, string File, Persistence.Deployments.DeploymentOutline Outline, Runtime.VersionOutline Engine,
        int? Version = null, string? Source = null)
    {
        private Persistence.Deployments.DeploymentOutline? _plain;

        /// <summary>
        /// The outline of a tenant's version whose overlay changes neither the process's name nor its starters: one object
        /// (and one JSON text) for every such tenant, not one each (bench W5: 58,000 versions, 580 distinct outlines).
        /// </summary>
        public Persistence.Deployments.DeploymentOutline Plain => _plain ??= Outline.With(Engine);
    }

    /// <summary>
    /// The shared model's processes as the default tenant deployed them from the same files (its catalogue's outline and its
    /// engine's), so nothing is read or built again; null when one of them is not its latest version from that file.
    /// </summary>
    private static List<SharedProcess>? Deployed(SharedService shared, TenantEngine tenant)
    {
        var result = new List<SharedProcess>();
        foreach (var (file, id) in shared.ExecutableProcesses)
        {
            // The file the default tenant deployed: the processes folder's, or a shared model deployed through the API under its name.
            if (tenant.Catalog.Latest(id) is not { } entry || (entry.File != file.Path && Path.GetFileName(entry.File) != Path.GetFileName(file.Path))
                || tenant.Engine.Outline(id, entry.Version) is not { } engine
                || (entry.Outline ?? (entry.Definitions is { } d ? Persistence.Deployments.DeploymentOutline.Of(d, id) : null)) is not { } outline) return null;
            result.Add(new SharedProcess(id, file.Path, outline, engine, entry.Version, tenant.Engine.VersionSource(id, entry.Version)));
        }
        return result.Count > 0 ? result : null;
    }

    private static List<SharedProcess> ReadProcesses(SharedService shared)
    {
        var result = new List<SharedProcess>();
        foreach (var f in shared.Files.Where(f => IsBpmn(f.Path)))
        {
            var read = new Bpmn.Reading.BpmnReader().ReadBytes(f.Bytes, f.Path);
            var errors = read.Diagnostics.Where(d => d.Severity == Model.Diagnostics.Severity.Error).Select(d => d.ToString()).ToList();
            if (errors.Count > 0 || read.Definitions is null) throw new Runtime.DeploymentException(errors.Count > 0 ? errors : [$"{f.Path}:1:1: error: not a BPMN 2.0 model"]);
            foreach (var p in read.Definitions.Processes.Where(p => p.IsExecutable || !p.IsExecutableDeclared))
            {
                var id = p.Id ?? "";
                result.Add(new SharedProcess(id, f.Path, Persistence.Deployments.DeploymentOutline.Of(read.Definitions, id)!,
                    Runtime.WorkflowEngine.OutlineOf(f.Path, read.Definitions, id)!));
            }
        }
        if (result.Count == 0) throw new Runtime.DeploymentException(shared.Files.Where(f => IsBpmn(f.Path)).Select(f => $"{f.Path}:1:1: error: the file holds no process to deploy").ToList());
        return result;
    }

    /// <summary>Every overlay of the last deploy, deployed or refused.</summary>
    public IReadOnlyList<OverlayDeployment> All => _all;

    /// <summary>The tenant's service descriptions (the shared ones with its overlays), or null for a tenant without overlays.</summary>
    public IReadOnlyList<ServiceDescription>? ServicesOf(string tenant) => _services.TryGetValue(tenant, out var s) ? s : null;

    /// <summary>
    /// Merges and deploys every overlay under <paramref name="tenantsDirectory"/> with the shared services under
    /// <paramref name="processesDirectory"/>. Never throws for one tenant's problem: it is a refused row.
    /// </summary>
    public IReadOnlyList<OverlayDeployment> DeployAll(TenantEngines engines, string processesDirectory, string tenantsDirectory)
    {
        ArgumentNullException.ThrowIfNull(engines);
        lock (_lock)
        {
            _engines = engines;
            _processes = processesDirectory;
            _tenants = tenantsDirectory;
            _shared.Clear();
            _rows.Clear();
            var prefetched = Interlocked.Exchange(ref _prefetch, null)?.GetAwaiter().GetResult();
            if (prefetched is not null && (prefetched.Processes != processesDirectory || prefetched.Tenants != tenantsDirectory)) prefetched = null;
            if (prefetched is not null) foreach (var (service, shared) in prefetched.Shared) _shared[service] = shared;
            var files = prefetched?.Files ?? OverlayReader.Find(tenantsDirectory);
            if (files.Count >= SideBySide) DeploySideBySide(engines, files);
            else
                foreach (var file in files) Record(DeployOne(engines, file, null, null));
            if (store is not null)
            {
                _known = store.Stamp();
                foreach (var kept in store.List()) DeployKept(engines, kept);
            }
            return Publish(engines);
        }
    }

    /// <summary>What <see cref="Prefetch"/> read: the overlay files under the tenants folder and the shared models they name.</summary>
    private sealed record Prefetched(string Processes, string Tenants, IReadOnlyList<string> Files, IReadOnlyDictionary<string, Shared> Shared);

    private Task<Prefetched>? _prefetch;

    /// <summary>
    /// Starts reading, on the side, what <see cref="DeployAll"/> reads first: the overlay files' names and — for many of them —
    /// the shared models they name (files, service.yaml, the models' XML and index). A node's start calls it before it
    /// deploys the processes folder, which keeps the cores only partly busy (bench W5: 580 shared models, 100 tenants); the
    /// overlays are deployed after, when the shared models' versions exist. <see cref="DeployAll"/> waits for it (a problem
    /// it met is thrown there, as reading then would have thrown it) and uses it only for the same folders.
    /// </summary>
    public void Prefetch(string processesDirectory, string tenantsDirectory)
    {
        ArgumentNullException.ThrowIfNull(processesDirectory);
        ArgumentNullException.ThrowIfNull(tenantsDirectory);
        _prefetch = Task.Run(() =>
        {
            var files = OverlayReader.Find(tenantsDirectory);
            var shared = new Dictionary<string, Shared>(StringComparer.Ordinal);
            if (files.Count >= SideBySide)
                foreach (var service in files.Select(ServiceOf).Distinct(StringComparer.Ordinal))
                    shared[service] = ReadSharedOf(processesDirectory, service);
            return new Prefetched(processesDirectory, tenantsDirectory, files, shared);
        });
    }

    /// <summary>From how many overlays on a start deploys the tenants side by side (and reads the shared models ahead).</summary>
    private const int SideBySide = 64;

    /// <summary>A shared service read with its index built (here, by whoever reads ahead, not by the first tenant).</summary>
    private static Shared ReadSharedOf(string processesDirectory, string service)
    {
        var folder = Path.Combine(processesDirectory, service);
        var shared = Directory.Exists(folder) ? ReadShared(folder) : new Shared(null, "", null);
        _ = shared.Model?.Index;
        return shared;
    }

    /// <summary>
    /// Several nodes over one store: one cheap read tells whether another node kept an overlay since this node last looked;
    /// only then are the kept overlays read, and those this node does not run yet (another content hash) merged and deployed
    /// (their versions are in the store already: an unchanged merge keeps its version). Without a store, nothing.
    /// </summary>
    public void CatchUp()
    {
        if (store is null || _engines is null) return;
        var stamp = store.Stamp();
        if (Equals(_known, stamp)) return;
        lock (_lock)
        {
            if (_tenants is null || _processes is null) return;
            stamp = store.Stamp();
            var changed = false;
            foreach (var kept in store.List())
                if (!(_rows.TryGetValue((kept.TenantId, kept.Service), out var row) && row.Row.OverlayHash == kept.Hash && row.Row.State == "deployed"))
                    changed |= DeployKept(_engines, kept);
            _known = stamp;
            if (changed) Publish(_engines);
        }
    }

    /// <summary>
    /// Many overlays (versions by reference): the shared models read first, each once, on every core; then the tenants side by
    /// side — each tenant's engine, catalogue and forms are its own, and the shared models are only read. On a durable store a
    /// tenant's new reference rows are stored together, in one transaction (when that fails — another node stored one of the
    /// numbers meanwhile — the tenant's overlays are deployed again one by one). The rows are recorded in the files' order, as
    /// one after the other would.
    /// </summary>
    private void DeploySideBySide(TenantEngines engines, IReadOnlyList<string> files)
    {
        var services = files.Select(ServiceOf).Distinct(StringComparer.Ordinal).Where(s => !_shared.ContainsKey(s)).ToList(); // not read ahead
        var read = new Shared[services.Count];
        Parallel.For(0, services.Count, i => read[i] = ReadSharedOf(_processes!, services[i]));
        for (var i = 0; i < services.Count; i++) _shared[services[i]] = read[i];
        var byTenant = files.Select((f, i) => (File: f, At: i)).GroupBy(f => Path.GetDirectoryName(f.File) ?? "", StringComparer.Ordinal).ToList();
        var rows = new (OverlayDeployment Row, ServiceDescription? Description)[files.Count];
        // As many tenants in flight as there are cores: the work is CPU-bound, and each tenant in flight holds its new rows,
        // outlines and forms until its transaction — more of them (the pool adds threads while one waits on a commit) only
        // raise the peak memory (bench W5 on SQLite: a first deploy of 58,000 versions).
        Parallel.ForEach(byTenant, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, tenant =>
        {
            void Deploy()
            {
                foreach (var (file, at) in tenant) rows[at] = DeployOne(engines, file, null, null);
            }
            var tenantId = Path.GetFileName(Path.GetFullPath(tenant.Key));
            if (engines.Deployments is null || !TenantEngines.IsValidId(tenantId) || tenantId == engines.DefaultTenantId)
            {
                Deploy();
                return;
            }
            try { engines.Get(tenantId).DeployReferencesTogether(Deploy); }
            catch (Exception e) when (e is Runtime.Store.ConcurrencyConflictException or System.Data.Common.DbException)
            {
                Deploy(); // one by one: each finds what the other node stored
            }
        });
        foreach (var row in rows) Record(row);
    }

    /// <summary>Merges and deploys an overlay kept in the store; a refused one keeps the row this node had (its own file's, if any).</summary>
    private bool DeployKept(TenantEngines engines, StoredOverlay kept)
    {
        var file = Path.Combine(_tenants!, kept.TenantId, kept.Service + OverlayReader.Suffix);
        var one = DeployOne(engines, file, kept.Yaml, kept.DeployedBy);
        if (one.Row.State != "deployed" && _rows.ContainsKey((kept.TenantId, kept.Service))) return false;
        Record(one);
        return true;
    }

    /// <summary>
    /// A shared model was deployed through the API (to the default tenant, whose processes are the shared models): every
    /// overlay of the service folder whose process it is, is merged again with the new model and deployed to its tenant —
    /// a new version where the merge changed — or refused with its positions when it no longer fits. The new files replace
    /// the shared folder's files of the same name (models, forms, decisions); the others are kept. Durable stores keep the
    /// tenants' versions, so every node starts new cases on them (nodes read new versions before a start). Returns the rows
    /// of the overlays merged again (none when the deployment is not a shared model's).
    /// </summary>
    public IReadOnlyList<OverlayDeployment> SharedDeployed(TenantEngines engines, TenantEngine tenant, IReadOnlyList<(string Name, byte[] Bytes)> files,
        IReadOnlyList<DeployedDefinition> deployed, string? deployedBy)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(deployed);
        if (tenant.TenantId != engines.DefaultTenantId || deployed.Count == 0) return [];
        lock (_lock)
        {
            if (_tenants is null || _processes is null) return [];
            var ids = deployed.Select(d => d.ProcessId).ToHashSet(StringComparer.Ordinal);
            var stored = store?.List().ToDictionary(k => Path.Combine(_tenants, k.TenantId, k.Service + OverlayReader.Suffix), k => k, StringComparer.Ordinal) ?? [];
            var overlayFiles = OverlayReader.Find(_tenants).Union(stored.Keys, StringComparer.Ordinal).ToList();
            var services = overlayFiles.Select(ServiceOf).Distinct(StringComparer.Ordinal)
                .Where(s => SharedOf(s).Model?.ProcessIds.Overlaps(ids) == true).ToList();
            var redone = new List<OverlayDeployment>();
            foreach (var service in services)
            {
                var old = SharedOf(service);
                var byName = files.GroupBy(f => Path.GetFileName(f.Name), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Bytes, StringComparer.Ordinal);
                var kept = old.Model!.Files.Where(f => !byName.ContainsKey(Path.GetFileName(f.Path))
                    && !(IsBpmn(f.Path) && files.Any(n => IsBpmn(n.Name)))).ToList(); // a new BPMN model replaces the folder's models
                var folder = Path.Combine(_processes, service);
                var merged = kept.Concat(files.Select(f => new ServiceFile(Path.Combine(folder, Path.GetFileName(f.Name)), f.Bytes)))
                    .OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
                _shared[service] = new Shared(SharedService.Read(merged), Hash(merged), old.Service);
                foreach (var file in overlayFiles.Where(f => ServiceOf(f) == service))
                {
                    var one = DeployOne(engines, file, stored.TryGetValue(file, out var k) ? k.Yaml : null, deployedBy);
                    Record(one);
                    redone.Add(one.Row);
                }
            }
            if (redone.Count > 0) Publish(engines);
            return redone;
        }
    }

    /// <summary>
    /// A tenant's overlay deployed through the API: read (schema, positions), merged with the shared model (every element,
    /// group, path, input and form field it names must exist) and deployed to the tenant; only then written to
    /// <c>tenants/&lt;tenant&gt;/&lt;service&gt;.overlay.yaml</c>, so the next start deploys it again. A refused overlay
    /// changes nothing: the row with its problems is returned (and not kept).
    /// </summary>
    public OverlayDeployment DeployOverlay(TenantEngines engines, string tenantId, string service, string yaml, string? deployedBy)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(yaml);
        lock (_lock)
        {
            if (_tenants is null || _processes is null)
                throw Api.ApiProblemException.BadRequest("this server has no processes folder, so there is no shared model to put an overlay on");
            var file = Path.Combine(_tenants, tenantId, service + OverlayReader.Suffix);
            var one = DeployOne(engines, file, yaml, deployedBy);
            if (one.Row.State != "deployed") return one.Row;
            // Kept in the store first: the other nodes merge it from there (and a restart finds it even without the file).
            store?.Save(tenantId, service, yaml, one.Row.OverlayHash, deployedBy, NodaTime.SystemClock.Instance.GetCurrentInstant());
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temp = file + ".tmp";
            File.WriteAllText(temp, yaml, new System.Text.UTF8Encoding(false));
            File.Move(temp, file, overwrite: true);
            Record(one);
            Publish(engines);
            return one.Row;
        }
    }

    private static bool IsBpmn(string name) => name.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase);

    private static string ServiceOf(string overlayFile) => Path.GetFileName(overlayFile)[..^OverlayReader.Suffix.Length];

    private Shared SharedOf(string service)
    {
        if (_shared.TryGetValue(service, out var model)) return model;
        model = ReadSharedOf(_processes!, service);
        _shared[service] = model;
        return model;
    }

    private void Record((OverlayDeployment Row, ServiceDescription? Description) one) => _rows[(one.Row.Tenant, one.Row.Service)] = one;

    private IReadOnlyList<OverlayDeployment> Publish(TenantEngines engines)
    {
        var rows = _rows.OrderBy(kv => kv.Key.Tenant, StringComparer.Ordinal).ThenBy(kv => kv.Key.Service, StringComparer.Ordinal).Select(kv => kv.Value).ToList();
        var services = rows.Where(r => r.Description is not null).GroupBy(r => r.Row.Tenant, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<ServiceDescription>)g.Select(r => r.Description!).ToList(), StringComparer.Ordinal);
        foreach (var (tenantId, list) in services)
            engines.Get(tenantId).Services.Replace(list);
        _services = services;
        _all = rows.Select(r => r.Row).ToList();
        return _all;
    }

    /// <summary>Reads, merges and deploys one overlay (from its file, or <paramref name="text"/>): a deployed or refused row.</summary>
    private (OverlayDeployment Row, ServiceDescription? Description) DeployOne(TenantEngines engines, string file, string? text, string? deployedBy)
    {
        var tenantId = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file))) ?? "";
        var service = ServiceOf(file);
        var read = text is null ? OverlayReader.ReadFile(file) : OverlayReader.Read(text, file, tenantId, service);
        (OverlayDeployment, ServiceDescription?) Refused(IEnumerable<string> problems, string sharedHash = "", string? processId = null, int? sharedVersion = null) =>
            (new(tenantId, service, file, read.Overlay?.Hash ?? "", processId, sharedHash, sharedVersion, null, "refused", problems.ToList()), null);
        if (!TenantEngines.IsValidId(tenantId) || tenantId == engines.DefaultTenantId)
            return Refused([$"{file}:1:1: error: '{tenantId}' is not a tenant id for overlays (letters, digits, '-', '_'; not the default tenant, which runs processes/ as it is)"]);
        if (read.Overlay is not { } overlay) return Refused(read.Diagnostics.Select(d => d.ToString()));
        var model = SharedOf(service);
        if (model.Model is null)
            return Refused([$"{file}:1:1: error: there is no shared service '{service}' ({Path.Combine(_processes!, service)}/ with a BPMN model)"]);
        var processId = model.Service?.Service?.ProcessId ?? model.Model.ProcessIds.Order(StringComparer.Ordinal).FirstOrDefault();
        var sharedTenant = engines.Get(engines.DefaultTenantId); // asked for once: every ask notes the use
        var sharedVersion = processId is null ? null : sharedTenant.Catalog.Latest(processId)?.Version;
        var check = OverlayMerger.Check(overlay, model.Model);
        if (!check.Fits) return Refused(check.Problems.Select(d => d.ToString()), model.Hash, processId, sharedVersion);
        var tenant = engines.Get(tenantId);
        try
        {
            IReadOnlyList<DeployedDefinition> deployed;
            if (tenant.KeepsSources && !model.ProcessesOf(sharedTenant).All(p => p.Version is not null && p.Source is not null))
            {
                // A durable store whose default tenant does not run the shared files as they are: the tenant's version is
                // merged here and stored as its own model text (a reference needs the shared version stored).
                var merge = OverlayMerger.Merge(overlay, model.Model);
                if (!merge.Fits) return Refused(merge.Problems.Select(d => d.ToString()), model.Hash, processId, sharedVersion);
                var forms = model.Model.FormsNamed; // user tasks and start events: an overlay changes no form key
                (deployed, _) = ModelDeployer.DeployAll(tenant, merge.Files
                    .Where(f => !f.Path.EndsWith(".form", StringComparison.OrdinalIgnoreCase) || forms.Contains(Path.GetFileName(f.Path)))
                    .Select(f => (f.Path, f.Bytes)), deployedBy);
            }
            else deployed = DeployReference(tenant, sharedTenant, model, overlay, deployedBy);
            var version = deployed.FirstOrDefault(d => d.ProcessId == processId)?.Version ?? deployed.FirstOrDefault()?.Version;
            return (new OverlayDeployment(tenantId, service, file, overlay.Hash, processId ?? deployed.FirstOrDefault()?.ProcessId, model.Hash, sharedVersion, version, "deployed", []),
                model.Service?.Service is { } description ? overlay.Apply(description) : null);
        }
        catch (Runtime.DeploymentException e)
        {
            return Refused(e.Messages.Select(m => $"{file}: the merged model does not deploy: {m}"), model.Hash, processId, sharedVersion);
        }
        catch (Api.ApiProblemException e)
        {
            return Refused([$"{file}: the merged model does not deploy: {e.Message}"], model.Hash, processId, sharedVersion);
        }
    }

    /// <summary>
    /// Deploys a tenant's version of every process of the shared service by reference (no durable store): the engine and the
    /// catalogue keep the shared model's outline with the overlay's name and groups, and the overlay as compact JSON; the
    /// merged model is made when the version is first used (start, task, form, model download) and kept in the bounded
    /// caches (the engine's graph cache, <see cref="DeployedModels"/>). The forms are the shared ones, relabelled copies where
    /// the overlay changes a label. An overlay with activity configuration (input values the graph builder checks) is merged
    /// and built once here, so one that does not build is refused now, not at the first start. An unchanged shared model and
    /// overlay keep their version.
    /// </summary>
    /// <remarks>
    /// On a durable store the version is a row naming the default tenant's stored version of the shared model and keeping the
    /// overlay (Schema/*/0039), with only the forms the overlay relabels; the model is made from the two when it is read. Its
    /// source is the shared version's content hash with the overlay's: a restart whose overlay and shared model are unchanged
    /// finds the latest version with that source and neither merges nor stores anything.
    /// </remarks>
    private static IReadOnlyList<DeployedDefinition> DeployReference(TenantEngine tenant, TenantEngine shared, Shared model, Overlay overlay, string? deployedBy)
    {
        var processes = model.ProcessesOf(shared);
        var json = overlay.ToJson();
        var (file, tenantId, service) = (overlay.File, overlay.Tenant, overlay.Service);
        string SourceOf(SharedProcess p) => tenant.KeepsSources ? $"overlay:{p.Source}:{overlay.Hash}" : $"overlay:{model.Hash}:{overlay.Hash}";
        bool Unchanged(SharedProcess p) => tenant.Catalog.Latest(p.ProcessId) is { } latest && tenant.Engine.VersionSource(p.ProcessId, latest.Version) == SourceOf(p);
        var sharedModel = model.Model!;
        Func<Definitions> Loader(SharedProcess p) => () =>
        {
            var merge = OverlayMerger.Merge(Overlay.Restore(file, tenantId, service, json), sharedModel);
            if (!merge.Fits) throw new Runtime.DeploymentException(merge.Problems.Select(d => d.ToString()).ToList());
            var bytes = merge.Files.First(f => f.Path == p.File);
            var read = new Bpmn.Reading.BpmnReader().ReadBytes(bytes.Bytes, bytes.Path);
            return read.Definitions ?? throw new Runtime.DeploymentException(read.Errors.Select(d => d.ToString()).ToList());
        };
        if (overlay.Root["activities"] is not null)
            foreach (var p in processes.Where(p => !Unchanged(p))) Runtime.WorkflowEngine.OutlineOf(p.File, Loader(p)(), p.ProcessId);
        var name = overlay.Root["texts"] is System.Text.Json.Nodes.JsonObject texts ? texts : null;
        IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonObject>? formsOf = null; // made only for a new version
        var relabels = overlay.Root["forms"] as System.Text.Json.Nodes.JsonObject;
        lock (tenant.Catalog)
        {
            if (model.Others.Count > 0) ModelDeployer.DeployAll(tenant, model.Others.Select(f => (f.Path, f.Bytes)), deployedBy); // its decisions
            var at = DateTimeOffset.UtcNow;
            var result = new List<DeployedDefinition>();
            foreach (var p in processes)
            {
                // The latest version is made from the same shared model and overlay (a restart): kept, nothing built or stored.
                if (Unchanged(p) && tenant.Catalog.Latest(p.ProcessId) is { } same)
                {
                    result.Add(same);
                    continue;
                }
                var processName = name?[p.ProcessId] is System.Text.Json.Nodes.JsonValue n && n.TryGetValue<string>(out var s) ? s : p.Outline.Name;
                var engineOutline = p.Engine with { Name = processName };
                var attributes = new Dictionary<string, string>(p.Outline.ProcessAttributes, StringComparer.Ordinal);
                if (processName is not null) attributes["name"] = processName;
                var starters = (Model.Namespaces.Camunda + "candidateStarterGroups").ToString();
                if (overlay.Root["groups"] is not null && attributes.TryGetValue(starters, out var groups) && !groups.Contains("${", StringComparison.Ordinal))
                    attributes[starters] = string.Join(",", groups.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(overlay.Group));
                var outline = engineOutline == p.Engine && SameAttributes(attributes, p.Outline.ProcessAttributes) ? p.Plain : new Persistence.Deployments.DeploymentOutline
                {
                    ProcessAttributes = attributes, FormKeys = p.Outline.FormKeys, StartTrustLevels = p.Outline.StartTrustLevels, StartFormKey = p.Outline.StartFormKey,
                    Engine = engineOutline,
                };
                engineOutline = outline.Engine ?? engineOutline; // the shared one where the outline is
                // The forms the overlay relabels are the tenant's own (kept with a durable row); the others are the shared ones.
                var forms = new List<Forms.DeployedForm>();
                foreach (var key in p.Outline.FormKeys)
                    if (Forms.FormCatalog.FileName(key) is { } formFile && (formsOf ??= OverlayMerger.Forms(overlay, sharedModel)).TryGetValue(Path.GetFileNameWithoutExtension(formFile), out var form))
                        forms.Add(new Forms.DeployedForm(p.ProcessId, 0, key, formFile, form));
                var reference = new Persistence.Deployments.ReferenceVersion(p.ProcessId, p.File, engineOutline, outline, processName,
                    shared.TenantId, p.Version ?? 0, json, SourceOf(p), OutlineIsShared: ReferenceEquals(outline, p.Plain));
                var (deployed, isNew) = tenant.DeployReference(reference, Loader(p), deployedBy,
                    forms.Where(f => relabels?.ContainsKey(Path.GetFileNameWithoutExtension(f.File)) == true).ToList());
                if (!isNew && tenant.Catalog.Find(deployed.ProcessId, deployed.Version) is { } kept)
                {
                    result.Add(kept);
                    continue;
                }
                var entry = new DeployedDefinition(p.ProcessId, processName, deployed.Version, p.File, null, at, deployedBy) { Load = Loader(p), Outline = outline };
                tenant.Catalog.Add(entry);
                foreach (var f in forms) tenant.Forms.Add(f with { Version = deployed.Version });
                result.Add(entry);
            }
            return result;
        }
    }

    private static bool SameAttributes(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>The shared service's files (models, decisions, forms) read once for every tenant, a hash of them, and its service.yaml.</summary>
    private static Shared ReadShared(string folder)
    {
        var files = SharedFiles(folder);
        var yaml = Path.Combine(folder, ServiceYamlReader.FileName);
        var service = File.Exists(yaml) ? ServiceYamlReader.ReadFile(yaml) : null;
        return new Shared(files.Any(f => !f.Path.EndsWith(".form", StringComparison.OrdinalIgnoreCase)) ? SharedService.Read(files) : null, Hash(files), service);
    }

    /// <summary>
    /// The files of a shared service folder an overlay is merged with (models, decisions, forms; node_modules left out), in
    /// path order — what the server deploys and what <c>egov validate</c> checks an overlay against.
    /// </summary>
    public static IReadOnlyList<ServiceFile> SharedFiles(string folder) =>
        ModelDeployer.FindModels(folder)
            .Concat(Directory.EnumerateFiles(folder, "*.form", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("node_modules"))
            .Order(StringComparer.Ordinal)
            .Select(p => new ServiceFile(p, File.ReadAllBytes(p))).ToList();

    private static string Hash(IEnumerable<ServiceFile> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in files) sha.AppendData(f.Bytes);
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }
}

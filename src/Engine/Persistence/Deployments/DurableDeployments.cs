using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Bpmn.Writing;
using EGov.Workflows.Catalogue.Overlays;
using EGov.Workflows.Model;
using EGov.Workflows.Model.Xml;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using NodaTime;

namespace EGov.Workflows.Persistence.Deployments;

/// <summary>One stored version of a process model.</summary>
/// <param name="DeployedBy">The caller who deployed it (null for the processes folder and versions from before sign-in).</param>
/// <param name="ChangeNote">What the deployer said changed (the designer's change note); null when none was given.</param>
/// <param name="SourceHash">SHA-256 of the file's bytes as deployed from disk (<see cref="DeploymentOutline.SourceHash"/>); null when deployed otherwise.</param>
/// <param name="ProcessName">The process's name; null when it has none, or for versions stored before migration 0038 until a start fills it in.</param>
/// <param name="Outline">What lists and checks read without the model (<see cref="DeploymentOutline"/>), as JSON; null for versions stored before.</param>
/// <param name="SharedTenantId">For a version kept as a reference (a shared model with the tenant's overlay): the tenant whose version it is made from; else null.</param>
/// <param name="SharedVersion">For a reference: the shared model's version it is made from; else null.</param>
public sealed record StoredDeployment(string TenantId, string ProcessId, int Version, string ContentHash, string File, Instant DeployedAt, int? HistoryTtlDays, string? DeployedBy = null, string? ChangeNote = null,
    string? SourceHash = null, string? ProcessName = null, string? Outline = null, string? SharedTenantId = null, int? SharedVersion = null);

/// <summary>
/// A tenant's version of a shared model kept as a reference (issue 16 item 4): the row names the shared model's stored
/// version (<paramref name="SharedTenantId"/>, <paramref name="SharedVersion"/>, the same process id) and keeps the overlay
/// as compact JSON; the model is made from the two when it is read (<see cref="DurableDeployments.Model"/>), never stored.
/// </summary>
/// <param name="Engine">The version's outline for the engine (the shared one with the tenant's process name).</param>
/// <param name="Outline">What lists and checks read without the model (the tenant's name and groups), stored with the row.</param>
/// <param name="Source">What the model is made of, <c>overlay:{shared content hash}:{overlay hash}</c>: the row's content hash; a latest version with the same source is kept.</param>
/// <param name="OutlineIsShared">
/// The outline is the shared version's own (the overlay changes neither the name nor the starters): the row names it
/// (<see cref="DeploymentOutline.SharedMarker"/>) instead of repeating its text, and a read of the row finds the shared one's.
/// </param>
public sealed record ReferenceVersion(string ProcessId, string File, VersionOutline Engine, DeploymentOutline Outline, string? ProcessName,
    string SharedTenantId, int SharedVersion, string OverlayJson, string Source, bool OutlineIsShared = false);

/// <summary>A process of a deployed file with the version it runs as (new, or kept when the model was unchanged).</summary>
public sealed record VersionOfFile(string ProcessId, int Version, string File, Definitions Definitions);

/// <summary>A form-js form deployed with a process version, named by the form key its user tasks use.</summary>
public sealed record StoredForm(string ProcessId, int Version, string FormKey, string File, string Json);

/// <summary>A scenario (<c>NAME.scenario.yaml</c>) deployed with a process version (Schema/*/0029_designer_scenarios.sql).</summary>
public sealed record StoredScenario(string ProcessId, int Version, string File, string Yaml);

/// <summary>
/// Deployments that survive restarts. The deployments table numbers versions per tenant and process: a file whose
/// normalised XML is unchanged keeps the versions its processes have; a changed file makes each of its processes n+1
/// (as Camunda's duplicate filtering does per resource). New instances start on the latest version; running ones stay
/// on theirs, since every stored version is deployed into the engine again at start (<see cref="Restore"/>).
/// </summary>
public sealed class DurableDeployments(EfRuntimeStore store, IClock? clock = null)
{
    private readonly IClock _clock = clock ?? SystemClock.Instance;

    /// <summary>Reads stored models: they were checked when they were deployed, so their references are not checked again.</summary>
    private static readonly BpmnReader Stored = new(new BpmnReaderOptions { CheckReferences = false });

    /// <summary>
    /// Deploys every stored version of the engine's tenant that the engine does not have yet (start timers stay as
    /// stored), and replaces a version the engine has from another model than the stored one (its content hash differs:
    /// another node deleted it and deployed a new model under the same number). Call at start, and on a node that meets an
    /// instance of a version another node deployed. Returns how many it added or replaced.
    /// </summary>
    public int Restore(WorkflowEngine engine) => Restore(engine, null);

    /// <param name="parsed">
    /// Models read so far by content hash: the ones this reads are added, so a caller that lists the versions with their
    /// models next (<see cref="ListWithModels"/>, the host's catalogue) reads none of them a second time.
    /// </param>
    public int Restore(WorkflowEngine engine, IDictionary<string, Definitions?>? parsed)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return Restore(engine, parsed, List(engine.Options.TenantId), DeploymentOutline.FromJson);
    }

    /// <param name="heads">The tenant's stored versions as just listed (<see cref="List"/>): a caller that lists them anyway reads them once.</param>
    /// <param name="outlineOf">Reads a stored outline (a caller that reads the same rows' outlines again passes a memo, so each is parsed once).</param>
    public int Restore(WorkflowEngine engine, IDictionary<string, Definitions?>? parsed, IReadOnlyList<StoredDeployment> heads, Func<string?, DeploymentOutline?> outlineOf)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(heads);
        ArgumentNullException.ThrowIfNull(outlineOf);
        // The heads only (no model text). A version whose outline names its start triggers is deployed by it alone: its
        // model is read and its graph built when an instance first needs it (issue 15: a restart reads no model).
        var tenant = engine.Options.TenantId;
        foreach (var r in heads.Where(r => IsReplaced(engine, r.ProcessId, r.Version, r.ContentHash)))
            engine.ForgetVersion(r.ProcessId, r.Version);
        var rows = heads.Where(r => !engine.HasVersion(r.ProcessId, r.Version)).ToList();
        if (rows.Count == 0) return 0;
        var lazy = new List<StoredVersion>();
        var old = new List<(StoredDeployment Row, DeploymentOutline? Outline)>();
        foreach (var r in rows)
        {
            var outline = outlineOf(r.Outline);
            if (outline?.Engine is { } e) lazy.Add(new StoredVersion(r.ProcessId, r.Version, r.File, r.ContentHash, e, Loader(tenant, r.ProcessId, r.Version, r.File)));
            else old.Add((r, outline));
        }
        var added = lazy.Count == 0 ? 0 : engine.DeployStored(lazy);
        if (old.Count == 0) return added;
        // Versions stored by an older build (no start triggers in their outline): read and built once, and their outline
        // completed from the graph, so the next start deploys them by it.
        parsed ??= new Dictionary<string, Definitions?>(StringComparer.Ordinal);
        var items = new List<(string, Definitions, string, int)>();
        var fileOf = old.ToDictionary(x => (x.Row.ProcessId, x.Row.Version), x => x.Row.File);
        foreach (var (r, _) in old)
        {
            if (!parsed.TryGetValue(r.ContentHash, out var defs) || defs is null)
            {
                var xml = ModelText(r.TenantId, r.ProcessId, r.Version) ?? "";
                var read = Stored.ReadString(xml, r.File);
                defs = read.Definitions ?? throw new DeploymentException($"{r.File}: stored model of '{r.ProcessId}' version {r.Version} cannot be read");
                parsed[r.ContentHash] = defs;
            }
            items.Add((r.File, defs, r.ProcessId, r.Version));
        }
        added += engine.DeployVersions(items, scheduleStartTimers: false, old.ToDictionary(x => (x.Row.ProcessId, x.Row.Version), x => x.Row.ContentHash),
            (processId, version) => LoadStored(tenant, processId, version, fileOf[(processId, version)])).Count;
        var filled = new List<(string, int, string?, DeploymentOutline)>();
        foreach (var ((r, outline), (_, defs, _, _)) in old.Zip(items))
        {
            if ((outline ?? DeploymentOutline.Of(defs, r.ProcessId)) is not { } hostPart || engine.Outline(r.ProcessId, r.Version) is not { } enginePart) continue;
            filled.Add((r.ProcessId, r.Version, r.ProcessName ?? hostPart.Name, hostPart.With(enginePart)));
        }
        KeepOutlines(tenant, filled);
        return added;
    }

    /// <summary>Reads a stored version's model when the engine builds its graph (first use, or again after its cache dropped it).</summary>
    private Func<Definitions> Loader(string tenantId, string processId, int version, string file) => () => LoadStored(tenantId, processId, version, file);

    private Definitions LoadStored(string tenantId, string processId, int version, string file) =>
        Model(tenantId, processId, version, file) ?? throw new DeploymentException($"{file}: stored model of '{processId}' version {version} cannot be read");

    /// <summary>
    /// Whether the engine runs this version from another model than the stored one (<paramref name="storedHash"/>): deleted
    /// and deployed again under the same number by another node. A version the engine got without a content hash (not
    /// through these deployments) is left alone.
    /// </summary>
    public static bool IsReplaced(WorkflowEngine engine, string processId, int version, string storedHash)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.VersionSource(processId, version) is { } known && !string.Equals(known, storedHash, StringComparison.Ordinal);
    }

    /// <summary>
    /// Deploys the files (all or nothing): unchanged ones keep their versions, changed or new ones get the next. Returns
    /// every executable process of the files with the version it now runs as.
    /// </summary>
    /// <param name="deployedBy">The caller who deploys (kept as the versions' <c>deployed_by</c>); null for the processes folder.</param>
    /// <param name="changeNote">What changed, in the deployer's words (kept with every new version); null for none.</param>
    /// <param name="forms">
    /// The forms to keep with the deployed versions, given every process of the files with the version it runs as (new or
    /// kept): written in the same transaction as the new versions, so a failure leaves neither. Null: none.
    /// </param>
    /// <param name="scenarios">
    /// The scenarios to keep with the NEW versions (those of kept versions are ignored), given every process of the files
    /// with its version: written in the same transaction as the new versions, so a failure saving them leaves no version.
    /// </param>
    /// <param name="sourceHashes">
    /// File → its source hash (<see cref="DeploymentOutline.SourceHash"/>) for files deployed from disk: kept with every version of
    /// the file, new or kept, so a restart finds the unchanged file without reading it. Null: none.
    /// </param>
    /// <param name="sourceTexts">
    /// File → the text its model was read from (<see cref="ModelSourceText.Of"/>): a new version stores it as its model text,
    /// as deployed, instead of the model written again (the same model — the content hash is the model's either way; writing
    /// hundreds of models was a quarter of a processes folder's first deploy, bench W5). Null, or a file not in it: written.
    /// </param>
    public IReadOnlyList<DeployedProcess> Deploy(WorkflowEngine engine, IEnumerable<(string File, Definitions Definitions)> files, string? deployedBy = null, string? changeNote = null,
        Func<IReadOnlyList<VersionOfFile>, IReadOnlyList<StoredForm>>? forms = null, Func<IReadOnlyList<VersionOfFile>, IReadOnlyList<StoredScenario>>? scenarios = null,
        IReadOnlyDictionary<string, string>? sourceHashes = null, IReadOnlyDictionary<string, string>? sourceTexts = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(files);
        var list = files.ToList();
        // Nodes that start together deploy the same processes folder at the same moment; the one whose insert loses sees
        // the winner's rows on the next try, and an unchanged model then keeps the version the winner gave it.
        for (var attempt = 1; ; attempt++)
        {
            try { return DeployOnce(engine, list, deployedBy, changeNote, forms, scenarios, sourceHashes, sourceTexts); }
            catch (ConcurrencyConflictException) when (attempt < 3) { }
        }
    }

    private IReadOnlyList<DeployedProcess> DeployOnce(WorkflowEngine engine, List<(string File, Definitions Definitions)> files, string? deployedBy, string? changeNote,
        Func<IReadOnlyList<VersionOfFile>, IReadOnlyList<StoredForm>>? forms, Func<IReadOnlyList<VersionOfFile>, IReadOnlyList<StoredScenario>>? scenarios,
        IReadOnlyDictionary<string, string>? sourceHashes, IReadOnlyDictionary<string, string>? sourceTexts)
    {
        var tenant = engine.Options.TenantId;
        var sources = new List<(string ProcessId, int Version, string SourceHash)>();
        // One read of the stored versions for both: the engine runs every one of them, and the latest of each process is
        // compared with the files. Read twice, a version another node stored in between was "kept" but not run here.
        var heads = List(tenant);
        Restore(engine, null, heads, DeploymentOutline.FromJson);
        var latest = heads.GroupBy(r => r.ProcessId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Version)!);
        var planned = new Dictionary<string, int>(StringComparer.Ordinal);
        var toDeploy = new List<(string File, Definitions Definitions, string ProcessId, int Version)>();
        var rows = new List<Data.DeploymentRow>();
        var result = new List<(string ProcessId, int Version, string File)>();
        var versions = new List<VersionOfFile>();
        var now = Data.Ticks.Of(_clock.GetCurrentInstant());
        var written = Written(files, sourceTexts);
        for (var i = 0; i < files.Count; i++)
        {
            var (file, defs) = files[i];
            var (xml, hash) = written[i];
            var source = sourceHashes?.GetValueOrDefault(file);
            foreach (var p in defs.Processes.Where(p => p.IsExecutable || !p.IsExecutableDeclared))
            {
                var id = p.Id ?? "";
                if (!planned.ContainsKey(id) && latest.TryGetValue(id, out var last) && last.ContentHash == hash)
                {
                    result.Add((id, last.Version, file)); // unchanged: keeps its version
                    if (source is not null && last.SourceHash != source) sources.Add((id, last.Version, source)); // the same model from other bytes
                    versions.Add(new VersionOfFile(id, last.Version, file, defs));
                    continue;
                }
                var version = (planned.TryGetValue(id, out var v) ? v : latest.TryGetValue(id, out var l) ? l.Version : 0) + 1;
                planned[id] = version;
                toDeploy.Add((file, defs, id, version));
                rows.Add(new Data.DeploymentRow
                {
                    TenantId = tenant, ProcessId = id, Version = version, ContentHash = hash, File = file, BpmnXml = xml,
                    HistoryTtlDays = HistoryTimeToLive.Days(p.CamundaAttribute("historyTimeToLive")), DeployedAt = now, DeployedBy = deployedBy, ChangeNote = changeNote,
                    SourceHash = source, ProcessName = p.Attribute("name"),
                });
                result.Add((id, version, file));
                versions.Add(new VersionOfFile(id, version, file, defs));
            }
        }
        // The forms are found (and a broken one refused) before anything is deployed or stored.
        var formRows = (forms?.Invoke(versions) ?? []).Select(f => new Data.DeploymentFormRow
        {
            TenantId = tenant, ProcessId = f.ProcessId, Version = f.Version, FormKey = f.FormKey, File = f.File, SchemaJson = f.Json,
        }).ToList();
        var scenarioRows = (scenarios?.Invoke(versions) ?? []).Where(x => toDeploy.Exists(d => d.ProcessId == x.ProcessId && d.Version == x.Version)).ToList();
        if (toDeploy.Count > 0)
        {
            // refused models throw before anything is stored
            // The graphs built here may be dropped from the engine's cache later and built again from the stored model (the
            // closure keeps the file names only, not the rows with their XML).
            var fileOf = rows.ToDictionary(r => (r.ProcessId, r.Version), r => r.File);
            engine.DeployVersions(toDeploy, scheduleStartTimers: true, rows.ToDictionary(r => (r.ProcessId, r.Version), r => r.ContentHash),
                (processId, version) => LoadStored(tenant, processId, version, fileOf[(processId, version)]));
            // The engine's part of each outline (validity, start triggers) as the graph has it: a restart deploys the version by it.
            var engineParts = rows.Select(r => engine.Outline(r.ProcessId, r.Version)).ToList();
            var outlines = EveryCore.Map(toDeploy.Count, i => (DeploymentOutline.Of(toDeploy[i].Definitions, toDeploy[i].ProcessId) ?? new DeploymentOutline()).With(engineParts[i]).ToJson());
            for (var i = 0; i < rows.Count; i++) rows[i].Outline = outlines[i];
            try { store.AddDeployments(rows, formRows, scenarioRows); }
            catch
            {
                // Nothing was stored: the engine forgets the versions it was given for it, so no case starts on one.
                foreach (var d in toDeploy) engine.RemoveVersion(d.ProcessId, d.Version);
                throw;
            }
        }
        else if (formRows.Count > 0) store.SaveDeploymentForms(formRows);
        store.SetDeploymentSources(tenant, sources);
        return result.Select(r => engine.Deployed(r.ProcessId, r.Version) ?? new DeployedProcess(r.ProcessId, null, r.Version, r.File, new Dictionary<string, string>())).ToList();
    }

    /// <summary>Each file's model as stored (the text it was deployed from, else the writer's XML) with its content hash, in the files' order.</summary>
    private static (string Xml, string Hash)[] Written(List<(string File, Definitions Definitions)> files, IReadOnlyDictionary<string, string>? sourceTexts) =>
        EveryCore.Map(files.Count, i =>
        {
            var (file, defs) = files[i];
            var written = new Lazy<string>(() => BpmnWriter.WriteString(defs), LazyThreadSafetyMode.None);
            var hash = ContentHash(defs, written);
            return (sourceTexts?.GetValueOrDefault(file) ?? written.Value, hash);
        });

    /// <summary>Deploys one file (convenience).</summary>
    public IReadOnlyList<DeployedProcess> Deploy(WorkflowEngine engine, string file, Definitions definitions) => Deploy(engine, [(file, definitions)]);

    /// <summary>How large the tenant's stored models are together (characters of XML, about bytes), counted in the database.</summary>
    public long StoredSize(string tenantId) => store.DeploymentSize(tenantId);

    /// <summary>Whether any instance, running or ended, was started on the version (then it cannot be deleted).</summary>
    public bool HasInstances(string tenantId, string processId, int version) => store.HasInstancesOf(tenantId, processId, version);

    /// <summary>Deletes a stored version without instances, its forms and its start timers; false when it is not stored.</summary>
    /// <exception cref="ConcurrencyConflictException">An instance of it was started meanwhile.</exception>
    public bool Delete(string tenantId, string processId, int version) => store.DeleteDeployment(tenantId, processId, version);

    /// <summary>Whether the tenant holds any stored version.</summary>
    public bool Any(string tenantId) => store.HasDeployments(tenantId);

    /// <summary>Changes whenever a version of the tenant is stored or deleted (by any node): a node compares it to catch up.</summary>
    public (long Count, long LastDeployedAt) Stamp(string tenantId) => store.DeploymentStamp(tenantId);

    /// <summary>Every stored version of a tenant, by process and version.</summary>
    public IReadOnlyList<StoredDeployment> List(string tenantId) =>
        store.DeploymentHeads(tenantId).Select(r => new StoredDeployment(r.TenantId, r.ProcessId, r.Version, r.ContentHash, r.File,
            Data.Ticks.At(r.DeployedAt), r.HistoryTtlDays, r.DeployedBy, r.ChangeNote, r.SourceHash, r.ProcessName, r.Outline, r.SharedTenantId, r.SharedVersion)).ToList();

    /// <summary>The model of one stored version, read from its stored XML; null when it is not stored or cannot be read.</summary>
    public Definitions? Model(string tenantId, string processId, int version, string file)
    {
        var xml = ModelText(tenantId, processId, version);
        return xml is null ? null : Stored.ReadString(xml, file).Definitions;
    }

    /// <summary>
    /// The model text of one stored version, or null when it is not stored: the row's own, or — for a reference (Schema/*/0039)
    /// — the shared version's model with the overlay's BPMN part applied (<see cref="OverlayMerger.ApplyToModel"/>). The one
    /// place a reference's model is made: the graph after a restart or on another node, the model download, the diagram.
    /// </summary>
    public string? ModelText(string tenantId, string processId, int version)
    {
        var row = store.DeploymentSource(tenantId, processId, version);
        if (row is null) return null;
        if (row.SharedTenantId is null) return row.BpmnXml;
        return ReferenceText(row.SharedTenantId, processId, row.SharedVersion ?? 0, row.File, tenantId, row.OverlayJson ?? "{}");
    }

    private string ReferenceText(string sharedTenantId, string processId, int sharedVersion, string file, string tenantId, string overlayJson)
    {
        var shared = store.DeploymentXml(sharedTenantId, processId, sharedVersion)
            ?? throw new DeploymentException($"{file}: the shared model '{processId}' version {sharedVersion} that tenant '{tenantId}''s version is made from is not stored");
        try
        {
            return OverlayMerger.ApplyToModel(Overlay.Restore(file, tenantId, processId, overlayJson), shared);
        }
        catch (Exception e) when (e is System.Xml.XmlException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new DeploymentException($"{file}: tenant '{tenantId}''s version of '{processId}' cannot be made from shared version {sharedVersion}: {e.Message}");
        }
    }

    /// <summary>
    /// Deploys a tenant's version of a shared model by reference (issue 16 item 4): when the process's latest version was made
    /// from the same shared version and overlay (<see cref="ReferenceVersion.Source"/>), nothing is merged or stored and that
    /// version is returned; else the engine gets the next version by its outline (its model made on first use) and the row
    /// — no model text, the shared version, the overlay — is stored with the forms the overlay relabels, in one transaction.
    /// Another node storing the same number meanwhile: its versions are read and the deploy tried again.
    /// </summary>
    /// <param name="forms">The forms whose labels the overlay changes (the others are the shared version's, not copied).</param>
    /// <returns>The version, and whether it is new.</returns>
    public (DeployedProcess Process, bool New) DeployReference(WorkflowEngine engine, ReferenceVersion reference, string? deployedBy, IReadOnlyList<StoredForm>? forms = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(reference);
        var tenant = engine.Options.TenantId;
        var r = reference;
        Definitions Load() =>
            Stored.ReadString(ReferenceText(r.SharedTenantId, r.ProcessId, r.SharedVersion, r.File, tenant, r.OverlayJson), r.File).Definitions
            ?? throw new DeploymentException($"{r.File}: tenant '{tenant}''s version of '{r.ProcessId}' cannot be read");
        _batches.TryGetValue(tenant, out var batch);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (deployed, isNew) = engine.DeployReference(r.ProcessId, r.File, r.Engine, Load, r.Source);
                if (!isNew) return (deployed, false);
                var row = new Data.DeploymentRow
                {
                    TenantId = tenant, ProcessId = r.ProcessId, Version = deployed.Version, ContentHash = r.Source, File = r.File, BpmnXml = "",
                    HistoryTtlDays = HistoryTimeToLive.Days(r.Outline.ProcessAttributes.GetValueOrDefault((Namespaces.Camunda + "historyTimeToLive").ToString())),
                    DeployedAt = Data.Ticks.Of(_clock.GetCurrentInstant()), DeployedBy = deployedBy, ProcessName = r.ProcessName,
                    Outline = r.OutlineIsShared ? DeploymentOutline.SharedMarker : r.Outline.ToJson(),
                    SharedTenantId = r.SharedTenantId, SharedVersion = r.SharedVersion, OverlayJson = r.OverlayJson,
                };
                var formRows = (forms ?? []).Select(f => new Data.DeploymentFormRow
                {
                    TenantId = tenant, ProcessId = r.ProcessId, Version = deployed.Version, FormKey = f.FormKey, File = f.File, SchemaJson = f.Json,
                }).ToList();
                if (batch is not null && ReferenceEquals(batch.Engine, engine))
                {
                    batch.Rows.Add(row); // stored with the batch's other rows (CommitReferences)
                    batch.Forms.AddRange(formRows);
                    return (deployed, true);
                }
                try { store.AddDeployments([row], formRows); }
                catch
                {
                    engine.RemoveVersion(r.ProcessId, deployed.Version); // nothing stored: no case starts on it
                    throw;
                }
                return (deployed, true);
            }
            catch (ConcurrencyConflictException) when (attempt < 3)
            {
                Restore(engine); // another node stored a version meanwhile: compare with it
            }
        }
    }

    /// <summary>A tenant's reference versions deployed together (<see cref="BeginReferences"/>): their rows are stored in one transaction.</summary>
    public sealed class ReferenceBatch(WorkflowEngine engine)
    {
        internal WorkflowEngine Engine { get; } = engine;
        internal List<Data.DeploymentRow> Rows { get; } = [];
        internal List<Data.DeploymentFormRow> Forms { get; } = [];
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ReferenceBatch> _batches = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts a batch for the engine's tenant: until <see cref="CommitReferences"/> (or <see cref="AbortReferences"/>), the
    /// new versions <see cref="DeployReference"/> makes for it are deployed into the engine and their rows collected, then
    /// stored in one transaction — a start deploying hundreds of a tenant's overlays makes one round trip, not one each.
    /// The caller deploys nothing else of the tenant meanwhile (and starts no case on it).
    /// </summary>
    public ReferenceBatch BeginReferences(WorkflowEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var batch = new ReferenceBatch(engine);
        if (!_batches.TryAdd(engine.Options.TenantId, batch)) throw new InvalidOperationException($"a batch of tenant '{engine.Options.TenantId}' is open already");
        return batch;
    }

    /// <summary>
    /// Stores the batch's rows with their forms in one transaction and returns the new versions. When that fails (another node
    /// stored one of the numbers meanwhile), nothing of the batch is stored and the exception is thrown: the caller ends it
    /// with <see cref="AbortReferences"/> (the engine forgets its versions, the caller their catalogue entries).
    /// </summary>
    public IReadOnlyList<(string ProcessId, int Version)> CommitReferences(ReferenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var versions = batch.Rows.Select(r => (r.ProcessId, r.Version)).ToList();
        if (batch.Rows.Count > 0) store.AddDeployments(batch.Rows, batch.Forms);
        _batches.TryRemove(new KeyValuePair<string, ReferenceBatch>(batch.Engine.Options.TenantId, batch));
        batch.Rows.Clear();
        batch.Forms.Clear();
        return versions;
    }

    /// <summary>Ends a batch without storing it: the engine forgets its versions; returns them.</summary>
    public IReadOnlyList<(string ProcessId, int Version)> AbortReferences(ReferenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _batches.TryRemove(new KeyValuePair<string, ReferenceBatch>(batch.Engine.Options.TenantId, batch));
        var versions = batch.Rows.Select(r => (r.ProcessId, r.Version)).ToList();
        foreach (var (processId, version) in versions.AsEnumerable().Reverse()) batch.Engine.RemoveVersion(processId, version);
        batch.Rows.Clear();
        batch.Forms.Clear();
        return versions;
    }

    /// <summary>The forms kept with one stored version (a shared version's, which its references show unless the overlay relabels them).</summary>
    public IReadOnlyList<StoredForm> FormsOf(string tenantId, string processId, int version) =>
        store.DeploymentFormRows(tenantId, processId, version).Select(r => new StoredForm(r.ProcessId, r.Version, r.FormKey, r.File, r.SchemaJson)).ToList();

    /// <summary>Keeps the name and outline of versions stored before migration 0038 (read from their models once).</summary>
    public void KeepOutlines(string tenantId, IReadOnlyList<(string ProcessId, int Version, string? Name, DeploymentOutline Outline)> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        store.SetDeploymentOutlines(tenantId, versions.Select(v => (v.ProcessId, v.Version, v.Name, v.Outline.ToJson())).ToList());
    }

    /// <summary>
    /// Every stored version of a tenant with its model read again from the stored XML (null when it cannot be read), so a
    /// restarted node knows the models deployed through the API before: their diagrams, candidate starters, element kinds.
    /// </summary>
    /// <param name="needed">Which versions to answer (null: all); the others are neither answered nor read.</param>
    public IReadOnlyList<(StoredDeployment Deployment, Definitions? Definitions)> ListWithModels(string tenantId, Func<string, int, bool>? needed = null,
        IDictionary<string, Definitions?>? parsed = null)
    {
        parsed ??= new Dictionary<string, Definitions?>(StringComparer.Ordinal);
        var list = new List<(StoredDeployment, Definitions?)>();
        foreach (var r in store.DeploymentHeads(tenantId))
        {
            if (needed is not null && !needed(r.ProcessId, r.Version)) continue;
            if (!parsed.TryGetValue(r.ContentHash, out var defs))
                parsed[r.ContentHash] = defs = Stored.ReadString(ModelText(r.TenantId, r.ProcessId, r.Version) ?? "", r.File).Definitions;
            list.Add((new StoredDeployment(r.TenantId, r.ProcessId, r.Version, r.ContentHash, r.File, Data.Ticks.At(r.DeployedAt), r.HistoryTtlDays, r.DeployedBy, r.ChangeNote), defs));
        }
        return list;
    }

    /// <summary>Keeps the form-js forms (JSON text) of deployed versions; a form kept before for the same version and key is replaced.</summary>
    public void SaveForms(string tenantId, IEnumerable<StoredForm> forms)
    {
        ArgumentNullException.ThrowIfNull(forms);
        store.SaveDeploymentForms(forms.Select(f => new Data.DeploymentFormRow
        {
            TenantId = tenantId, ProcessId = f.ProcessId, Version = f.Version, FormKey = f.FormKey, File = f.File, SchemaJson = f.Json,
        }).ToList());
    }

    /// <summary>Every form kept for a tenant's versions.</summary>
    public IReadOnlyList<StoredForm> Forms(string tenantId) =>
        store.DeploymentFormRows(tenantId).Select(r => new StoredForm(r.ProcessId, r.Version, r.FormKey, r.File, r.SchemaJson)).ToList();

    /// <summary>SHA-256 of the model with insignificant whitespace removed (hex).</summary>
    public static string ContentHash(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var normalised = XDocument.Parse(xml, LoadOptions.None).ToString(SaveOptions.DisableFormatting);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }

    /// <summary>
    /// The same hash as <see cref="ContentHash(string)"/> of <paramref name="xml"/>, the text <see cref="BpmnWriter"/> wrote for
    /// <paramref name="definitions"/> — made from the model's tree (<see cref="XmlNormalForm"/>) without parsing the text
    /// again when it can be; else from the text. Stored versions keep their hashes: an unchanged model keeps its version.
    /// </summary>
    public static string ContentHash(Definitions definitions, string xml)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(xml);
        return ContentHash(definitions, new Lazy<string>(xml));
    }

    /// <param name="written">The text <see cref="BpmnWriter"/> writes for the model: made only when the tree cannot tell.</param>
    private static string ContentHash(Definitions definitions, Lazy<string> written)
    {
        if (XmlNormalForm.Of(definitions) is not { } normal) return ContentHash(written.Value);
        // As XNode.ToString(SaveOptions.DisableFormatting) writes it (no declaration, no indentation), in UTF-8.
        using var bytes = new MemoryStream(written.IsValueCreated ? written.Value.Length : 16384);
        using (var writer = XmlWriter.Create(bytes, Unformatted)) normal.WriteTo(writer);
        return Convert.ToHexStringLower(SHA256.HashData(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)));
    }

    private static readonly XmlWriterSettings Unformatted = new() { OmitXmlDeclaration = true, Encoding = new UTF8Encoding(false) };
}

using EGov.Workflows.Host.Forms;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Model;
using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Host.Deployment;

/// <summary>
/// Deployments kept in the durable store (<see cref="DurableDeployments"/>): an unchanged model keeps its version, a
/// changed one becomes n+1, and every stored version is deployed into a tenant's engine when it is created, so running
/// instances continue on their version after a restart. Restored versions are listed with their model read again from the
/// stored XML, so a version deployed through the API keeps its diagram and candidate starters after a restart.
/// </summary>
internal sealed class DurableDeploymentBackend(DurableDeployments deployments) : IDeploymentBackend
{
    public IReadOnlyList<DeployedProcess> Deploy(TenantEngine tenant, IReadOnlyList<(string File, Definitions Definitions)> files, string? deployedBy = null, string? changeNote = null,
        Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<DeployedForm>>? forms = null,
        Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<StoredScenario>>? scenarios = null,
        IReadOnlyDictionary<string, string>? sourceHashes = null, IReadOnlyDictionary<string, string>? sourceTexts = null)
    {
        IReadOnlyList<DeployedForm> kept = [];
        var deployed = deployments.Deploy(tenant.Engine, files, deployedBy, changeNote, forms is null ? null : versions =>
        {
            kept = forms(Definitions(versions));
            return kept.Select(f => new StoredForm(f.ProcessId, f.Version, f.FormKey, f.File, f.Form.ToJsonString())).ToList();
        }, scenarios is null ? null : versions => scenarios(Definitions(versions)), sourceHashes, sourceTexts);
        foreach (var f in kept) tenant.Forms.Add(f); // stored with the versions: now this node shows them too
        return deployed;
    }

    public (DeployedProcess Process, bool New) DeployReference(TenantEngine tenant, ReferenceVersion reference, string? deployedBy, IReadOnlyList<DeployedForm> relabelled) =>
        deployments.DeployReference(tenant.Engine, reference, deployedBy, relabelled.Select(f => new StoredForm(f.ProcessId, f.Version, f.FormKey, f.File, f.Form.ToJsonString())).ToList());

    public object BeginReferences(TenantEngine tenant) => deployments.BeginReferences(tenant.Engine);

    public IReadOnlyList<(string ProcessId, int Version)> CommitReferences(TenantEngine tenant, object batch) =>
        deployments.CommitReferences((DurableDeployments.ReferenceBatch)batch);

    public IReadOnlyList<(string ProcessId, int Version)> AbortReferences(TenantEngine tenant, object batch) =>
        deployments.AbortReferences((DurableDeployments.ReferenceBatch)batch);

    /// <summary>
    /// The forms of shared versions (by tenant, process, version) as parsed once: a tenant's version kept as a reference shows
    /// them where its overlay relabels nothing, so 100 tenants' versions of one shared model hold one copy of each form.
    /// A stored version never changes its forms; a deleted one cannot be referenced.
    /// </summary>
    /// <remarks>
    /// Tenants restored side by side ask for the same shared versions at once: each is read and parsed by one of them (the
    /// others wait for it), not by every tenant at the same time.
    /// </remarks>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Tenant, string ProcessId, int Version), Lazy<IReadOnlyList<DeployedForm>>> _sharedForms = new();

    private IReadOnlyList<DeployedForm> SharedForms(string tenantId, string processId, int version)
    {
        var key = (tenantId, processId, version);
        var lazy = _sharedForms.GetOrAdd(key, k => new Lazy<IReadOnlyList<DeployedForm>>(() => deployments.FormsOf(k.Item1, k.Item2, k.Item3)
            .Select(f => new DeployedForm(f.ProcessId, f.Version, f.FormKey, f.File, FormCatalog.Parse(f.Json, f.File))).ToList()));
        try { return lazy.Value; }
        catch
        {
            _sharedForms.TryRemove(new KeyValuePair<(string, string, int), Lazy<IReadOnlyList<DeployedForm>>>(key, lazy)); // read again next time
            throw;
        }
    }

    private static List<DeployedDefinition> Definitions(IReadOnlyList<VersionOfFile> versions)
    {
        var at = DateTimeOffset.UtcNow;
        return versions.Select(v => new DeployedDefinition(v.ProcessId, null, v.Version, v.File, v.Definitions, at)).ToList();
    }

    /// <summary>
    /// Stored outlines as parsed, by their JSON, across tenants: the engine's restore and the catalogue read the same rows, and
    /// a hundred tenants' versions of one shared model mostly carry the same outline (bench W5: 580 distinct among 58,000) —
    /// parsed once and held once. Outlines are immutable. Bounded: past <see cref="MaxOutlines"/> distinct texts it starts
    /// over, so an installation whose every version differs keeps no second copy of every outline's text.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DeploymentOutline?> _outlines = new(StringComparer.Ordinal);

    private const int MaxOutlines = 4096;

    private DeploymentOutline? Outline(string json)
    {
        if (_outlines.TryGetValue(json, out var known)) return known;
        var parsed = DeploymentOutline.FromJson(json);
        if (_outlines.Count >= MaxOutlines) _outlines.Clear();
        return _outlines.GetOrAdd(json, parsed);
    }

    /// <remarks>
    /// Also how a node learns what another node deployed after it started (called again then): only versions and forms
    /// it does not know yet are read.
    /// </remarks>
    public void Restore(TenantEngine tenant)
    {
        var stamp = deployments.Stamp(tenant.TenantId); // before reading: what is stored meanwhile is found by the next catch-up
        if (stamp.Count == 0 && tenant.Catalog.IsEmpty)
        {
            // Nothing stored and nothing known (a new tenant, an empty database): no versions or forms to read.
            tenant.KnownDeployments = stamp;
            return;
        }
        // Versions another node deleted: this node forgets them too (their start timers went with the stored rows; the node
        // that deleted scheduled the earlier version's timer starts again). Local deploys hold the same lock, so a version
        // this node just stored is never taken for deleted. A version stored with another content hash than the model this
        // node runs was deleted and deployed again under the same number: forgotten too, and read again below.
        var heads = deployments.List(tenant.TenantId);
        var stored = heads.ToDictionary(d => (d.ProcessId, d.Version), d => d.ContentHash);
        foreach (var gone in tenant.Catalog.All().Where(d => !stored.TryGetValue((d.ProcessId, d.Version), out var hash)
                     || DurableDeployments.IsReplaced(tenant.Engine, d.ProcessId, d.Version, hash)).ToList())
            tenant.ForgetVersion(gone.ProcessId, gone.Version);
        // The models the engine's restore reads serve the versions stored before their outline was kept (read once, not twice).
        var parsed = new Dictionary<string, Definitions?>(StringComparer.Ordinal);
        DeploymentOutline? OutlineOf(string? json) => json is null ? null : Outline(json);
        deployments.Restore(tenant.Engine, parsed, heads, OutlineOf);
        // Versions stored without an outline (or its engine part) had it completed by the engine's restore: listed again then (else the rows just read).
        if (heads.Any(d => OutlineOf(d.Outline)?.Engine is null)) heads = deployments.List(tenant.TenantId);
        var filled = new List<(string, int, string?, DeploymentOutline)>();
        var references = new List<StoredDeployment>();
        foreach (var d in heads.Where(d => tenant.Catalog.Find(d.ProcessId, d.Version) is not { HasModel: true }))
        {
            if (d.SharedTenantId is not null && d.SharedVersion is not null) references.Add(d);
            // The catalogue keeps the name and the outline; the model is read from the stored XML when a page asks for it.
            var outline = OutlineOf(d.Outline);
            var name = d.ProcessName;
            if (outline is null)
            {
                if (!parsed.TryGetValue(d.ContentHash, out var model)) parsed[d.ContentHash] = model = deployments.Model(tenant.TenantId, d.ProcessId, d.Version, d.File);
                outline = model is null ? null : DeploymentOutline.Of(model, d.ProcessId);
                name = outline?.Name;
                if (outline is not null) filled.Add((d.ProcessId, d.Version, name, outline));
            }
            tenant.Catalog.Add(new DeployedDefinition(d.ProcessId, name ?? outline?.Name, d.Version, d.File, null, d.DeployedAt.ToDateTimeOffset(), d.DeployedBy, d.ChangeNote)
            {
                Outline = outline, Load = Loader(tenant.TenantId, d.ProcessId, d.Version, d.File),
            });
        }
        if (filled.Count > 0) deployments.KeepOutlines(tenant.TenantId, filled);
        foreach (var f in deployments.Forms(tenant.TenantId).Where(f => !tenant.Forms.Contains(f.ProcessId, f.Version, f.FormKey)))
            tenant.Forms.Add(new DeployedForm(f.ProcessId, f.Version, f.FormKey, f.File, FormCatalog.Parse(f.Json, f.File)));
        // Versions kept as references: the shared version's forms where the overlay relabels none (kept above otherwise).
        foreach (var d in references)
            foreach (var f in SharedForms(d.SharedTenantId!, d.ProcessId, d.SharedVersion!.Value).Where(f => !tenant.Forms.Contains(d.ProcessId, d.Version, f.FormKey)))
                tenant.Forms.Add(f with { Version = d.Version });
        tenant.KnownDeployments = stamp;
    }

    /// <summary>
    /// Several nodes over one store: one cheap read (how many versions, the latest deployment instant) tells whether another
    /// node deployed since this node last looked; only then are the new versions read. Called before new instances start,
    /// so no node starts a case on a version that is no longer the latest.
    /// </summary>
    public void CatchUp(TenantEngine tenant)
    {
        if (Equals(tenant.KnownDeployments, deployments.Stamp(tenant.TenantId))) return;
        lock (tenant.Catalog) Restore(tenant);
    }

    /// <summary>Reads the model of a stored version from its XML (for a compact catalogue entry; the entry's cache keeps it a while).</summary>
    private Func<Definitions?> Loader(string tenantId, string processId, int version, string file) =>
        () => deployments.Model(tenantId, processId, version, file);

    public DeployedDefinition Compact(TenantEngine tenant, DeployedDefinition definition) =>
        definition.Compact(Loader(tenant.TenantId, definition.ProcessId, definition.Version, definition.File));

    /// <summary>
    /// The files of the processes folder whose bytes (with their forms) are those the latest stored versions were deployed
    /// from, with the catalogue's entries of their processes: a restart deploys them as they are, without reading them. A file
    /// is unchanged when every process a version was stored from it with this source hash has that version as its latest.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<DeployedDefinition>> Unchanged(TenantEngine tenant, IReadOnlyList<(string File, byte[] Bytes)> files, Func<string, IEnumerable<string>, string> sourceHash)
    {
        var stored = deployments.List(tenant.TenantId);
        var latest = stored.GroupBy(d => d.ProcessId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.MaxBy(d => d.Version)!, StringComparer.Ordinal);
        var byFile = stored.Where(d => d.SourceHash is not null).GroupBy(d => d.File, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var found = new Dictionary<string, IReadOnlyList<DeployedDefinition>>(StringComparer.Ordinal);
        foreach (var (file, _) in files)
        {
            if (!byFile.TryGetValue(file, out var rows)) continue;
            // The form keys come from the latest versions' outlines; the hash decides whether those versions are this file's.
            var current = rows.Where(r => latest[r.ProcessId].Version == r.Version).ToList();
            if (current.Count == 0) continue;
            var keys = current.SelectMany(r => (r.Outline is null ? null : Outline(r.Outline))?.FormKeys ?? []).Distinct(StringComparer.Ordinal).ToList();
            var hash = sourceHash(file, keys);
            var same = rows.Where(r => r.SourceHash == hash).ToList();
            if (same.Count == 0 || same.Select(r => r.ProcessId).Distinct(StringComparer.Ordinal).Any(p => latest[p].SourceHash != hash || latest[p].File != file)) continue;
            var entries = same.Select(r => latest[r.ProcessId]).DistinctBy(r => r.ProcessId).Select(r => tenant.Catalog.Find(r.ProcessId, r.Version)).ToList();
            if (entries.Any(e => e is null)) continue;
            found[file] = entries!;
        }
        return found;
    }

    public bool HasVersions(string tenantId) => deployments.Any(tenantId);

    public long StoredSize(string tenantId) => deployments.StoredSize(tenantId);

    public bool Delete(string tenantId, string processId, int version) => deployments.Delete(tenantId, processId, version);

    public void KeepForms(TenantEngine tenant, IReadOnlyList<DeployedForm> forms) =>
        deployments.SaveForms(tenant.TenantId, forms.Select(f => new StoredForm(f.ProcessId, f.Version, f.FormKey, f.File, f.Form.ToJsonString())));
}

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
        Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<StoredScenario>>? scenarios = null)
    {
        IReadOnlyList<DeployedForm> kept = [];
        var deployed = deployments.Deploy(tenant.Engine, files, deployedBy, changeNote, forms is null ? null : versions =>
        {
            kept = forms(Definitions(versions));
            return kept.Select(f => new StoredForm(f.ProcessId, f.Version, f.FormKey, f.File, f.Form.ToJsonString())).ToList();
        }, scenarios is null ? null : versions => scenarios(Definitions(versions)));
        foreach (var f in kept) tenant.Forms.Add(f); // stored with the versions: now this node shows them too
        return deployed;
    }

    private static List<DeployedDefinition> Definitions(IReadOnlyList<VersionOfFile> versions)
    {
        var at = DateTimeOffset.UtcNow;
        return versions.Select(v => new DeployedDefinition(v.ProcessId, null, v.Version, v.File, v.Definitions, at)).ToList();
    }

    /// <remarks>
    /// Also how a node learns what another node deployed after it started (called again then): only versions and forms
    /// it does not know yet are read.
    /// </remarks>
    public void Restore(TenantEngine tenant)
    {
        var stamp = deployments.Stamp(tenant.TenantId); // before reading: what is stored meanwhile is found by the next catch-up
        // Versions another node deleted: this node forgets them too (their start timers went with the stored rows; the node
        // that deleted scheduled the earlier version's timer starts again). Local deploys hold the same lock, so a version
        // this node just stored is never taken for deleted. A version stored with another content hash than the model this
        // node runs was deleted and deployed again under the same number: forgotten too, and read again below.
        var stored = deployments.List(tenant.TenantId).ToDictionary(d => (d.ProcessId, d.Version), d => d.ContentHash);
        foreach (var gone in tenant.Catalog.All().Where(d => !stored.TryGetValue((d.ProcessId, d.Version), out var hash)
                     || DurableDeployments.IsReplaced(tenant.Engine, d.ProcessId, d.Version, hash)).ToList())
            tenant.ForgetVersion(gone.ProcessId, gone.Version);
        // The models the engine's restore reads are the ones the catalogue lists next: each stored model is read once, not twice.
        var parsed = new Dictionary<string, Definitions?>(StringComparer.Ordinal);
        deployments.Restore(tenant.Engine, parsed);
        foreach (var (d, model) in deployments.ListWithModels(tenant.TenantId, (p, v) => tenant.Catalog.Find(p, v)?.Definitions is null, parsed))
        {
            var name = model?.Processes.FirstOrDefault(p => p.Id == d.ProcessId)?.Attribute("name");
            tenant.Catalog.Add(new DeployedDefinition(d.ProcessId, name, d.Version, d.File, model, d.DeployedAt.ToDateTimeOffset(), d.DeployedBy, d.ChangeNote));
        }
        foreach (var f in deployments.Forms(tenant.TenantId).Where(f => !tenant.Forms.Contains(f.ProcessId, f.Version, f.FormKey)))
            tenant.Forms.Add(new DeployedForm(f.ProcessId, f.Version, f.FormKey, f.File, FormCatalog.Parse(f.Json, f.File)));
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

    public bool HasVersions(string tenantId) => deployments.Any(tenantId);

    public long StoredSize(string tenantId) => deployments.StoredSize(tenantId);

    public bool Delete(string tenantId, string processId, int version) => deployments.Delete(tenantId, processId, version);

    public void KeepForms(TenantEngine tenant, IReadOnlyList<DeployedForm> forms) =>
        deployments.SaveForms(tenant.TenantId, forms.Select(f => new StoredForm(f.ProcessId, f.Version, f.FormKey, f.File, f.Form.ToJsonString())));
}

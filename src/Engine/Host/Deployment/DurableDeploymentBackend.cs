using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Model;
using EGov.Workflows.Persistence.Deployments;
using EGov.Workflows.Runtime;

namespace EGov.Workflows.Host.Deployment;

/// <summary>
/// Deployments kept in the durable store (<see cref="DurableDeployments"/>): an unchanged model keeps its version, a
/// changed one becomes n+1, and every stored version is deployed into a tenant's engine when it is created, so running
/// instances continue on their version after a restart. Restored versions whose model this process has not read are
/// listed without it (migration from them needs the model deployed again).
/// </summary>
internal sealed class DurableDeploymentBackend(DurableDeployments deployments) : IDeploymentBackend
{
    public IReadOnlyList<DeployedProcess> Deploy(TenantEngine tenant, IReadOnlyList<(string File, Definitions Definitions)> files) =>
        deployments.Deploy(tenant.Engine, files);

    public void Restore(TenantEngine tenant)
    {
        deployments.Restore(tenant.Engine);
        foreach (var d in deployments.List(tenant.TenantId))
            tenant.Catalog.Add(new DeployedDefinition(d.ProcessId, null, d.Version, d.File, null, d.DeployedAt.ToDateTimeOffset()));
    }
}

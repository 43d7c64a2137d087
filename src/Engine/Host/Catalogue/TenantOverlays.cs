using System.Security.Cryptography;
using EGov.Workflows.Catalogue.Overlays;
using EGov.Workflows.Catalogue.Services;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Tenancy;

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
public sealed class TenantOverlays
{
    private volatile IReadOnlyList<OverlayDeployment> _all = [];
    private volatile IReadOnlyDictionary<string, IReadOnlyList<ServiceDescription>> _services = new Dictionary<string, IReadOnlyList<ServiceDescription>>();

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
        var rows = new List<OverlayDeployment>();
        var services = new Dictionary<string, List<ServiceDescription>>(StringComparer.Ordinal);
        var shared = new Dictionary<string, (IReadOnlyList<ServiceFile> Files, string Hash, ServiceReadResult? Service)>(StringComparer.Ordinal);
        var defaultTenant = engines.Get(engines.DefaultTenantId);
        foreach (var file in OverlayReader.Find(tenantsDirectory))
        {
            var read = OverlayReader.ReadFile(file);
            var tenantId = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(file))) ?? "";
            var service = Path.GetFileName(file)[..^OverlayReader.Suffix.Length];
            OverlayDeployment Refused(IEnumerable<string> problems, string sharedHash = "", string? processId = null, int? sharedVersion = null) =>
                new(tenantId, service, file, read.Overlay?.Hash ?? "", processId, sharedHash, sharedVersion, null, "refused", problems.ToList());
            if (!TenantEngines.IsValidId(tenantId) || tenantId == engines.DefaultTenantId)
            {
                rows.Add(Refused([$"{file}:1:1: error: '{tenantId}' is not a tenant id for overlays (letters, digits, '-', '_'; not the default tenant, which runs processes/ as it is)"]));
                continue;
            }
            if (read.Overlay is not { } overlay)
            {
                rows.Add(Refused(read.Diagnostics.Select(d => d.ToString())));
                continue;
            }
            if (!shared.TryGetValue(service, out var model))
            {
                var folder = Path.Combine(processesDirectory, service);
                model = Directory.Exists(folder) ? ReadShared(folder) : ([], "", null);
                shared[service] = model;
            }
            if (model.Files.Count == 0)
            {
                rows.Add(Refused([$"{file}:1:1: error: there is no shared service '{service}' ({Path.Combine(processesDirectory, service)}/ with a BPMN model)"]));
                continue;
            }
            var processId = model.Service?.Service?.ProcessId;
            var sharedVersion = processId is null ? null : defaultTenant.Catalog.Latest(processId)?.Version;
            var merge = OverlayMerger.Merge(overlay, model.Files);
            if (!merge.Fits)
            {
                rows.Add(Refused(merge.Problems.Select(d => d.ToString()), model.Hash, processId, sharedVersion));
                continue;
            }
            var tenant = engines.Get(tenantId);
            try
            {
                var forms = FormsNamed(merge.Files);
                var deployed = ModelDeployer.DeployBytes(tenant, merge.Files
                    .Where(f => !f.Path.EndsWith(".form", StringComparison.OrdinalIgnoreCase) || forms.Contains(Path.GetFileName(f.Path)))
                    .Select(f => (f.Path, f.Bytes)));
                var version = deployed.FirstOrDefault(d => d.ProcessId == processId)?.Version ?? deployed.FirstOrDefault()?.Version;
                rows.Add(new OverlayDeployment(tenantId, service, file, overlay.Hash, processId ?? deployed.FirstOrDefault()?.ProcessId, model.Hash, sharedVersion, version, "deployed", []));
                if (model.Service?.Service is { } description)
                {
                    if (!services.TryGetValue(tenantId, out var list)) services[tenantId] = list = [];
                    list.Add(overlay.Apply(description));
                }
            }
            catch (Runtime.DeploymentException e)
            {
                rows.Add(Refused(e.Messages.Select(m => $"{file}: the merged model does not deploy: {m}"), model.Hash, processId, sharedVersion));
            }
            catch (Api.ApiProblemException e)
            {
                rows.Add(Refused([$"{file}: the merged model does not deploy: {e.Message}"], model.Hash, processId, sharedVersion));
            }
        }
        foreach (var (tenantId, list) in services)
            engines.Get(tenantId).Services.Replace(list);
        _services = services.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<ServiceDescription>)kv.Value, StringComparer.Ordinal);
        _all = rows;
        return rows;
    }

    /// <summary>The shared service's files (models, decisions, forms), a hash of them, and its service.yaml.</summary>
    private static (IReadOnlyList<ServiceFile> Files, string Hash, ServiceReadResult? Service) ReadShared(string folder)
    {
        var paths = ModelDeployer.FindModels(folder)
            .Concat(Directory.EnumerateFiles(folder, "*.form", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("node_modules"))
            .Order(StringComparer.Ordinal).ToList();
        var files = paths.Select(p => new ServiceFile(p, File.ReadAllBytes(p))).ToList();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var f in files) sha.AppendData(f.Bytes);
        var yaml = Path.Combine(folder, ServiceYamlReader.FileName);
        var service = File.Exists(yaml) ? ServiceYamlReader.ReadFile(yaml) : null;
        return (files.Any(f => !f.Path.EndsWith(".form", StringComparison.OrdinalIgnoreCase)) ? files : [], Convert.ToHexStringLower(sha.GetHashAndReset())[..12], service);
    }

    /// <summary>The form files the user tasks of the merged models name (camunda:formKey): only those are deployed with them.</summary>
    private static HashSet<string> FormsNamed(IReadOnlyList<ServiceFile> files)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in files.Where(f => f.Path.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase)))
        {
            var read = new Bpmn.Reading.BpmnReader().ReadBytes(f.Bytes, f.Path);
            if (read.Definitions is null) continue;
            foreach (var key in read.Definitions.Processes.SelectMany(p => p.Descendants()).Where(e => e.Name.LocalName == "userTask")
                         .Select(e => e.CamundaAttribute("formKey")).OfType<string>())
                if (Forms.FormCatalog.FileName(key) is { } name) names.Add(name);
        }
        return names;
    }
}

using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Model;
using EGov.Workflows.Dmn.Reading;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Decisions;

namespace EGov.Workflows.Host.Deployment;

/// <summary>
/// Reads BPMN files (from disk or a request) and deploys them to a tenant's engine, all or nothing. A file that cannot
/// be read or a model that cannot run is refused with every problem as <c>file:line:column: error: message</c>.
/// </summary>
public static class ModelDeployer
{
    /// <summary>Every BPMN model under a folder (*.bpmn, *.bpmn20.xml), in a stable order; node_modules is skipped.</summary>
    public static IReadOnlyList<string> FindModels(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Contains("node_modules"))
            .Where(f => f.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase)
                        || f.EndsWith(".dmn", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Deploys model files from disk, with the form-js forms their user tasks name (camunda:formKey) from beside them.</summary>
    /// <remarks>
    /// On a durable store each version keeps the source hash of its file (its bytes, the forms it names, the engine build and
    /// activities that checked it): a file deployed before exactly as it is now is neither parsed, checked nor written again
    /// — a restart with hundreds of unchanged models costs a hash of each file (issue 15). Changed and new files are read,
    /// checked (a broken one refuses the start with its positions) and deployed as always.
    /// </remarks>
    public static IReadOnlyList<DeployedDefinition> DeployFiles(TenantEngine tenant, IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var files = paths.Select(p => (Name: p, Bytes: ReadAll(p))).ToList();
        if (!tenant.KeepsSources) return DeployAll(tenant, files, null, null, Forms.FormCatalog.ReadBeside).Processes;
        var bytesOf = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, bytes) in files) bytesOf[name] = bytes;
        var checkedBy = CheckedBy(tenant);
        string Hash(string file, IEnumerable<string> formKeys)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;
            return Persistence.Deployments.DeploymentOutline.SourceHash(bytesOf.GetValueOrDefault(file) ?? [],
                formKeys.Select(k => (k, Forms.FormCatalog.Resolve(dir, k))), checkedBy);
        }
        var unchanged = tenant.Unchanged(files, Hash);
        var rest = files.Where(f => !unchanged.ContainsKey(f.Name)).ToList();
        var deployed = rest.Count == 0 ? [] : DeployAll(tenant, rest, null, null, Forms.FormCatalog.ReadBeside, null, Hash).Processes;
        var order = files.Select((f, i) => (f.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        return unchanged.Values.SelectMany(e => e).Concat(deployed).OrderBy(d => order.GetValueOrDefault(d.File, int.MaxValue)).ToList();
    }

    /// <summary>
    /// What checked a model besides its bytes: the engine's build (its assemblies' module version ids) and the activities the
    /// tenant's engine knows. When either changes, every file is read and checked again once.
    /// </summary>
    private static string CheckedBy(TenantEngine tenant) =>
        string.Join("|", new[] { typeof(WorkflowEngine), typeof(BpmnReader), typeof(ModelDeployer), typeof(Persistence.Deployments.DurableDeployments), typeof(Model.Definitions) }
            .Select(t => t.Assembly.ManifestModule.ModuleVersionId.ToString("N")))
        + "|" + string.Join(",", tenant.Engine.Options.Activities.Names.Order(StringComparer.Ordinal));

    private static byte[] ReadAll(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DeploymentException($"{path}:1:1: error: cannot read file: {e.Message}");
        }
    }

    /// <summary>Deploys files given as bytes (a request body or multipart files), named for the messages.</summary>
    public static IReadOnlyList<DeployedDefinition> DeployBytes(TenantEngine tenant, IEnumerable<(string Name, byte[] Bytes)> files) =>
        DeployAll(tenant, files).Processes;

    /// <summary>
    /// Deploys BPMN and DMN files together, all or nothing: the DMN files' decisions first (so the processes' business
    /// rule tasks find them), then the processes. A file is DMN by its .dmn name or its DMN namespace.
    /// </summary>
    /// <param name="deployedBy">The caller who deploys (kept with the stored versions); null for the processes folder.</param>
    /// <param name="changeNote">What changed, in the deployer's words (kept with every new version); null for none.</param>
    /// <remarks>
    /// A <c>.form</c> file comes with the BPMN model whose user task names it (<c>camunda:formKey</c>) and is kept with that
    /// process version, in the same transaction. A form no user task of the deployment's models names — in a deployment
    /// of DMN only, or beside models that do not use it — has no version to belong to: the deployment is refused with 400
    /// naming the file, rather than dropping the form silently (deploy it with the model that uses it).
    /// </remarks>
    public static (IReadOnlyList<DeployedDefinition> Processes, IReadOnlyList<DeployedDecision> Decisions) DeployAll(TenantEngine tenant, IEnumerable<(string Name, byte[] Bytes)> files, string? deployedBy = null, string? changeNote = null) =>
        DeployAll(tenant, files, deployedBy, changeNote, null);

    /// <summary>
    /// Deploys as <see cref="DeployAll(TenantEngine, IEnumerable{ValueTuple{string, byte[]}}, string?, string?)"/> and keeps
    /// <paramref name="scenarios"/> (file name → YAML) with the new version of <paramref name="processId"/>: in a durable store
    /// in the same transaction as the version, so a failure saving them leaves no version (see <see cref="TenantEngine.KeepsScenarios"/>).
    /// </summary>
    public static (IReadOnlyList<DeployedDefinition> Processes, IReadOnlyList<DeployedDecision> Decisions) DeployWithScenarios(TenantEngine tenant,
        IEnumerable<(string Name, byte[] Bytes)> files, string? deployedBy, string? changeNote, string processId, IReadOnlyDictionary<string, string> scenarios)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        return DeployAll(tenant, files, deployedBy, changeNote, null, scenarios.Count == 0 ? null : versions =>
            versions.Where(v => v.ProcessId == processId)
                .SelectMany(v => scenarios.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => new Persistence.Deployments.StoredScenario(v.ProcessId, v.Version, x.Key, x.Value)))
                .ToList());
    }

    private static (IReadOnlyList<DeployedDefinition> Processes, IReadOnlyList<DeployedDecision> Decisions) DeployAll(TenantEngine tenant, IEnumerable<(string Name, byte[] Bytes)> files,
        string? deployedBy, string? changeNote, Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<Forms.DeployedForm>>? formsBeside,
        Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<Persistence.Deployments.StoredScenario>>? scenarios = null,
        Func<string, IEnumerable<string>, string>? sourceHash = null)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var all = files.ToList();
        // form-js forms (.form) beside the models: read first (a broken one refuses the whole deployment), then kept for
        // the user tasks whose camunda:formKey names them.
        var formFiles = all.Where(f => f.Name.EndsWith(".form", StringComparison.OrdinalIgnoreCase)).ToList();
        var forms = new Dictionary<string, System.Text.Json.Nodes.JsonObject>(StringComparer.Ordinal);
        var formProblems = new List<string>();
        foreach (var (name, bytes) in formFiles)
        {
            try { forms[Path.GetFileName(name)] = Forms.FormCatalog.Parse(System.Text.Encoding.UTF8.GetString(bytes), name); }
            catch (DeploymentException e) { formProblems.AddRange(e.Messages); }
        }
        if (formProblems.Count > 0) throw new DeploymentException(formProblems);
        var list = all.Except(formFiles).ToList();
        if (list.Count == 0) throw new DeploymentException("no model to deploy: .form files come with the BPMN model whose user tasks name them");
        var dmn = list.Where(f => IsDmn(f.Name, f.Bytes)).ToList();
        var bpmn = list.Except(dmn).ToList();
        var dmnResults = dmn.Select(f => new DmnReader().ReadBytes(f.Bytes, f.Name)).ToList();
        // Many files (a processes folder of hundreds of services): read on every core, in their order (reading is most of a deploy).
        var bpmnResults = (bpmn.Count >= 8 ? bpmn.AsParallel().AsOrdered().Select(f => new BpmnReader().ReadBytes(f.Bytes, f.Name)) : bpmn.Select(f => new BpmnReader().ReadBytes(f.Bytes, f.Name))).ToList();
        var problems = dmnResults.SelectMany(r => r.Errors.Select(d => d.ToString())).ToList();
        problems.AddRange(dmnResults.Where(r => r.Definitions is null && !r.Errors.Any()).Select(r => $"{r.File}:1:1: error: not a DMN model"));
        if (problems.Count > 0)
        {
            problems.AddRange(bpmnResults.SelectMany(r => r.Errors.Select(d => d.ToString())));
            throw new DeploymentException(problems);
        }
        if (bpmnResults.Count == 0 && dmnResults.Count == 0) throw new DeploymentException("no model to deploy");
        if (forms.Count > 0) RefuseUnusedForms(forms.Keys, bpmnResults);
        var sourceTexts = SourceTexts(tenant, bpmn); // decoded before the catalogue is locked
        var formsOf = forms.Count > 0 ? defs => Forms.FormCatalog.FromResources(defs, forms) : formsBeside;
        lock (tenant.Catalog)
        {
            // Nothing is deployed when one file is broken: the decisions are compiled first, then the processes are
            // deployed (they are checked completely on the way), then the decisions (which can no longer be refused).
            if (bpmnResults.Count > 0) CheckReadable(bpmnResults);
            var dmnFiles = dmnResults.Select(r => (r.File, r.Definitions!)).ToList();
            if (dmnFiles.Count > 0 && bpmnResults.Count > 0) tenant.Engine.Decisions.Check(dmnFiles);
            var processes = bpmnResults.Count == 0 ? [] : Deploy(tenant, bpmnResults, deployedBy, changeNote, formsOf, scenarios, sourceHash, sourceTexts);
            var decisions = dmnFiles.Count == 0 ? [] : tenant.Engine.DeployDecisions(dmnFiles);
            return (processes, decisions);
        }
    }

    /// <summary>
    /// Each BPMN file's text where it can be stored as deployed (<see cref="Persistence.Deployments.ModelSourceText"/>); null
    /// when this tenant keeps no model texts (in memory).
    /// </summary>
    private static Dictionary<string, string>? SourceTexts(TenantEngine tenant, List<(string Name, byte[] Bytes)> bpmn)
    {
        if (!tenant.KeepsSources) return null;
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, bytes) in bpmn)
            if (Persistence.Deployments.ModelSourceText.Of(bytes) is { } text) texts.TryAdd(name, text);
        return texts;
    }

    private static bool IsDmn(string name, byte[] bytes)
    {
        if (name.EndsWith(".dmn", StringComparison.OrdinalIgnoreCase)) return true;
        if (name.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase)) return false;
        var head = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
        return head.Contains("omg.org/spec/DMN/", StringComparison.Ordinal) && !head.Contains("omg.org/spec/BPMN/", StringComparison.Ordinal);
    }

    private static void CheckReadable(List<BpmnReadResult> results)
    {
        var problems = results.SelectMany(r => r.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString())).ToList();
        if (problems.Count > 0) throw new DeploymentException(problems);
    }

    /// <summary>400 naming every uploaded form that no user task or start event of the deployment's BPMN models names (camunda:formKey).</summary>
    private static void RefuseUnusedForms(IEnumerable<string> formFiles, List<BpmnReadResult> bpmn)
    {
        var named = bpmn.Where(r => r.Definitions is not null)
            .SelectMany(r => r.Definitions!.Processes.SelectMany(p => p.Descendants()))
            .Where(e => e.Name.LocalName is "userTask" or "startEvent").Select(e => e.CamundaAttribute("formKey")).OfType<string>()
            .Select(Forms.FormCatalog.FileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var unused = formFiles.Where(f => !named.Contains(f)).Order(StringComparer.Ordinal).ToList();
        if (unused.Count == 0) return;
        throw Api.ApiProblemException.BadRequest(bpmn.Count == 0
            ? $"the deployment holds no BPMN model, so its form(s) {string.Join(", ", unused)} have no process version to belong to: a .form file comes with the BPMN model whose user task names it (camunda:formKey)"
            : $"no user task of the deployment's BPMN models names the form(s) {string.Join(", ", unused)} (camunda:formKey): a form is kept with the process version that uses it — deploy it with that model, or leave it out");
    }

    private static List<DeployedDefinition> Deploy(TenantEngine tenant, List<BpmnReadResult> results, string? deployedBy, string? changeNote,
        Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<Forms.DeployedForm>>? formsOf,
        Func<IReadOnlyList<DeployedDefinition>, IReadOnlyList<Persistence.Deployments.StoredScenario>>? scenarios,
        Func<string, IEnumerable<string>, string>? sourceHash, IReadOnlyDictionary<string, string>? sourceTexts)
    {
        var problems = results.SelectMany(r => r.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.ToString())).ToList();
        problems.AddRange(results.Where(r => r.Definitions is null && !r.Diagnostics.Any(d => d.Severity == Severity.Error))
            .Select(r => $"{r.File}:1:1: error: not a BPMN 2.0 model"));
        if (problems.Count > 0) throw new DeploymentException(problems);
        var files = results.Select(r => (r.File, r.Definitions!)).ToList();
        if (!files.Any(f => f.Item2.Processes.Any()))
            throw new DeploymentException(results.Select(r => $"{r.File}:1:1: error: the file holds no process to deploy").ToList());
        lock (tenant.Catalog)
        {
            var before = files.SelectMany(f => f.Item2.Processes).Select(p => p.Id ?? "").Distinct().ToDictionary(id => id, id => tenant.Catalog.Latest(id)?.Version ?? 0);
            // The source hash of each file from disk: its bytes with the forms its deployed processes name (as a restart computes it).
            // Each file reads its own bytes and forms: on every core for a folder of many.
            var groups = files.GroupBy(f => f.File, StringComparer.Ordinal).ToList();
            string HashOf(IGrouping<string, (string File, Definitions Definitions)> g) => sourceHash!(g.Key,
                g.First().Definitions.Processes.Where(p => p.IsExecutable || !p.IsExecutableDeclared)
                    .SelectMany(p => Persistence.Deployments.DeploymentOutline.Of(g.First().Definitions, p.Id ?? "")?.FormKeys ?? []));
            var hashes = sourceHash is null ? null
                : EveryCore.Map(groups.Count, i => HashOf(groups[i])).Select((hash, i) => (groups[i].Key, hash)).ToDictionary(x => x.Key, x => x.hash, StringComparer.Ordinal);
            var deployed = tenant.Deploy(files, deployedBy, changeNote, formsOf, scenarios, hashes, sourceTexts);
            var at = DateTimeOffset.UtcNow;
            var byFile = groups.ToDictionary(g => g.Key, g => g.First().Item2, StringComparer.Ordinal);
            var list = deployed.Select(p => DeployedDefinition.From(p, byFile.TryGetValue(p.File, out var d) ? d : files.Find(f => f.Item2.Processes.Any(x => x.Id == p.ProcessId)).Item2, at, deployedBy, changeNote)).ToList();
            // An unchanged model keeps its version, with who deployed it when and why.
            // On a durable store the catalogue keeps the outline, not the model (read again from the stored XML when asked for).
            foreach (var d in list)
                tenant.Catalog.Add(before.GetValueOrDefault(d.ProcessId) >= d.Version && tenant.Catalog.Find(d.ProcessId, d.Version) is { HasModel: true } kept ? kept : tenant.Compact(d));
            list = list.Select(d => tenant.Catalog.Find(d.ProcessId, d.Version) ?? d).ToList();
            return list;
        }
    }

    /// <summary>For messages about a model: the process ids a definitions element holds.</summary>
    public static IEnumerable<string> ProcessIds(Definitions definitions) => definitions.Processes.Select(p => p.Id ?? "");
}

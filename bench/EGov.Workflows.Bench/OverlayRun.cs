using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using EGov.Workflows.Host.Catalogue;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Runtime.Store;
using Microsoft.Extensions.Configuration;

namespace EGov.Workflows.Bench;

/// <summary>
/// W5 extended (issue 16 item 4): <see cref="RunSpec.Variants"/> shared models (processes/ and renamed variants, each a
/// service folder with a service.yaml) and one overlay per model for each of <see cref="RunSpec.N"/> tenants
/// (tenants/&lt;tenant&gt;/&lt;service&gt;.overlay.yaml: its fee, a group, a task's name, its contact), deployed the way
/// <c>./egov serve</c> does it — the processes folder for the default tenant, then <see cref="TenantOverlays.DeployAll"/>
/// for every tenant — on the in-memory store, timed from the first read to the last tenant's version.
/// </summary>
public static partial class OverlayRun
{
    public static BenchResult Run(RunSpec spec)
    {
        if (spec.Store != "memory") return RunDurable(spec);
        var dir = Path.Combine(spec.WorkDir, $"w5-overlays-{Environment.ProcessId}");
        var (processes, tenants, services) = Write(dir, spec.ProcessesDir ?? "processes", spec.Variants, spec.N);
        try
        {
            GC.Collect();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var engines = new TenantEngines(new InMemoryRuntimeStore(), activities: Activities());
            var shared = ModelDeployer.DeployFiles(engines.Get(engines.DefaultTenantId), ModelDeployer.FindModels(processes));
            var sharedSeconds = sw.Elapsed.TotalSeconds;
            var overlays = new TenantOverlays();
            engines.ServicesOf = overlays.ServicesOf;
            var rows = overlays.DeployAll(engines, processes, tenants);
            var seconds = sw.Elapsed.TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var refused = rows.Where(r => r.State != "deployed").ToList();
            var heap = GC.GetTotalMemory(true) / 1048576.0;
            return new BenchResult
            {
                Workload = "W5", Store = "memory", Engine = "egov", Mode = "overlays", Instances = rows.Count, InFlight = 1,
                InstancesPerSecond = (rows.Count - refused.Count) / seconds, ElapsedSeconds = seconds, PeakRssMb = Proc.PeakRssMb(),
                Definitions = rows.Count - refused.Count, DeploySeconds = seconds, CpuMsPerInstance = cpu.TotalMilliseconds / Math.Max(1, rows.Count),
                Tenants = spec.N, SharedModels = services,
                Note = $"{services} shared models ({shared.Count} processes deployed for the default tenant in {sharedSeconds:0.00} s) × {spec.N} tenants = "
                    + $"{rows.Count} overlays merged and deployed in {seconds - sharedSeconds:0.00} s; heap after {heap:0} MB"
                    + (refused.Count > 0 ? $"; refused {refused.Count}: {string.Join(" | ", refused.Take(2).SelectMany(r => r.Problems).Take(2))}" : ""),
            };
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The activities of the repository's built-in packs (processes/ uses them) with their test settings, and the bench's no-op.</summary>
    internal static EGov.Workflows.Sdk.ActivityRegistry Activities() =>
        EGov.Workflows.Packs.PackCatalog.Empty
            .With(EGov.Workflows.Host.BuiltInPacks.Load(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
                .AddInMemoryCollection(EGov.Workflows.Host.BuiltInPacks.TestDefaults).Build()))
            .AddTo(new EGov.Workflows.Sdk.ActivityRegistry().Add<NoopActivity>());

    /// <summary>Writes processes/&lt;service&gt;/ (a BPMN model and a service.yaml each) and tenants/t&lt;k&gt;/&lt;service&gt;.overlay.yaml.</summary>
    private static (string Processes, string Tenants, int Services) Write(string dir, string processesDir, int models, int tenants)
    {
        var processes = Path.Combine(dir, "processes");
        var tenantsDir = Path.Combine(dir, "tenants");
        var catalogue = Models.Catalogue(processesDir, Math.Max(0, models - Models.Catalogue(processesDir, 0).Count));
        var utf8 = new UTF8Encoding(false);
        var overlays = new List<(string Service, Func<int, string> Overlay)>();
        for (var i = 0; i < catalogue.Count; i++)
        {
            var (_, xml) = catalogue[i];
            var service = $"leistung-{i:D3}";
            var folder = Path.Combine(processes, service);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, service + ".bpmn"), xml, utf8);
            var processId = ProcessId().Match(xml).Groups[1].Value;
            // The process's egov:validFrom stated in the service.yaml too (a server's start refuses the two differing).
            var validFrom = ValidFrom().Match(xml) is { Success: true } v ? $"validFrom: {v.Groups[1].Value}\n" : "";
            File.WriteAllText(Path.Combine(folder, "service.yaml"), validFrom + $"""
                internal: true
                name: {"{"} de: "Leistung {i}" {"}"}
                process: {processId}
                legalBases: [{"{"} law: "Mustergesetz", paragraph: "§ {i + 1}" {"}"}]
                responsible: {"{"} orgUnit: Fachamt, groups: [fachamt] {"}"}
                fees: {"{"} amount: 10 {"}"}
                reifegrad: 2

                """, utf8);
            var task = UserTask().Match(xml) is { Success: true } t ? t.Groups[1].Value : null;
            var group = Groups().Matches(xml).Select(m => m.Groups[1].Value).SelectMany(g => g.Split(',')).FirstOrDefault(g => g.Length > 0 && !g.Contains('$'));
            overlays.Add((service, k => new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"fees: {{ amount: {10 + k}.50, legalBasis: \"Gebührensatzung der Gemeinde {k}\" }}\n")
                .Append(group is null ? "" : $"groups: {{ {group}: {group}-g{k} }}\n")
                .Append(task is null ? "" : $"texts: {{ {task}: \"Antrag prüfen (Gemeinde {k})\" }}\n")
                .Append(CultureInfo.InvariantCulture, $"contact: {{ email: amt@gemeinde-{k}.example }}\n").ToString()));
        }
        for (var k = 0; k < tenants; k++)
        {
            var folder = Path.Combine(tenantsDir, $"gemeinde-{k:D3}");
            Directory.CreateDirectory(folder);
            foreach (var (service, overlay) in overlays)
                File.WriteAllText(Path.Combine(folder, service + ".overlay.yaml"), overlay(k), utf8);
        }
        return (processes, tenantsDir, catalogue.Count);
    }

    [GeneratedRegex("<(?:bpmn2?:)?process\\b[^>]*\\bid=\"([^\"]+)\"")]
    private static partial Regex ProcessId();

    [GeneratedRegex("<(?:bpmn2?:)?process\\b[^>]*\\begov:validFrom=\"([^\"]+)\"")]
    private static partial Regex ValidFrom();

    [GeneratedRegex("<(?:bpmn2?:)?userTask\\b[^>]*\\bid=\"([^\"]+)\"")]
    private static partial Regex UserTask();

    [GeneratedRegex("camunda:candidateGroups=\"([^\"]+)\"")]
    private static partial Regex Groups();
}

using EGov.Workflows.Catalogue;
using EGov.Workflows.Catalogue.Leistungen;
using EGov.Workflows.Catalogue.Services;
using EGov.Workflows.Host;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Persistence;
using EGov.Workflows.Persistence.Catalogue;
using NodaTime;
using static EGov.Workflows.Cli.Commands.IdentityCommandBase;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov catalogue import FILE</c> loads a list of Leistungen (the LeiKa/OZG CSV, or JSON) into the store, replacing the
/// tenant's list; <c>egov catalogue</c> lists every Leistung with its state (digital: a service.yaml under
/// <c>--processes</c> names it; nicht digital: no process yet), Reifegrad and the deployed version of its process.
/// </summary>
public sealed class CatalogueCommand : ICliCommand
{
    public string Name => "catalogue";
    public string Summary => "the service catalogue: import a list of Leistungen (LeiKa/OZG CSV or JSON), list them with state, Reifegrad and version";
    public string Usage => "catalogue import FILE [--store S] [--tenant T]\n" +
        "       ./egov catalogue [list] [--state digital|nicht-digital] [--themenfeld TEXT] [--processes DIR] [--store S] [--tenant T]";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var (words, options) = Parse(args);
        var tenant = options.GetValueOrDefault("--tenant") ?? Host.Tenancy.TenantEngines.DefaultTenant;
        if (!Host.Tenancy.TenantEngines.IsValidId(tenant)) throw new UsageException($"--tenant '{tenant}': 1–64 letters, digits, '.', '-' or '_'");
        switch (words.FirstOrDefault() ?? "list")
        {
            case "import":
                Only(options, "--store", "--tenant");
                if (words.Count != 2) throw new UsageException("name one file: ./egov catalogue import FILE");
                return Import(words[1], options, tenant, stdout, stderr);
            case "list":
                Only(options, "--store", "--tenant", "--state", "--themenfeld", "--processes");
                if (words.Count > 1) throw new UsageException($"unexpected '{words[1]}'");
                return List(options, tenant, stdout, stderr);
            default:
                throw new UsageException($"unknown subcommand '{words[0]}': import or list");
        }
    }

    private static int Import(string file, Dictionary<string, string> options, string tenant, TextWriter stdout, TextWriter stderr)
    {
        if (!File.Exists(file)) { stderr.WriteLine($"{file}: error: no such file"); return 1; }
        var read = LeistungenFile.Read(file);
        if (read.Errors.Count > 0)
        {
            foreach (var e in read.Errors) stderr.WriteLine(e);
            return 1;
        }
        if (read.Leistungen.Count == 0) { stderr.WriteLine($"{file}: error: no Leistung with a LeiKa key in the file"); return 1; }
        using var store = OpenStore(options);
        var before = new SqlLeistungenStore(store.Options).Replace(tenant, read.Leistungen, SystemClock.Instance.GetCurrentInstant());
        stdout.WriteLine($"{read.Leistungen.Count} Leistungen imported for tenant '{tenant}' from {file}{(before > 0 ? $" (replacing {before})" : "")}");
        if (read.Skipped.Count > 0)
        {
            stdout.WriteLine($"{read.Skipped.Count} row(s) left out:");
            foreach (var s in read.Skipped.Take(10)) stdout.WriteLine("  " + s);
            if (read.Skipped.Count > 10) stdout.WriteLine($"  … and {read.Skipped.Count - 10} more");
        }
        return 0;
    }

    private static int List(Dictionary<string, string> options, string tenant, TextWriter stdout, TextWriter stderr)
    {
        ServiceState? state = null;
        if (options.TryGetValue("--state", out var s))
            state = Names.Parse(s) ?? throw new UsageException($"--state '{s}': digital or nicht-digital");
        var processes = options.GetValueOrDefault("--processes") ?? "processes";
        var services = new List<ServiceDescription>();
        var failed = false;
        if (Directory.Exists(processes))
            foreach (var file in Directory.EnumerateFiles(processes, ServiceYamlReader.FileName, SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var read = ServiceYamlReader.ReadFile(file);
                foreach (var d in read.Diagnostics.Where(d => d.Severity == Severity.Error)) { stderr.WriteLine(d); failed = true; }
                if (read.Service is { } service) services.Add(service);
            }
        IReadOnlyList<Leistung> imported = [];
        var versions = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!(options.GetValueOrDefault("--store") ?? ServeOptions.DefaultStore).Trim().Equals("memory", StringComparison.Ordinal))
        {
            using var store = OpenStore(options);
            imported = new SqlLeistungenStore(store.Options).List(tenant);
            foreach (var d in new Persistence.Deployments.DurableDeployments(store).List(tenant))
                versions[d.ProcessId] = Math.Max(versions.GetValueOrDefault(d.ProcessId), d.Version);
        }
        var entries = CatalogueOverview.Merge(imported, services, p => versions.TryGetValue(p, out var v) ? v : null)
            .Where(e => state is null || e.State == state)
            .Where(e => !options.TryGetValue("--themenfeld", out var t) || string.Equals(e.Themenfeld?.Trim(), t.Trim(), StringComparison.OrdinalIgnoreCase))
            .ToList();
        stdout.WriteLine($"{"LeiKa / key",-16} {"Stand",-13} {"RG",-2} {"Version",-7} {"Themenfeld",-32} Leistung");
        foreach (var e in entries)
            stdout.WriteLine($"{e.Key,-16} {e.StateName,-13} {(e.Reifegrad?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"),-2} {(e.Version is { } v ? $"v{v}" : "-"),-7} {Cut(e.Themenfeld?.Trim() ?? "-", 32),-32} {e.Name}");
        var digital = entries.Count(e => e.State == ServiceState.Digital);
        stdout.WriteLine($"{entries.Count} Leistungen: {digital} digital, {entries.Count - digital} nicht digital" +
                         (imported.Count == 0 ? " (no list imported for this tenant: ./egov catalogue import FILE)" : ""));
        return failed ? 1 : 0;
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static EfRuntimeStore OpenStore(Dictionary<string, string> options)
    {
        var spec = options.GetValueOrDefault("--store") ?? ServeOptions.DefaultStore;
        if (spec.Trim() == "memory")
            throw new UsageException("--store memory keeps nothing after the command: give the server's store (sqlite:PATH or postgres:CONNECTION)");
        try
        {
            return HostStores.Open(spec).Store as EfRuntimeStore ?? throw new UsageException($"--store {HostStores.Describe(spec)}: not a database");
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        catch (StoreOpenException e) { throw new UsageException(e.Message); }
    }
}

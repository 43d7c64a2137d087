using EGov.Workflows.Host;
using EGov.Workflows.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Cli.Commands;

/// <summary>What <c>egov users</c> and <c>egov clients</c> share: the options, and the identity stores of <c>--store</c>.</summary>
internal static class IdentityCommandBase
{
    /// <summary>Splits args into the positional words and the options (<c>--name value</c>; flags listed in <paramref name="flags"/>).</summary>
    public static (List<string> Words, Dictionary<string, string> Options) Parse(IReadOnlyList<string> args, params string[] flags)
    {
        var words = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal)) { words.Add(a); continue; }
            if (a.Contains('=', StringComparison.Ordinal)) throw new UsageException($"write '{a.Replace("=", " ", StringComparison.Ordinal)}' (option and value as two words)");
            if (flags.Contains(a)) { options[a] = "true"; continue; }
            if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"{a} needs a value");
            options[a] = args[++i];
        }
        return (words, options);
    }

    public static List<string> List(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var v) ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() : [];

    public static void Only(Dictionary<string, string> options, params string[] known)
    {
        foreach (var k in options.Keys)
            if (!known.Contains(k)) throw new UsageException($"unknown option '{k}'");
    }

    /// <summary>The identity stores of the store the server uses (same <c>--store</c> as <c>serve</c>).</summary>
    public static ServiceProvider Open(Dictionary<string, string> options)
    {
        var spec = options.TryGetValue("--store", out var s) ? s : ServeOptions.DefaultStore;
        if (spec.Trim() == "memory")
            throw new UsageException("--store memory keeps accounts inside the running server only: give the server's store (sqlite:PATH or postgres:CONNECTION), or use the admin API");
        if (spec.Trim().StartsWith("sqlite", StringComparison.OrdinalIgnoreCase) && MissingDatabase(spec) is { } missing) throw new UsageException(missing);
        IdentityDatabase database;
        try { database = IdentityDatabase.Open(spec); }
        catch (ArgumentException e) { throw new UsageException($"--store {HostStores.Describe(spec)}: {e.Message}"); }
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEGovIdentityStores(database);
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// As <c>serve</c> does: a missing SQLite file is created only in an empty (or new) folder, never beside other files,
    /// where it would hide the real database that was moved or is named differently.
    /// </summary>
    private static string? MissingDatabase(string spec)
    {
        string path;
        try { path = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(Persistence.DurableStoreOptions.Parse(spec.Trim()).ConnectionString).DataSource; }
        catch (ArgumentException e) { return $"--store {spec}: {e.Message}"; }
        if (File.Exists(path)) return null;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !Directory.Exists(folder) || !Directory.EnumerateFileSystemEntries(folder).Any()) return null;
        return $"--store sqlite:{path}: no database there, but the folder is not empty: give the store the server uses (./egov serve creates it at its first start)";
    }

    public static List<string> CheckRoles(List<string> roles)
    {
        var unknown = roles.Where(r => !Host.Security.RolePermissions.Table.ContainsKey(r)).ToList();
        if (unknown.Count > 0)
            throw new UsageException($"unknown role(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Host.Security.RolePermissions.Roles)}");
        return roles;
    }

    public static List<string> CheckTenants(List<string> tenants)
    {
        foreach (var t in tenants)
            if (t != "*" && !Host.Tenancy.TenantEngines.IsValidId(t)) throw new UsageException($"--tenant '{t}': 1–64 letters, digits, '.', '-' or '_', or * for every tenant");
        return tenants;
    }

    /// <summary>A password from standard input (one line), so it appears in no command line or shell history.</summary>
    public static string ReadPasswordFromStdin()
    {
        var line = Console.In.ReadLine();
        if (string.IsNullOrEmpty(line)) throw new UsageException("--password-stdin: no password on standard input");
        return line.TrimEnd('\r', '\n');
    }

    public static string Show(IReadOnlyList<string> values) => values.Count == 0 ? "-" : string.Join(",", values);
}

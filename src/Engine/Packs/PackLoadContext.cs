using System.Reflection;
using System.Runtime.Loader;

namespace EGov.Workflows.Packs;

/// <summary>
/// One pack's assembly load context: its own dependencies come from its folder (its <c>.deps.json</c>, through
/// <see cref="AssemblyDependencyResolver"/>), so two packs may use two versions of a library. Shared with the host, so
/// that their types are the host's: the SDK and what its public types are made of — the .NET framework, NodaTime and
/// the <c>Microsoft.Extensions.*</c> abstractions the host has.
/// </summary>
internal sealed class PackLoadContext(string packPath) : AssemblyLoadContext($"pack:{Path.GetFileNameWithoutExtension(packPath)}", isCollectible: false)
{
    private readonly AssemblyDependencyResolver _resolver = new(packPath);

    protected override Assembly? Load(AssemblyName name)
    {
        if (SharedAssemblies.IsShared(name)) return null; // the host's copy (default context)
        return _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}

/// <summary>Which assemblies a pack shares with the host (see <see cref="PackLoadContext"/>).</summary>
internal static class SharedAssemblies
{
    public const string Sdk = "EGov.Workflows.Sdk";

    /// <summary>Simple names the host can load (its trusted platform assemblies), and which of them are the .NET framework's.</summary>
    private static readonly Lazy<(HashSet<string> Host, HashSet<string> Framework)> s_host = new(() =>
    {
        var host = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var framework = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        foreach (var path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            host.Add(name);
            var p = path.Replace('\\', '/');
            if (p.Contains("/shared/Microsoft.NETCore.App/", StringComparison.Ordinal) || p.Contains("/shared/Microsoft.AspNetCore.App/", StringComparison.Ordinal))
                framework.Add(name);
        }
        return (host, framework);
    });

    public static bool IsShared(AssemblyName name)
    {
        var simple = name.Name ?? "";
        if (simple == Sdk) return true;
        var (host, framework) = s_host.Value;
        if (framework.Contains(simple)) return true;
        return host.Contains(simple) && (simple == "NodaTime" || simple.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal));
    }
}

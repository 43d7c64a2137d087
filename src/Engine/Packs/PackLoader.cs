using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Packs;

/// <summary>What the host gives every pack: its configuration (a pack reads the section <c>Packs:&lt;PackName&gt;</c>) and its logging.</summary>
public sealed record PackHostServices(IConfiguration Configuration, ILoggerFactory LoggerFactory)
{
    public static PackHostServices None { get; } = new(new ConfigurationBuilder().Build(), NullLoggerFactory.Instance);
}

/// <summary>One loaded pack: its name, version and file, and its activities (created from the pack's own container).</summary>
public sealed record LoadedPack(ActivityPackInfo Info, IReadOnlyList<ActivityRegistration> Activities)
{
    /// <summary>The pack's callbacks (<see cref="ActivityCallback"/>), served by the host at <c>/api/callbacks/{tenant}/{pack}/{name}</c>.</summary>
    public IReadOnlyList<CallbackRegistration> Callbacks { get; init; } = [];

    /// <summary>A pack from the registry its container filled (<see cref="ActivityRegistry.AddFrom"/>).</summary>
    public static LoadedPack From(ActivityPackInfo info, ActivityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return new LoadedPack(info, registry.All.ToList()) { Callbacks = registry.Callbacks.ToList() };
    }
}

/// <summary>The packs of one start (of serve, validate or test), checked together: no activity name twice.</summary>
public sealed class PackCatalog
{
    internal PackCatalog(IReadOnlyList<LoadedPack> packs) => Packs = packs;

    public static PackCatalog Empty { get; } = new([]);

    public IReadOnlyList<LoadedPack> Packs { get; }

    /// <summary>Every activity of every pack.</summary>
    public IEnumerable<ActivityRegistration> Activities => Packs.SelectMany(p => p.Activities);

    /// <summary>
    /// This catalog with the host's built-in packs (src/Activities, referenced by the host, not loaded from a file) first;
    /// an activity name, topic or class claimed twice is refused with <see cref="PackException"/> naming both packs.
    /// </summary>
    public PackCatalog With(IEnumerable<LoadedPack> builtIn)
    {
        ArgumentNullException.ThrowIfNull(builtIn);
        var builtInPacks = builtIn.ToList();
        // ./egov also builds src/Activities into .egov/packs, which serve loads by default: a built-in pack found again as
        // a plug-in (same assembly) is the same pack, and the built-in one (with its settings per tenant) is used.
        var builtInAssemblies = builtInPacks.SelectMany(p => p.Activities).Select(a => a.Type.Assembly.GetName().Name).ToHashSet(StringComparer.Ordinal);
        var all = builtInPacks.Concat(Packs.Where(p => p.Info.File is null || !builtInAssemblies.Contains(Path.GetFileNameWithoutExtension(p.Info.File)))).ToList();
        try { AddTo(new ActivityRegistry(), all); }
        catch (InvalidOperationException e) { throw new PackException($"error: {e.Message}", e); }
        return new PackCatalog(all);
    }

    private static void AddTo(ActivityRegistry registry, IEnumerable<LoadedPack> packs)
    {
        foreach (var a in packs.SelectMany(p => p.Activities)) registry.Add(a.Type, a.Create, a.Pack);
    }

    /// <summary>Adds every pack's activities to <paramref name="registry"/> (a name it already has: <see cref="InvalidOperationException"/> naming both).</summary>
    public ActivityRegistry AddTo(ActivityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var a in Activities) registry.Add(a.Type, a.Create, a.Pack);
        foreach (var c in Packs.SelectMany(p => p.Callbacks)) registry.AddCallback(c);
        return registry;
    }
}

/// <summary>
/// The one loader of activity packs (<c>./egov serve|validate|test --activities PATH</c>). A path is a pack assembly or a
/// folder: its packs are the assemblies with their <c>.deps.json</c> beside them, as <c>dotnet build</c> and
/// <c>dotnet publish</c> write them (in it or one folder down). Each pack must reference the SDK, in a version this host's
/// SDK can serve (same major, not newer); it loads into its own <see cref="PackLoadContext"/>. Its activities are those
/// its <see cref="IActivityPack"/> registers, else its public <see cref="ActivityAttribute"/> classes; each is created
/// per execution from the pack's container, which offers <c>ILogger&lt;T&gt;</c>, <c>IHttpClientFactory</c> and
/// <c>IOptions&lt;T&gt;</c> bound from the configuration section <c>Packs:&lt;PackName&gt;</c>. Only the given paths are read.
/// </summary>
public static class PackLoader
{
    private static readonly Version HostSdk = typeof(WorkflowActivity).Assembly.GetName().Version ?? new Version(1, 0);

    /// <summary>Loads every pack under the paths; every problem as <c>FILE: error: …</c> in one <see cref="PackException"/>.</summary>
    public static PackCatalog Load(IEnumerable<string> paths, PackHostServices? host = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        host ??= PackHostServices.None;
        var problems = new List<string>();
        var files = new List<string>();
        foreach (var path in paths)
        {
            try { files.AddRange(Find(path)); }
            catch (PackException e) { problems.Add(e.Message); }
        }
        var packs = new List<LoadedPack>();
        var all = new ActivityRegistry(); // names, topics and classes across packs: a second claim names both packs
        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var pack = LoadOne(file, host);
                foreach (var a in pack.Activities)
                {
                    try { all.Add(a.Type, a.Create, a.Pack); }
                    catch (InvalidOperationException e) { throw new PackException($"{file}: error: {e.Message}", e); }
                }
                packs.Add(pack);
            }
            catch (PackException e) { problems.Add(e.Message); }
        }
        if (problems.Count > 0) throw new PackException(string.Join(Environment.NewLine, problems));
        return new PackCatalog(packs);
    }

    /// <summary>The pack files a path names: the file itself, or the packs of a folder.</summary>
    public static IReadOnlyList<string> Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) return [full];
        if (!Directory.Exists(full)) throw new PackException($"{path}: error: no such pack file or folder (build the pack first, e.g. dotnet build -c Release)");
        var found = Directory.EnumerateFiles(full, "*.deps.json", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1 })
            .Select(deps => deps[..^".deps.json".Length] + ".dll")
            .Where(File.Exists)
            .Where(dll => !Path.GetDirectoryName(dll)!.Split(Path.DirectorySeparatorChar).Any(d => d is "obj" or "ref" or "refint"))
            // dotnet build -o puts the referenced SDK (with its .deps.json) beside the pack: it is the engine's, not a pack.
            .Where(dll => !string.Equals(Path.GetFileNameWithoutExtension(dll), SharedAssemblies.Sdk, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        return found.Count > 0 ? found
            : throw new PackException($"{path}: error: no pack in this folder (a pack is an assembly with its .deps.json beside it, as dotnet build and dotnet publish write it)");
    }

    /// <summary>Checks the file without loading it: a .NET assembly that references a compatible SDK.</summary>
    internal static void Check(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata) throw new PackException($"{file}: error: not a .NET assembly");
            var md = pe.GetMetadataReader();
            if (!md.IsAssembly) throw new PackException($"{file}: error: not a .NET assembly (a module without manifest)");
            Version? sdk = null;
            foreach (var h in md.AssemblyReferences)
            {
                var r = md.GetAssemblyReference(h);
                if (md.GetString(r.Name) == SharedAssemblies.Sdk) sdk = r.Version;
            }
            if (sdk is null)
                throw new PackException($"{file}: error: not an activity pack: it does not reference the activity SDK ({SharedAssemblies.Sdk}); a pack builds against the SDK only");
            if (sdk.Major != HostSdk.Major || sdk > HostSdk)
                throw new PackException($"{file}: error: built against activity SDK {sdk.ToString(3)}, this engine has SDK {HostSdk.ToString(3)}: rebuild the pack against SDK {HostSdk.Major}.x (at most {HostSdk.ToString(3)})");
        }
        catch (BadImageFormatException) { throw new PackException($"{file}: error: not a .NET assembly"); }
        catch (IOException e) { throw new PackException($"{file}: error: cannot be read: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new PackException($"{file}: error: cannot be read: {e.Message}"); }
    }

    private static LoadedPack LoadOne(string file, PackHostServices host)
    {
        Check(file);
        Assembly assembly;
        Type[] types;
        try
        {
            assembly = new PackLoadContext(file).LoadFromAssemblyPath(file);
            types = assembly.GetExportedTypes();
        }
        catch (BadImageFormatException) { throw new PackException($"{file}: error: not a .NET assembly"); }
        catch (FileNotFoundException e) { throw new PackException($"{file}: error: a dependency is missing: {e.FileName ?? e.Message} (publish the pack with its dependencies beside it)"); }
        catch (FileLoadException e) { throw new PackException($"{file}: error: cannot be loaded: {e.Message}"); }
        catch (ReflectionTypeLoadException e) { throw new PackException($"{file}: error: its types cannot be loaded: {e.LoaderExceptions.FirstOrDefault()?.Message ?? e.Message}"); }
        var info = Describe(assembly, file);
        var services = new ServiceCollection();
        var section = host.Configuration.GetSection($"Packs:{info.Name}");
        services.AddSingleton(host.LoggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddHttpClient();
        services.AddSingleton<IConfiguration>(section);
        services.AddSingleton(info);
        var entries = types.Where(t => t.IsClass && !t.IsAbstract && typeof(IActivityPack).IsAssignableFrom(t)).ToList();
        try
        {
            if (entries.Count > 0)
                foreach (var entry in entries) ((IActivityPack)Activator.CreateInstance(entry)!).ConfigureServices(services);
            else
                foreach (var t in types.Where(t => t.IsClass && !t.IsAbstract && typeof(WorkflowActivity).IsAssignableFrom(t) && t.GetCustomAttribute<ActivityAttribute>() is not null)
                             .OrderBy(t => t.FullName, StringComparer.Ordinal))
                    services.AddEgovActivity(t);
        }
        catch (Exception e) when (e is not PackException)
        {
            var inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            throw new PackException($"{file}: error: its IActivityPack failed: {inner.GetType().Name}: {inner.Message}", inner);
        }
        var activityTypes = services.Where(d => d.ImplementationInstance is EgovActivityType).Select(d => ((EgovActivityType)d.ImplementationInstance!).Type).ToList();
        if (activityTypes.Count == 0)
            throw new PackException($"{file}: error: no activity in it (a public class deriving from WorkflowActivity with [Activity(\"name\")], or an IActivityPack that adds some)");
        foreach (var t in activityTypes) BindOptions(services, t, host.Configuration, info.Name);
        var provider = services.BuildServiceProvider(); // lives as long as the pack: the process
        try
        {
            return LoadedPack.From(info, new ActivityRegistry().AddFrom(provider, info));
        }
        catch (InvalidOperationException e) { throw new PackException($"{file}: error: {e.Message}", e); }
    }

    /// <summary>
    /// Every <c>IOptions&lt;T&gt;</c> (or snapshot, monitor) an activity's constructor asks for is bound from <c>Packs:&lt;PackName&gt;</c>,
    /// and per tenant (<c>IOptionsMonitor&lt;T&gt;.Get(context.TenantId)</c>) overlaid by <c>Tenants:&lt;id&gt;:&lt;PackName&gt;</c>
    /// (<see cref="PackServiceCollectionExtensions.AddEgovTenantOptions{TOptions}"/>), unless the pack configured it itself.
    /// </summary>
    private static void BindOptions(ServiceCollection services, Type activity, IConfiguration configuration, string packName)
    {
        var wanted = activity.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() is var g && (g == typeof(IOptions<>) || g == typeof(IOptionsSnapshot<>) || g == typeof(IOptionsMonitor<>)))
            .Select(t => t.GetGenericArguments()[0]).Distinct();
        foreach (var options in wanted)
        {
            var configured = typeof(IConfigureOptions<>).MakeGenericType(options);
            if (services.Any(d => d.ServiceType == configured)) continue;
            var configure = typeof(PackServiceCollectionExtensions).GetMethod(nameof(PackServiceCollectionExtensions.AddEgovTenantOptions))!;
            configure.MakeGenericMethod(options).Invoke(null, [services, configuration, packName]);
        }
    }

    private static ActivityPackInfo Describe(Assembly assembly, string file)
    {
        var name = assembly.GetCustomAttribute<ActivityPackAttribute>()?.Name ?? assembly.GetName().Name ?? Path.GetFileNameWithoutExtension(file);
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { Length: > 0 } v
            ? v.Split('+')[0] : assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        return new ActivityPackInfo(name, version, file);
    }
}

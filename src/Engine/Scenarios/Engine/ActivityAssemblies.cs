using System.Reflection;
using System.Runtime.Loader;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Scenarios.Engine;

/// <summary>An activity assembly that cannot serve scenarios (missing, not .NET, no activities); the message says which and why.</summary>
public sealed class ActivityAssemblyException : Exception
{
    public ActivityAssemblyException() { }
    public ActivityAssemblyException(string message) : base(message) { }
    public ActivityAssemblyException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// Loads activity packs for <c>./egov test --activities PACK.dll</c>: the public, non-abstract classes deriving from
/// <see cref="WorkflowActivity"/> with an <see cref="ActivityAttribute"/>, registered as the engine registers them in
/// production. Packs share the runner's SDK (they load into the default context), so their activities are the SDK's type.
/// </summary>
public static class ActivityAssemblies
{
    /// <summary>The activity classes of the pack at <paramref name="path"/>; a clear error when there are none or it cannot load.</summary>
    public static IReadOnlyList<Type> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new ActivityAssemblyException($"{path}: error: no such activity assembly (build the pack first, e.g. dotnet build -c Release)");
        Type[] types;
        try
        {
            var resolver = new AssemblyDependencyResolver(full);
            // The pack's own dependencies (beside it) resolve from its folder; the SDK and the engine's come from the runner.
            AssemblyLoadContext.Default.Resolving += (context, name) =>
                resolver.ResolveAssemblyToPath(name) is { } dep ? context.LoadFromAssemblyPath(dep) : null;
            types = AssemblyLoadContext.Default.LoadFromAssemblyPath(full).GetExportedTypes();
        }
        catch (BadImageFormatException e) { throw new ActivityAssemblyException($"{path}: error: not a .NET assembly", e); }
        catch (FileLoadException e) { throw new ActivityAssemblyException($"{path}: error: cannot be loaded: {e.Message}", e); }
        catch (FileNotFoundException e) { throw new ActivityAssemblyException($"{path}: error: a dependency is missing: {e.FileName ?? e.Message}", e); }
        catch (ReflectionTypeLoadException e)
        {
            throw new ActivityAssemblyException($"{path}: error: its types cannot be loaded: {e.LoaderExceptions.FirstOrDefault()?.Message ?? e.Message}", e);
        }
        var found = types
            .Where(t => t.IsClass && !t.IsAbstract && typeof(WorkflowActivity).IsAssignableFrom(t) && t.GetCustomAttribute<ActivityAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
        if (found.Count == 0)
            throw new ActivityAssemblyException($"{path}: error: no activity in it (a public class deriving from WorkflowActivity with [Activity(\"name\")])");
        if (found.Find(t => t.GetConstructor(Type.EmptyTypes) is null) is { } noCtor)
            throw new ActivityAssemblyException($"{path}: error: activity {noCtor.FullName} needs a public parameterless constructor to run in scenarios");
        return found;
    }

    /// <summary>Adds the activity classes to <paramref name="registry"/> (a name registered twice is an error).</summary>
    public static ActivityRegistry Register(ActivityRegistry registry, IEnumerable<Type> activities)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(activities);
        foreach (var t in activities) registry.Add(t, () => (WorkflowActivity)Activator.CreateInstance(t)!);
        return registry;
    }
}

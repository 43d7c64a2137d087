using System.Xml.Linq;

namespace EGov.Workflows.Architecture.Tests;

/// <summary>
/// The project reference graph as the csproj files state it: each project under src/ by its short name
/// (EGov.Workflows.Bpmn → Bpmn; activity packs keep their full name) with the projects it references.
/// </summary>
public sealed class ProjectGraph
{
    private ProjectGraph(IReadOnlyDictionary<string, ProjectNode> nodes) => Nodes = nodes;

    public IReadOnlyDictionary<string, ProjectNode> Nodes { get; }

    public static ProjectGraph Load()
    {
        var root = RepositoryRoot();
        var nodes = new Dictionary<string, ProjectNode>(StringComparer.Ordinal);
        foreach (var csproj in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories)
                     .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var references = XDocument.Load(csproj).Descendants()
                .Where(e => e.Name.LocalName == "ProjectReference")
                .Select(e => (string?)e.Attribute("Include"))
                .OfType<string>()
                .Select(include => ShortName(include.Replace('\\', Path.DirectorySeparatorChar)))
                .ToList();
            var relative = Path.GetRelativePath(root, csproj).Replace('\\', '/');
            nodes[ShortName(csproj)] = new ProjectNode(ShortName(csproj), relative, references);
        }
        return new ProjectGraph(nodes);
    }

    public bool Has(string name) => Nodes.ContainsKey(name);

    public IReadOnlyList<string> ReferencesOf(string name) => Nodes.TryGetValue(name, out var n) ? n.References : [];

    /// <summary>Every project reachable from <paramref name="name"/> through references.</summary>
    public IReadOnlySet<string> Reachable(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(ReferencesOf(name));
        while (stack.Count > 0)
        {
            var next = stack.Pop();
            if (seen.Add(next))
                foreach (var r in ReferencesOf(next)) stack.Push(r);
        }
        return seen;
    }

    private static string ShortName(string csprojPath)
    {
        var name = Path.GetFileNameWithoutExtension(csprojPath);
        const string prefix = "EGov.Workflows.";
        return name.StartsWith(prefix, StringComparison.Ordinal) && !csprojPath.Contains("Activities", StringComparison.Ordinal)
            ? name[prefix.Length..]
            : name;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find EGov.Workflows.sln above " + AppContext.BaseDirectory);
    }
}

public sealed record ProjectNode(string Name, string Path, IReadOnlyList<string> References);

namespace EGov.Workflows.Bpmn.Tests.Support;

/// <summary>
/// Finds the shared read-only material: <c>$EGOV_SHARED</c>, else <c>../shared</c> next to the repository root
/// (the folder holding EGov.Workflows.sln), searched upwards from the test binaries.
/// </summary>
public static class SharedCorpus
{
    private static readonly Lazy<string> RootPath = new(Locate);

    public static string Root => RootPath.Value;

    public static string Corpora => Path.Combine(Root, "corpora");

    public static string Conformance => Path.Combine(Root, "conformance");

    /// <summary>Every BPMN file under corpora/: .bpmn, .bpmn20.xml, and .xml whose root is BPMN definitions.</summary>
    public static IReadOnlyList<string> BpmnFiles() =>
        Directory.EnumerateFiles(Corpora, "*", SearchOption.AllDirectories)
            .Where(EGov.Workflows.Cli.Commands.ModelFiles.IsBpmnFile)
            .Order(StringComparer.Ordinal)
            .ToList();

    public static string RelativeName(string path) => Path.GetRelativePath(Corpora, path);

    private static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable("EGOV_SHARED");
        if (!string.IsNullOrEmpty(fromEnv)) return Path.GetFullPath(fromEnv);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
        }
        throw new DirectoryNotFoundException("cannot find the repository root (EGov.Workflows.sln) above " + AppContext.BaseDirectory + "; set EGOV_SHARED");
    }
}

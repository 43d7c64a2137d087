namespace EGov.Workflows.Scenarios.Tests;

/// <summary>Where the repository and the shared folder are: shared/ from EGOV_SHARED, else beside the repository (../shared).</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Shared { get; } = Environment.GetEnvironmentVariable("EGOV_SHARED") is { Length: > 0 } env
        ? Path.GetFullPath(env)
        : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Conformance => Path.Combine(Shared, "conformance");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (EGov.Workflows.sln) not found above " + AppContext.BaseDirectory);
    }
}

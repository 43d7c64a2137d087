namespace EGov.Workflows.Catalogue.Tests;

internal static class Repo
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }

    /// <summary>../shared/corpora/leika-ozg beside the repository (null when the corpus is not there).</summary>
    public static string? LeikaCorpus
    {
        get
        {
            var shared = Environment.GetEnvironmentVariable("EGOV_SHARED") ?? Path.Combine(Root, "..", "shared");
            var dir = Path.Combine(shared, "corpora", "leika-ozg");
            return File.Exists(Path.Combine(dir, "leika-leistungen.csv")) ? dir : null;
        }
    }
}

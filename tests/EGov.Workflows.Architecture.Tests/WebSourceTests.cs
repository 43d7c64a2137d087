using System.Text.RegularExpressions;

namespace EGov.Workflows.Architecture.Tests;

/// <summary>
/// The web pages (src/Designer) see the engine through its HTTP API only, and load nothing from another origin: every
/// import is a package from the lock file or a file inside src/Designer, never a URL or a path into the C# sources.
/// </summary>
public sealed partial class WebSourceTests
{
    private static readonly string Designer = Path.Combine(Root(), "src", "Designer");

    public static TheoryData<string> Sources()
    {
        var data = new TheoryData<string>();
        var src = Path.Combine(Designer, "src");
        if (!Directory.Exists(src)) return data;
        foreach (var f in Directory.EnumerateFiles(src, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".ts", StringComparison.Ordinal) || f.EndsWith(".css", StringComparison.Ordinal)).Order())
            data.Add(Path.GetRelativePath(Designer, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void WebSource_ImportsOnlyPackagesAndFilesOfTheDesigner(string file)
    {
        var text = File.ReadAllText(Path.Combine(Designer, file));
        foreach (Match m in Import().Matches(text))
        {
            var target = m.Groups["target"].Value;
            target.ShouldNotContain("://", customMessage: $"{file} loads '{target}' from another origin");
            target.ShouldNotStartWith("//", customMessage: $"{file} loads '{target}' from another origin");
            if (!target.StartsWith('.')) continue;
            var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.Combine(Designer, file))!, target));
            resolved.StartsWith(Designer + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                .ShouldBeTrue($"{file} imports '{target}' from outside src/Designer: the pages see the engine only through its HTTP API");
        }
    }

    [Fact]
    public void WebPackages_AreLocked()
    {
        if (!Directory.Exists(Designer) || !File.Exists(Path.Combine(Designer, "package.json"))) return;
        File.Exists(Path.Combine(Designer, "package-lock.json")).ShouldBeTrue("npm ci installs from the committed lock file");
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find EGov.Workflows.sln above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("""(?:\bimport\s*(?:[\w{}\s,*]+\s*from\s*)?|\bimport\s*\(\s*|@import\s+(?:url\()?)['"](?<target>[^'"]+)['"]""")]
    private static partial Regex Import();
}

using System.Diagnostics;

namespace EGov.Workflows.Browser.Tests;

/// <summary>Where the repository is, and the built web pages (built here through the same script <c>./egov</c> uses).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string WebDirectory => Environment.GetEnvironmentVariable("EGOV_WEB_DIR") is { Length: > 0 } dir ? dir : Path.Combine(Root, ".egov", "web");

    public static string ProcessesDirectory => Path.Combine(Root, "processes");

    public static bool NpmAvailable { get; } = OnPath("npm");

    private static readonly Lazy<string?> Build = new(RunBuild);

    /// <summary>Builds the pages when their sources changed (quick when nothing did); null when built, else why not.</summary>
    public static string? EnsureWebBuilt() => Build.Value;

    private static string? RunBuild()
    {
        var script = Path.Combine(Root, "scripts", "build-web.sh");
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (Environment.GetEnvironmentVariable("EGOV_WEB_DIR") is { Length: > 0 } dir) start.Environment["EGOV_WEB_OUT"] = dir;
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) return $"scripts/build-web.sh failed ({p.ExitCode}):\n{stdout}{stderr.Result}";
        return File.Exists(Path.Combine(WebDirectory, "pages", "aufgaben.html")) ? null : $"no web build in {WebDirectory}: {stderr.Result}";
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "egov")) && Directory.Exists(Path.Combine(dir.FullName, "src", "Designer")))
                return dir.FullName;
        throw new InvalidOperationException($"no repository above {AppContext.BaseDirectory}");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool)));
}

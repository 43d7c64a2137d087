using System.Diagnostics;

namespace EGov.Workflows.Bpmn.Tests.Cli;

/// <summary>
/// <c>egov new pack NAME</c>: what it creates builds, its generated unit tests pass (dotnet test), and its scenarios pass
/// with the built pack loaded as the server loads it (<c>egov test --activities</c>). Slow (one build): one test.
/// </summary>
public sealed class NewPackCommandTests
{
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void NewPack_BuildsAndItsTestsAndScenariosPass_AndASecondRunWritesNothing()
    {
        var repo = RepositoryRoot();
        using var root = new TempFolder();
        // A repository of its own, with this repository's build settings and package versions.
        foreach (var f in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" })
            File.Copy(Path.Combine(repo, f), Path.Combine(root.Path, f));
        var sdk = Path.Combine(repo, "src", "Engine", "Sdk", "EGov.Workflows.Sdk.csproj");

        var created = CliRun.Of("new", "pack", "Melderegister", "--output", root.Path, "--sdk", sdk);
        created.ExitCode.ShouldBe(0, created.Stderr);
        created.Stdout.ShouldContain("created activity pack Melderegister (activity melderegister-begruessen)");
        foreach (var f in new[]
                 {
                     "src/Activities/Melderegister/Melderegister.csproj", "src/Activities/Melderegister/Begruessen.cs",
                     "src/Activities/Melderegister/models/melderegister-beispiel.bpmn", "src/Activities/Melderegister/scenarios/begruessen.scenario.yaml",
                     "src/Activities/Melderegister/element-templates/melderegister.json", "src/Activities/Melderegister/README.md",
                     "tests/Melderegister.Tests/Melderegister.Tests.csproj",
                 })
            File.Exists(Path.Combine(root.Path, f)).ShouldBeTrue(f);

        var test = Dotnet(root.Path, "test", "tests/Melderegister.Tests", "-c", "Release", "--nologo", "-v", "q");
        test.ExitCode.ShouldBe(0, test.Output);
        test.Output.ShouldContain("Passed!  - Failed:     0, Passed:     3");

        var pack = Path.Combine(root.Path, "src", "Activities", "Melderegister");
        var scenarios = CliRun.Of("test", "--activities", Path.Combine(pack, "bin", "Release", "net10.0"), pack);
        scenarios.ExitCode.ShouldBe(0, scenarios.Stdout + scenarios.Stderr);
        scenarios.Stdout.ShouldEndWith("2 passed, 0 failed" + Environment.NewLine);

        var again = CliRun.Of("new", "pack", "Melderegister", "--output", root.Path, "--sdk", sdk);
        again.ExitCode.ShouldBe(1);
        again.Stderr.ShouldContain("exists already; nothing was written");
    }

    [Fact]
    public void NewPack_RefusesANameThatIsNoIdentifier()
    {
        var run = CliRun.Of("new", "pack", "melde-register");
        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("a pack name is a C# identifier in PascalCase");
    }

    private static (int ExitCode, string Output) Dotnet(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}

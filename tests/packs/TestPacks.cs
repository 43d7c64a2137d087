namespace EGov.Workflows.Testing;

/// <summary>
/// Where the test packs (tests/packs) were built: beside this test assembly's configuration (bin/Release or bin/Debug).
/// The test projects reference them with ReferenceOutputAssembly="false", so they are built first but never copied here:
/// they are loaded from their own folders, as a server loads them.
/// </summary>
internal static class TestPacks
{
    public static string Stempel => Dll("Stempel");
    public static string Siegel => Dll("Siegel");

    public static string Folder(string name) => Path.GetDirectoryName(Dll(name))!;

    private static string Dll(string name)
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)); // …/bin/Release/net10.0
        var tfm = bin.Name;
        var configuration = bin.Parent!.Name;
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EGov.Workflows.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        var path = Path.Combine(root.FullName, "tests", "packs", name, "bin", configuration, tfm, $"EGov.Workflows.TestPacks.{name}.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is not built (dotnet build tests/packs/{name} -c {configuration})");
    }
}

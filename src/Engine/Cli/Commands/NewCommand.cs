using System.Reflection;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov new pack NAME [--output DIR] [--sdk PATH]</c>: creates an activity pack from the template in
/// <c>templates/egov-pack</c> (the same files <c>dotnet new egov-pack</c> makes): the pack project under
/// <c>src/Activities/NAME</c> with an example activity, its options, a model, scenarios, an element template and a README,
/// and its xunit tests under <c>tests/NAME.Tests</c>. Nothing is overwritten.
/// </summary>
public sealed partial class NewCommand : ICliCommand
{
    private const string Placeholder = "EgovPack";
    private const string KebabPlaceholder = "egov-pack";
    private const string SdkProject = "src/Engine/Sdk/EGov.Workflows.Sdk.csproj";

    public string Name => "new";
    public string Summary => "create an activity pack: project, tests, model, scenarios, element template (src/Activities/NAME, tests/NAME.Tests)";
    public string Usage => "new pack NAME [--output DIR] [--sdk PATH/EGov.Workflows.Sdk.csproj]";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count == 0 || args[0] != "pack") throw new UsageException("what to create: 'pack'");
        string? name = null, output = null, sdk = null;
        for (var i = 1; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--output" or "-o": output = Value(); break;
                case "--sdk": sdk = Value(); break;
                case var a when a.StartsWith('-'): throw new UsageException($"unknown option '{a}'");
                case var a when name is null: name = a; break;
                default: throw new UsageException($"one name only (got '{name}' and '{args[i]}')");
            }
        }
        if (name is null) throw new UsageException("the pack needs a name, e.g. ./egov new pack Melderegister");
        if (!PackName().IsMatch(name))
            throw new UsageException($"'{name}': a pack name is a C# identifier in PascalCase (letters and digits, starting with a capital letter, at most 50), e.g. Melderegister");

        var root = Path.GetFullPath(output ?? ".");
        var sdkPath = Path.GetFullPath(sdk ?? Path.Combine(root, SdkProject));
        if (!File.Exists(sdkPath))
            throw new UsageException($"the activity SDK project is not at {sdkPath}: run this at the repository root, or give --sdk PATH/EGov.Workflows.Sdk.csproj");
        var packDir = Path.Combine(root, "src", "Activities", name);
        var testDir = Path.Combine(root, "tests", name + ".Tests");
        foreach (var dir in new[] { packDir, testDir })
            if (Directory.Exists(dir)) { stderr.WriteLine($"{dir}: error: exists already; nothing was written"); return 1; }

        var kebab = Sdk.ActivityRegistry.DefaultName(new NamedType(name));
        var written = new List<string>();
        foreach (var (relative, text) in TemplateFiles())
        {
            var target = Path.Combine(root, relative.Replace(Placeholder, name, StringComparison.Ordinal).Replace(KebabPlaceholder, kebab, StringComparison.Ordinal));
            var content = text
                .Replace("../../Engine/Sdk/EGov.Workflows.Sdk.csproj", Relative(packDir, sdkPath), StringComparison.Ordinal)
                .Replace("../../src/Engine/Sdk/EGov.Workflows.Sdk.csproj", Relative(testDir, sdkPath), StringComparison.Ordinal)
                .Replace(Placeholder, name, StringComparison.Ordinal)
                .Replace(KebabPlaceholder, kebab, StringComparison.Ordinal);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content);
            written.Add(Path.GetRelativePath(root, target));
        }
        stdout.WriteLine($"created activity pack {name} (activity {kebab}-begruessen):");
        foreach (var f in written.Order(StringComparer.Ordinal)) stdout.WriteLine($"  {f}");
        stdout.WriteLine("next:");
        stdout.WriteLine($"  dotnet sln add src/Activities/{name}/{name}.csproj tests/{name}.Tests/{name}.Tests.csproj   # ./test.sh then runs its tests");
        stdout.WriteLine($"  dotnet test tests/{name}.Tests");
        stdout.WriteLine($"  dotnet build src/Activities/{name} -c Release && ./egov test --activities src/Activities/{name}/bin/Release/net10.0 src/Activities/{name}");
        stdout.WriteLine($"  ./egov serve   (loads the packs under src/Activities; docs/sdk.md)");
        return 0;
    }

    private static string Relative(string fromDir, string file) => Path.GetRelativePath(fromDir, file).Replace('\\', '/');

    /// <summary>The template's files (embedded from templates/egov-pack when the CLI is built), by path relative to the output root.</summary>
    public static IEnumerable<(string Path, string Text)> TemplateFiles()
    {
        var assembly = typeof(NewCommand).Assembly;
        const string prefix = "template/";
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            yield return (resource[prefix.Length..].Replace('\\', '/'), reader.ReadToEnd());
        }
    }

    [GeneratedRegex("^[A-Z][A-Za-z0-9]{0,49}$")]
    private static partial Regex PackName();

    /// <summary>Just a name, so the SDK's one kebab-case rule names the pack's activities (Melderegister → melderegister).</summary>
    private sealed class NamedType(string name) : TypeDelegator(typeof(object))
    {
        public override string Name => name;
    }
}

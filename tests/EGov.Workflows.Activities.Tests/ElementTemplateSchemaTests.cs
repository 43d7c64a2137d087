using System.Diagnostics;
using System.Text.Json;
using Json.Schema;

namespace EGov.Workflows.Activities.Tests;

/// <summary>
/// Every element template in the repository (each pack's <c>element-templates/*.json</c>, the pack template of
/// <c>./egov new pack</c>) is valid against Camunda's element-templates JSON schema — the npm package
/// <c>@camunda/element-templates-json-schema</c>, pinned in <c>tests/element-templates-schema</c> (its lock file;
/// <c>./test.sh</c> runs <c>npm ci</c> there, and so does this test when node_modules is missing). Skipped with the
/// reason only when neither the package nor npm is there.
/// </summary>
public sealed class ElementTemplateSchemaTests
{
    private static readonly string Root = RepositoryRoot();
    private static readonly string SchemaFolder = Path.Combine(Root, "tests", "element-templates-schema");
    private static readonly string SchemaFile = Path.Combine(SchemaFolder, "node_modules", "@camunda", "element-templates-json-schema", "resources", "schema.json");

    public static TheoryData<string> Templates()
    {
        var data = new TheoryData<string>();
        foreach (var t in TemplateFiles()) data.Add(t);
        return data;
    }

    private static IEnumerable<string> TemplateFiles()
    {
        foreach (var dir in new[] { Path.Combine(Root, "src", "Activities"), Path.Combine(Root, "src", "Engine", "Host"), Path.Combine(Root, "templates"), Path.Combine(Root, "samples") })
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var f in Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories)
                         .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == "element-templates" && !f.Contains("node_modules", StringComparison.Ordinal)
                                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                         .Order(StringComparer.Ordinal))
                yield return Path.GetRelativePath(Root, f);
        }
    }

    [Fact]
    public void Every_pack_has_element_templates_to_check()
    {
        var templates = TemplateFiles().ToList();
        foreach (var pack in Directory.GetDirectories(Path.Combine(Root, "src", "Activities")))
            templates.ShouldContain(t => t.StartsWith(Path.GetRelativePath(Root, pack) + Path.DirectorySeparatorChar, StringComparison.Ordinal),
                $"{Path.GetFileName(pack)} has no element template");
    }

    [SchemaTheory]
    [MemberData(nameof(Templates))]
    public async Task Template_is_valid_against_the_Camunda_element_templates_schema(string template)
    {
        var schema = await SchemaAsync();
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Root, template)));
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"{d.InstanceLocation} ({d.EvaluationPath}): {string.Join("; ", d.Errors!.Values)}").ToList();
        result.IsValid.ShouldBeTrue($"{template} fails the element-templates schema:\n{string.Join("\n", errors.Take(20))}");
    }

    [SchemaFact]
    public async Task The_schema_refuses_a_template_without_id_or_with_an_unknown_binding()
    {
        var schema = await SchemaAsync();
        static bool Valid(JsonSchema s, string json)
        {
            using var doc = JsonDocument.Parse(json);
            return s.Evaluate(doc.RootElement).IsValid;
        }
        const string good = """{"name":"N","id":"de.egov.x","appliesTo":["bpmn:ServiceTask"],"properties":[{"type":"Hidden","value":"x","binding":{"type":"property","name":"egov:activity"}}]}""";
        Valid(schema, good).ShouldBeTrue();
        Valid(schema, good.Replace("\"id\":\"de.egov.x\",", "", StringComparison.Ordinal)).ShouldBeFalse();
        Valid(schema, good.Replace("\"type\":\"property\"", "\"type\":\"egov:nonsense\"", StringComparison.Ordinal)).ShouldBeFalse();
    }

    private static JsonSchema? s_schema;

    private static async Task<JsonSchema> SchemaAsync()
    {
        if (s_schema is { } cached) return cached;
        if (!File.Exists(SchemaFile))
        {
            var psi = new ProcessStartInfo("npm") { WorkingDirectory = SchemaFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error" }) psi.ArgumentList.Add(a);
            using var npm = Process.Start(psi)!;
            var output = npm.StandardOutput.ReadToEndAsync();
            var error = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync();
            npm.ExitCode.ShouldBe(0, $"npm ci in {SchemaFolder} failed:\n{await output}\n{await error}");
        }
        // A registry of its own: the schema's $id may be read again by another test in this process.
        return s_schema = JsonSchema.FromText(await File.ReadAllTextAsync(SchemaFile), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    internal static string? Skip => File.Exists(SchemaFile) || FindOnPath("npm") is not null ? null
        : $"{SchemaFile} is missing and npm is not installed to run npm ci in {SchemaFolder}";

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("cannot find EGov.Workflows.sln above " + AppContext.BaseDirectory);
    }
}

/// <summary>A theory that is skipped (with the reason) when the schema package is missing and npm cannot install it.</summary>
public sealed class SchemaTheoryAttribute : TheoryAttribute
{
    public SchemaTheoryAttribute() { if (ElementTemplateSchemaTests.Skip is { } reason) Skip = reason; }
}

/// <summary>A fact that is skipped (with the reason) when the schema package is missing and npm cannot install it.</summary>
public sealed class SchemaFactAttribute : FactAttribute
{
    public SchemaFactAttribute() { if (ElementTemplateSchemaTests.Skip is { } reason) Skip = reason; }
}

using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using EGov.Workflows.Dmn.Evaluation;
using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Dmn.Reading;
using EGov.Workflows.Feel;
using EGov.Workflows.Feel.Values;

namespace EGov.Workflows.Dmn.Tck;

/// <summary>One line of the TCK's results format: <c>"folder","test file","test id","SUCCESS|ERROR|IGNORED","reason"</c>.</summary>
public sealed record TckResult(string Folder, string TestFile, string TestId, string Outcome, string Reason)
{
    public bool Passed => Outcome == "SUCCESS";

    /// <summary>The compliance level from the folder (<c>compliance-level-3/…</c>), or the folder's first part.</summary>
    public string Level => Folder.Split('/')[0];

    public string ToCsv() => string.Join(",", new[] { Folder, TestFile, TestId, Outcome, Reason }.Select(Quote));

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"").ReplaceLineEndings(" ") + "\"";
}

/// <summary>
/// Runs the DMN TCK's test cases: every folder under the given paths that holds <c>*-test-*.xml</c> files is a case;
/// its <c>.dmn</c> files are read and compiled together (so imports resolve), each test file's inputs are given to the
/// decisions (or decision services) it names, and each result node is compared with the expected value.
/// </summary>
public sealed class TckRunner(FeelEngine? feel = null)
{
    private readonly FeelEngine _feel = feel ?? new FeelEngine();

    /// <summary>The case folders under a path, in name order.</summary>
    public static IEnumerable<string> FindCases(string path) =>
        Directory.EnumerateFiles(path, "*-test-*.xml", SearchOption.AllDirectories)
            .Select(f => Path.GetDirectoryName(f)!).Distinct().Order(StringComparer.Ordinal);

    public IEnumerable<TckResult> RunCase(string caseFolder)
    {
        var folderName = FolderName(caseFolder);
        var reader = new DmnReader(new DmnReaderOptions { Check = false });
        var models = new List<DmnDefinitions>();
        var readProblems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(caseFolder, "*.dmn").Order(StringComparer.Ordinal))
        {
            var result = reader.ReadFile(file);
            if (result.Definitions is null) readProblems[Path.GetFileName(file)] = string.Join("; ", result.Errors.Select(e => e.Message));
            else models.Add(result.Definitions with { });
        }
        var byFile = Directory.EnumerateFiles(caseFolder, "*.dmn").Order(StringComparer.Ordinal)
            .Where(f => !readProblems.ContainsKey(Path.GetFileName(f))).Select(Path.GetFileName).Zip(models).ToDictionary(p => p.First!, p => p.Second);
        var compiled = new Dictionary<string, DecisionModel>(StringComparer.Ordinal);

        foreach (var testFile in Directory.EnumerateFiles(caseFolder, "*-test-*.xml").Order(StringComparer.Ordinal))
        {
            var testName = Path.GetFileNameWithoutExtension(testFile);
            XDocument? doc = null;
            string? loadProblem = null;
            try { doc = LoadSafely(testFile); }
            catch (XmlException e) { loadProblem = e.Message; }
            if (doc is null)
            {
                yield return new TckResult(folderName, testName, "*", "ERROR", "cannot read the test file: " + loadProblem);
                continue;
            }
            var ns = doc.Root!.Name.Namespace;
            var modelName = doc.Root.Element(ns + "modelName")?.Value.Trim();
            foreach (var testCase in doc.Root.Elements(ns + "testCase"))
            {
                var id = (string?)testCase.Attribute("id") ?? "?";
                var fileName = (string?)testCase.Attribute("modelName") ?? modelName;
                string outcome, reason;
                try
                {
                    (outcome, reason) = RunTest(testCase, ns, fileName, byFile, models, compiled, readProblems);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    (outcome, reason) = ("ERROR", $"{e.GetType().Name}: {e.Message}");
                }
                yield return new TckResult(folderName, testName, id, outcome, reason);
            }
        }
    }

    private (string Outcome, string Reason) RunTest(XElement testCase, XNamespace ns, string? fileName, Dictionary<string, DmnDefinitions> byFile,
        List<DmnDefinitions> models, Dictionary<string, DecisionModel> compiled, Dictionary<string, string> readProblems)
    {
        if (fileName is not null && readProblems.TryGetValue(fileName, out var problem)) return ("ERROR", "model not read: " + problem);
        var definitions = fileName is not null && byFile.TryGetValue(fileName, out var d) ? d : models.FirstOrDefault();
        if (definitions is null) return ("ERROR", $"model {fileName} not found");
        var key = fileName ?? "";
        if (!compiled.TryGetValue(key, out var model))
        {
            model = DecisionModel.Compile(definitions, models, _feel);
            compiled[key] = model;
        }
        var inputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var input in testCase.Elements(ns + "inputNode"))
            inputs[(string?)input.Attribute("name") ?? ""] = TckValues.Read(input);

        var clock = NodaTime.SystemClock.Instance;
        var isService = (string?)testCase.Attribute("type") == "decisionService";
        var invocable = (string?)testCase.Attribute("invocableName");
        var failures = new List<string>();
        foreach (var node in testCase.Elements(ns + "resultNode"))
        {
            var name = (string?)node.Attribute("name") ?? "";
            var errorResult = (string?)node.Attribute("errorResult") == "true";
            var expectedHolder = node.Element(ns + "expected");
            var expected = expectedHolder is null ? null : TckValues.Read(expectedHolder);
            var evaluation = new FeelEvaluation(clock);
            DecisionResult result;
            object? actual;
            if (isService && invocable is not null)
            {
                result = model.InvokeService(invocable, inputs, evaluation);
                actual = result.Value;
            }
            else
            {
                result = model.Evaluate(name, inputs, evaluation);
                actual = result.Value;
            }
            if (errorResult)
            {
                if (actual is not null && !TckValues.Matches(expected, actual))
                    failures.Add($"{name}: expected an error (null), got {FeelFormat.Format(actual)}");
                continue;
            }
            if (!TckValues.Matches(expected, actual))
            {
                var why = result.Errors.Count > 0 ? result.Errors[0] : result.Warnings.FirstOrDefault();
                failures.Add($"{name}: expected {FeelFormat.Format(expected)}, got {FeelFormat.Format(actual)}" + (why is null ? "" : $" ({why})"));
            }
        }
        return failures.Count == 0 ? ("SUCCESS", "") : ("ERROR", string.Join("; ", failures));
    }

    private static XDocument LoadSafely(string path)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(path, settings);
        return XDocument.Load(reader);
    }

    /// <summary>"compliance-level-3/0001-filter": the case folder with its parent, as the TCK's results name it.</summary>
    private static string FolderName(string caseFolder)
    {
        var full = Path.GetFullPath(caseFolder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetFileName(Path.GetDirectoryName(full)) ?? "";
        return parent + "/" + Path.GetFileName(full);
    }

    /// <summary>Runs every case under the paths, timing the whole.</summary>
    public (IReadOnlyList<TckResult> Results, TimeSpan Elapsed) RunAll(IEnumerable<string> paths)
    {
        var watch = Stopwatch.StartNew();
        var results = new List<TckResult>();
        foreach (var path in paths)
            foreach (var folder in FindCases(path))
                results.AddRange(RunCase(folder));
        return (results, watch.Elapsed);
    }
}

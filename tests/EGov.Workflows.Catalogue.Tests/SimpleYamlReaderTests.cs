using System.Text;
using CsCheck;
using EGov.Workflows.Catalogue.Yaml;
using Xunit.Abstractions;

namespace EGov.Workflows.Catalogue.Tests;

/// <summary>
/// The fast reader for simple YAML gives exactly what the YamlDotNet path gives (the JSON and every position of values and
/// keys) whenever it accepts a document, and it accepts the overlays a deploy reads by the thousand.
/// </summary>
public sealed class SimpleYamlReaderTests(ITestOutputHelper output)
{
    private const string BenchOverlay = """
        fees: { amount: 11.50, legalBasis: "Gebührensatzung der Gemeinde 1" }
        groups: { sachbearbeitung-parken: sachbearbeitung-parken-g1 }
        texts: { Task_Sachbearbeitung_Pruefen: "Antrag prüfen (Gemeinde 1)" }
        contact: { email: amt@gemeinde-1.example }

        """;

    [Fact]
    public void TheBenchOverlay_IsReadByTheFastReader_AsYamlDotNetReadsIt()
    {
        SameAsYamlDotNet(BenchOverlay).ShouldBeTrue("the fast reader declined the bench's overlay");
        var yaml = PositionedYamlReader.Read(BenchOverlay);
        yaml.Root!.ToJsonString().ShouldBe("""{"fees":{"amount":11.50,"legalBasis":"Gebührensatzung der Gemeinde 1"},"groups":{"sachbearbeitung-parken":"sachbearbeitung-parken-g1"},"texts":{"Task_Sachbearbeitung_Pruefen":"Antrag prüfen (Gemeinde 1)"},"contact":{"email":"amt@gemeinde-1.example"}}""".Replace("ü", "\\u00FC", StringComparison.Ordinal));
        yaml.KeyAt("/texts/Task_Sachbearbeitung_Pruefen").ShouldBe(new Model.Xml.SourcePosition(3, 10));
        yaml.ValueAt("/contact/email").ShouldBe(new Model.Xml.SourcePosition(4, 19));
    }

    [Fact]
    public void EveryOverlayOfTheRepository_IsReadByTheFastReader()
    {
        var overlays = Directory.EnumerateFiles(Repo.Root, "*.overlay.yaml", SearchOption.AllDirectories).Where(f => !Skipped(f)).ToList();
        overlays.ShouldNotBeEmpty();
        foreach (var file in overlays)
            SameAsYamlDotNet(File.ReadAllText(file)).ShouldBeTrue($"the fast reader declined {file}");
    }

    [Fact]
    public void EveryYamlFileOfTheRepositoryAndTheSharedCorpora_ReadsTheSame()
    {
        var roots = new[] { Repo.Root, Path.Combine(Repo.Root, "..", "shared") }.Where(Directory.Exists);
        var files = roots.SelectMany(r => Directory.EnumerateFiles(r, "*.*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)) && !Skipped(f))
            .ToList();
        var accepted = 0;
        foreach (var file in files)
        {
            string text;
            try
            {
                if (new FileInfo(file).Length > 256 * 1024) continue;
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (SameAsYamlDotNet(text, file)) accepted++;
        }
        output.WriteLine($"{accepted} of {files.Count} YAML files read by the fast reader, the same as by YamlDotNet");
        accepted.ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("a: 1\nb:\n  c: [x, 'y', \"z\"]\n  d:\n    - e\n    - f: g\n      h: ~\n", "nested blocks and sequences")]
    [InlineData("# a comment\nk: v # trailing\n\n  # indented comment\nl: -1.5e3\n", "comments")]
    [InlineData("{}", "the empty overlay")]
    [InlineData("s:\n- 1\n- true\n- 007\n- 0x1F\n", "an indentless sequence")]
    public void CommonShapes_AreReadByTheFastReader(string yaml, string why) => SameAsYamlDotNet(yaml).ShouldBeTrue(why);

    [Theory]
    [InlineData("a:\tb\n", "a tab")]
    [InlineData("a: &x 1\nb: *x\n", "an anchor and an alias")]
    [InlineData("a: !!str 1\n", "a tag")]
    [InlineData("a: 1\na: 2\n", "a duplicate key: YamlDotNet's path reports it")]
    [InlineData("a: |\n  text\n", "a block scalar")]
    [InlineData("a: one\n  two\n", "a multi-line plain scalar")]
    [InlineData("a: \"one\n  two\"\n", "a multi-line quoted scalar")]
    [InlineData("---\na: 1\n", "a document marker")]
    [InlineData("a:\nb: 1\n", "an empty value")]
    [InlineData("a: \"x\\ty\"\n", "an escape")]
    [InlineData("a: 'it''s'\n", "a quoted quote")]
    [InlineData("? a\n: 1\n", "an explicit key")]
    [InlineData("\"a\": 1\n", "a quoted key")]
    [InlineData("a: b: c\n", "a mapping in a plain scalar: an error")]
    [InlineData("a: 1\r\nb: 2\r\n", "CR LF")]
    [InlineData("\uFEFFa: 1\n", "a BOM")]
    [InlineData("{ a: 1, }\n", "a trailing comma")]
    [InlineData("", "an empty document")]
    public void Unusual_Yaml_IsLeftToYamlDotNet(string yaml, string why) => SimpleYamlReader.TryRead(yaml).ShouldBeNull(why);

    [Fact]
    public void GeneratedDocuments_ReadTheSame_WhenTheFastReaderAcceptsThem()
    {
        long accepted = 0, all = 0;
        Gen.Select(Gen.Int, Gen.Int[0, 3], (seed, style) => Render(new Random(seed), style)).Sample(text =>
        {
            Interlocked.Increment(ref all);
            if (SameAsYamlDotNet(text)) Interlocked.Increment(ref accepted);
        }, iter: 20_000);
        output.WriteLine($"{accepted} of {all} generated documents read by the fast reader, the same as by YamlDotNet");
        accepted.ShouldBeGreaterThan(all / 10, "the generator hardly reaches the fast reader");
    }

    /// <summary>
    /// True when the fast reader accepted <paramref name="text"/> and gave what YamlDotNet gives; false when it declined.
    /// Fails when it accepted what YamlDotNet reads differently or refuses.
    /// </summary>
    private static bool SameAsYamlDotNet(string text, string? file = null)
    {
        var fast = SimpleYamlReader.TryRead(text);
        if (fast is null) return false;
        var what = $"{file}\n---- text ----\n{text}\n--------------";
        PositionedYaml slow;
        try { slow = PositionedYamlReader.ReadWithYamlDotNet(text); }
        catch (YamlSyntaxException e) { throw new ShouldAssertException($"the fast reader accepted what YamlDotNet refuses ({e.At}: {e.Message}): {what}"); }
        fast.Root?.ToJsonString().ShouldBe(slow.Root?.ToJsonString(), what);
        Same(fast.Values, slow.Values, "value", what);
        Same(fast.Keys, slow.Keys, "key", what);
        return true;
    }

    private static void Same(IReadOnlyDictionary<string, Model.Xml.SourcePosition> fast, IReadOnlyDictionary<string, Model.Xml.SourcePosition> slow, string kind, string what)
    {
        foreach (var (pointer, at) in slow)
            fast.TryGetValue(pointer, out var got).ShouldBeTrue($"no {kind} position for '{pointer}': {what}");
        foreach (var (pointer, at) in fast)
        {
            slow.TryGetValue(pointer, out var expected).ShouldBeTrue($"a {kind} position for '{pointer}' YamlDotNet does not have: {what}");
            at.ShouldBe(expected, $"{kind} position of '{pointer}': {what}");
        }
    }

    private static bool Skipped(string path) =>
        path.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or "node_modules" or ".git" or "BenchmarkDotNet.Artifacts");

    // Scalars and keys from a tricky alphabet: numbers of every YAML 1.1/1.2 shape, nulls, booleans, indicators, quotes, umlauts.
    private static readonly string[] Scalars =
    [
        "1", "-1", "+1", "007", "0x1F", "0o17", "1_000", ".5", "-.5", "+.5e-3", "1.", "1e3", "-1.5e3", "11.50", "45.00", "1e400",
        "12345678901234567890123", "0.0000000000000000000000000001", "true", "True", "TRUE", "yes", "false", "null", "Null", "~",
        "P10D", "2024-01-01", "amt@gemeinde-1.example", "https://gemeinde.example/a", "a:b", "a: b", "a #b", "a#b", "x,y", "x, y",
        "a  b", "yes please", "Prüfen (Gemeinde 1)", "Straße", "ä", "§ 3", "€", "-", "- a", "-a", ":", "#", ",", "...", "---", "?",
        "&a", "*a", "!t", "|", ">", "%x", "@x", "`x`", "[", "]", "{", "}", "a'b", "a\"b", "'", "\"", "a\\b", "a ", " a", "",
    ];

    private static readonly string[] Keys =
    [
        "a", "b", "c", "Task_A", "sachbearbeitung-parken", "x/y", "a~b", "1", "true", "null", "ä", "Größe", "a b", "-a", "a.b",
        "_x", "a:b", "'q'", "\"q\"", "~", "a#b", "<<",
    ];

    /// <summary>A random document: block and flow mappings and sequences, quoted and plain scalars, comments, odd indentation.</summary>
    private static string Render(Random r, int style)
    {
        var text = new StringBuilder();
        if (r.Next(4) == 0) text.Append("# head\n");
        if (style == 0) text.Append(Flow(r, 0)).Append(r.Next(3) == 0 ? " # c" : "").Append('\n');
        else BlockMapping(r, text, r.Next(3) == 0 ? r.Next(1, 3) : 0, 0);
        if (r.Next(4) == 0) text.Append(new string(' ', r.Next(4))).Append("# tail\n");
        return r.Next(4) == 0 ? text.ToString().TrimEnd('\n') : text.ToString(); // without the last line break too
    }

    private static void BlockMapping(Random r, StringBuilder text, int indent, int depth)
    {
        var count = r.Next(1, 4);
        for (var i = 0; i < count; i++)
        {
            if (r.Next(6) == 0) text.Append(new string(' ', r.Next(6))).Append(r.Next(2) == 0 ? "# note\n" : "\n");
            text.Append(' ', indent).Append(Key(r)).Append(':');
            Value(r, text, indent, depth);
        }
    }

    private static void Value(Random r, StringBuilder text, int indent, int depth)
    {
        var step = r.Next(10) == 0 ? 0 : r.Next(1, 5);
        switch (depth > 3 ? 0 : r.Next(5))
        {
            case 0: case 1:
                text.Append(' ', r.Next(1, 3)).Append(Scalar(r, flow: false)).Append(Trailing(r)).Append('\n');
                if (r.Next(12) == 0) text.Append(' ', indent + step).Append(Scalar(r, flow: false)).Append('\n'); // a continuation line
                break;
            case 2:
                text.Append(' ').Append(Flow(r, depth)).Append(Trailing(r)).Append('\n');
                break;
            case 3:
                text.Append(Trailing(r)).Append('\n');
                BlockMapping(r, text, indent + step, depth + 1);
                break;
            default:
                text.Append(Trailing(r)).Append('\n');
                var count = r.Next(1, 4);
                for (var i = 0; i < count; i++)
                {
                    text.Append(' ', indent + step).Append('-');
                    if (r.Next(3) == 0)
                    {
                        text.Append(' ').Append(Key(r)).Append(':');
                        Value(r, text, indent + step + 2, depth + 1);
                    }
                    else text.Append(' ', r.Next(1, 3)).Append(r.Next(4) == 0 ? Flow(r, depth + 1) : Scalar(r, flow: false)).Append(Trailing(r)).Append('\n');
                }
                break;
        }
    }

    private static string Flow(Random r, int depth)
    {
        var count = r.Next(0, 4);
        var mapping = r.Next(3) > 0;
        var items = Enumerable.Range(0, count).Select(_ =>
        {
            var value = depth < 3 && r.Next(5) == 0 ? Flow(r, depth + 1) : Scalar(r, flow: true);
            return mapping ? $"{Key(r)}:{new string(' ', r.Next(0, 3))}{value}" : value;
        });
        var gap = new string(' ', r.Next(0, 2));
        return (mapping ? "{" : "[") + gap + string.Join("," + new string(' ', r.Next(0, 3)), items) + gap + (mapping ? "}" : "]");
    }

    private static string Key(Random r) => Keys[r.Next(Keys.Length)];

    private static string Trailing(Random r) => r.Next(5) == 0 ? new string(' ', r.Next(0, 3)) + (r.Next(2) == 0 ? " # c" : "#c") : "";

    private static string Scalar(Random r, bool flow)
    {
        var s = r.Next(4) == 0 ? Scalars[r.Next(Scalars.Length)] + Scalars[r.Next(Scalars.Length)] : Scalars[r.Next(Scalars.Length)];
        return r.Next(6) switch
        {
            0 => $"\"{s}\"",
            1 => $"'{s}'",
            _ => s,
        };
    }
}

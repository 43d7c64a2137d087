using BenchmarkDotNet.Attributes;
using EGov.Workflows.Catalogue.Overlays;
using EGov.Workflows.Catalogue.Yaml;

namespace EGov.Workflows.Bench.Micro;

/// <summary>
/// Reading one tenant overlay as the W5 bench writes it (58,000 of them at a deploy): the YAML through YamlDotNet (the old
/// path), through <c>PositionedYamlReader.Read</c> (the simple-YAML fast path first), and the whole <c>OverlayReader.ReadFile</c>
/// (file, YAML, quick schema check), and the file's text alone the old way and the new.
/// </summary>
[MemoryDiagnoser]
public class OverlayYaml
{
    private const string Text = """
        fees: { amount: 11.50, legalBasis: "Gebührensatzung der Gemeinde 1" }
        groups: { sachbearbeitung-parken: sachbearbeitung-parken-g1 }
        texts: { Task_Sachbearbeitung_Pruefen: "Antrag prüfen (Gemeinde 1)" }
        contact: { email: amt@gemeinde-1.example }

        """;

    private string _file = "";

    [GlobalSetup]
    public void Setup()
    {
        var folder = Directory.CreateTempSubdirectory("egov-bench-overlay-");
        Directory.CreateDirectory(Path.Combine(folder.FullName, "gemeinde-001"));
        _file = Path.Combine(folder.FullName, "gemeinde-001", "parken" + OverlayReader.Suffix);
        File.WriteAllText(_file, Text, new System.Text.UTF8Encoding(false));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(_file))!, recursive: true);

    [Benchmark(Baseline = true, Description = "overlay YAML via YamlDotNet (old)")]
    public PositionedYaml YamlDotNet() => PositionedYamlReader.ReadWithYamlDotNet(Text);

    [Benchmark(Description = "overlay YAML via PositionedYamlReader.Read (fast path)")]
    public PositionedYaml Fast() => PositionedYamlReader.Read(Text);

    [Benchmark(Description = "overlay file text: FileInfo.Length + File.ReadAllText (old)")]
    public string? TextOld() => new FileInfo(_file).Length > 256 * 1024 ? null : File.ReadAllText(_file);

    [Benchmark(Description = "overlay file text: one open, length from the handle (new)")]
    public string? TextNew() => OverlayFileText.Read(_file, 256 * 1024);

    [Benchmark(Description = "OverlayReader.ReadFile (file + YAML + quick check)")]
    public OverlayReadResult ReadFile() => OverlayReader.ReadFile(_file);
}

using System.Text;
using EGov.Workflows.Catalogue.Overlays;

namespace EGov.Workflows.Catalogue.Tests;

/// <summary>An overlay file is read with one open, and gives the text <see cref="File.ReadAllText(string)"/> gives.</summary>
public sealed class OverlayFileTextTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("egov-overlay-text-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string, byte[]> Files() => new()
    {
        { "UTF-8", Encoding.UTF8.GetBytes("texts: { Task_A: \"Prüfen\" }\n") },
        { "UTF-8 with a byte order mark", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("a: ä\n")] },
        { "UTF-16 LE with a byte order mark", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("a: ä\n")] },
        { "UTF-16 BE with a byte order mark", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes("a: ä\n")] },
        { "invalid UTF-8", [0x61, 0x3A, 0x20, 0xC3, 0x28, 0xFF, 0x0A] },
        { "a NUL first", [0x00, 0x61] },
        { "empty", [] },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void TheText_IsWhatReadAllTextGives(string what, byte[] bytes)
    {
        var path = Path.Combine(_dir.FullName, "x.overlay.yaml");
        File.WriteAllBytes(path, bytes);
        OverlayFileText.Read(path, 256 * 1024).ShouldBe(File.ReadAllText(path), what);
    }

    [Fact]
    public void AFileLargerThanTheLimit_GivesNull_AndOneAtTheLimitIsRead()
    {
        var path = Path.Combine(_dir.FullName, "big.overlay.yaml");
        File.WriteAllText(path, new string('x', 1001));
        OverlayFileText.Read(path, 1000).ShouldBeNull();
        OverlayFileText.Read(path, 1001).ShouldBe(new string('x', 1001));
    }

    [Fact]
    public void OverlayReader_RefusesALargeFile_AndAMissingOne_WithTheirMessages()
    {
        var big = Path.Combine(_dir.FullName, "big.overlay.yaml");
        File.WriteAllText(big, "# " + new string('x', 256 * 1024));
        OverlayReader.ReadFile(big).Diagnostics.Single().Message.ShouldBe("larger than 256 KB");
        var missing = Path.Combine(_dir.FullName, "missing.overlay.yaml");
        OverlayReader.ReadFile(missing).Diagnostics.Single().Message.ShouldStartWith("cannot read file: Could not find file");
    }
}

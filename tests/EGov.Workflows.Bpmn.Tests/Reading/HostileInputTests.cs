using System.Diagnostics;
using System.Text;
using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Bpmn.Tests.Support;

namespace EGov.Workflows.Bpmn.Tests.Reading;

/// <summary>Hostile or broken input is rejected with a positioned message, quickly, and never with an exception.</summary>
public sealed class HostileInputTests
{
    /// <summary>A generous sanity bound, not a benchmark: each case takes milliseconds.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private static Diagnostic Rejected(byte[] bytes, BpmnReaderOptions? options = null)
    {
        var watch = Stopwatch.StartNew();
        var result = new BpmnReader(options).ReadBytes(bytes, "hostile.bpmn");
        watch.Elapsed.ShouldBeLessThan(Bound);
        result.HasErrors.ShouldBeTrue();
        var error = result.Errors.First();
        error.Position.IsKnown.ShouldBeTrue($"no position: {error}");
        error.ToString().ShouldStartWith($"hostile.bpmn:{error.Position.Line}:{error.Position.Column}: error: ");
        return error;
    }

    private static Diagnostic Rejected(string xml) => Rejected(Encoding.UTF8.GetBytes(xml));

    [Fact]
    public void Reader_RejectsExternalEntity_WithPosition()
    {
        var error = Rejected("""
            <?xml version="1.0"?>
            <!DOCTYPE definitions [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><documentation>&xxe;</documentation></definitions>
            """);
        error.Message.ShouldContain("DOCTYPE");
        error.Position.Line.ShouldBe(2);
        error.Message.ShouldNotContain("root:");
    }

    [Fact]
    public void Reader_RejectsBillionLaughs_WithPosition()
    {
        var entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (var i = 1; i < 10; i++) entities.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        var error = Rejected($"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [{entities}]>\n<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">&lol9;</definitions>");
        error.Message.ShouldContain("DOCTYPE");
    }

    [Fact]
    public void Reader_RejectsTruncatedFile_AtTheEnd()
    {
        var xml = Models.Process("<startEvent id=\"s\"/><endEvent id=\"e\"/><sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/>");
        var error = Rejected(xml[..(xml.Length * 2 / 3)]);
        error.Message.ShouldStartWith("not well-formed XML");
    }

    [Fact]
    public void Reader_RejectsBinaryGarbage()
    {
        var random = new Random(42);
        var bytes = new byte[4096];
        random.NextBytes(bytes);
        Rejected(bytes).Message.ShouldStartWith("not well-formed XML");
    }

    [Fact]
    public void Reader_RejectsZipFile_AsNotXml() => Rejected([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x08, 0x08, 0x08, 0x00]);

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t  ")]
    public void Reader_RejectsEmptyInput(string text) =>
        Rejected(text).Message.ShouldContain("empty");

    [Fact]
    public void Reader_RejectsNonBpmnXml_NamingTheRoot()
    {
        var error = Rejected("<?xml version=\"1.0\"?>\n<xprozess:nachricht xmlns:xprozess=\"http://www.regierung-mv.de/xprozess/2\"/>");
        error.Message.ShouldContain("expected a BPMN 2.0 <definitions>");
        error.Message.ShouldContain("xprozess:nachricht");
        error.Position.ShouldBe(new Model.Xml.SourcePosition(2, 1));
    }

    [Fact]
    public void Reader_RejectsBpmnOfAnotherNamespace_AsOtherVersion()
    {
        var error = Rejected("<definitions xmlns=\"http://schema.omg.org/spec/BPMN/2.0\" id=\"d\"/>");
        error.Message.ShouldContain("older BPMN version");
    }

    [Fact]
    public void Reader_RejectsXpdl_AsNotBpmn() =>
        Rejected("<Package xmlns=\"http://www.wfmc.org/2008/XPDL2.1\"/>").Message.ShouldContain("XPDL");

    [Fact]
    public void Reader_RejectsOversizeInput_BeforeParsing()
    {
        var head = Encoding.UTF8.GetBytes(Models.Header + "<documentation>");
        var bytes = new byte[10_500_000];
        head.CopyTo(bytes, 0);
        bytes.AsSpan(head.Length).Fill((byte)'x');
        var error = Rejected(bytes);
        error.Message.ShouldContain("more than the limit");
    }

    [Fact]
    public void Reader_RejectsOversizeFile_BeforeReadingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"egov-oversize-{Guid.NewGuid():N}.bpmn");
        try
        {
            using (var f = File.Create(path)) f.SetLength(12 * 1024 * 1024);
            var result = new BpmnReader().ReadFile(path);
            result.HasErrors.ShouldBeTrue();
            result.Errors.Single().Message.ShouldContain("more than the limit");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Reader_RejectsDeepNesting_WithPositionOfTheTooDeepElement()
    {
        var depth = 100_000;
        var xml = new StringBuilder(Models.Header);
        for (var i = 0; i < depth; i++) xml.Append("<extensionElements>");
        for (var i = 0; i < depth; i++) xml.Append("</extensionElements>");
        xml.Append("</definitions>");
        var error = Rejected(xml.ToString());
        error.Message.ShouldContain("nested deeper than");
    }

    [Fact]
    public void Reader_RejectsUnknownDeclaredEncoding_WithoutThrowing()
    {
        var error = Rejected("<?xml version=\"1.0\" encoding=\"x-klingon\"?>\n" + Models.Header + "</definitions>");
        error.Message.ShouldContain("klingon");
    }

    [Fact]
    public void Reader_RejectsDuplicateAttributes_AsNotWellFormed() =>
        Rejected(Models.Header.Replace("id=\"Defs\"", "id=\"Defs\" id=\"Again\"", StringComparison.Ordinal) + "</definitions>")
            .Message.ShouldStartWith("not well-formed XML");

    [Fact]
    public void Reader_LimitsDiagnostics_SoOneFileFitsOnAScreen()
    {
        var body = string.Concat(Enumerable.Range(0, 500).Select(i => $"<sequenceFlow id=\"f{i}\" sourceRef=\"nowhere{i}\" targetRef=\"none{i}\"/>"));
        var result = Models.Read(Models.Process("<task id=\"t\"/>" + body));
        result.Diagnostics.Count.ShouldBe(DiagnosticBag.DefaultLimit);
        result.SuppressedDiagnostics.ShouldBe(1000 - DiagnosticBag.DefaultLimit);
    }

    [Fact]
    public void DiagnosticBag_PastTheLimit_KeepsErrorsInsteadOfWarnings()
    {
        var bag = new DiagnosticBag("f", limit: 3);
        for (var i = 0; i < 5; i++) bag.Warning(new Model.Xml.SourcePosition(i + 1, 1), "w");
        bag.Error(new Model.Xml.SourcePosition(9, 1), "e");
        bag.Items.Count.ShouldBe(3);
        bag.HasErrors.ShouldBeTrue();
        bag.Suppressed.ShouldBe(3);
    }
}

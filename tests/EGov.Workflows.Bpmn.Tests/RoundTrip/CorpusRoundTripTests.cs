using System.Text;
using System.Xml;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Bpmn.Tests.Support;
using EGov.Workflows.Bpmn.Writing;

namespace EGov.Workflows.Bpmn.Tests.RoundTrip;

/// <summary>Every BPMN file that real tools exported must read without errors and write back with the same content.</summary>
public sealed class CorpusRoundTripTests
{
    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in SharedCorpus.BpmnFiles()) data.Add(SharedCorpus.RelativeName(f));
        return data;
    }

    private static string FullPath(string relative) => Path.Combine(SharedCorpus.Corpora, relative);

    [Fact]
    public void Corpus_HoldsEveryExpectedCollection()
    {
        var files = SharedCorpus.BpmnFiles().Select(SharedCorpus.RelativeName).ToList();
        files.Count.ShouldBeGreaterThan(150);
        foreach (var folder in new[] { "bpmn-miwg/reference", "bpmn-miwg/vendor-exports/sap-signavio-19.9.0", "bpmn-miwg/vendor-exports/bpmn.io-camunda-modeler-18.6.1", "camunda", "bpmn-engine", "digiwf", "fim" })
            files.ShouldContain(f => f.StartsWith(folder, StringComparison.Ordinal), $"no BPMN file under {folder}");
        files.ShouldNotContain(f => f.EndsWith("genericode.xml", StringComparison.Ordinal), "non-BPMN XML must not be taken for a model");
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusFile_ReadsWithoutErrors(string file)
    {
        var result = new BpmnReader().ReadFile(FullPath(file));
        result.Definitions.ShouldNotBeNull();
        result.Errors.ShouldBeEmpty(string.Join("\n", result.Errors));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusFile_WrittenBack_KeepsEveryElementAttributeTextAndComment(string file)
    {
        var path = FullPath(file);
        var written = Write(path);
        CanonicalXml.Of(written).ShouldBe(CanonicalXml.OfFile(path));
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusFile_WrittenTwice_GivesIdenticalBytes_AndRewritingIsStable(string file)
    {
        var path = FullPath(file);
        var definitions = new BpmnReader().ReadFile(path).Definitions!;
        var first = ToBytes(definitions);
        ToBytes(definitions).ShouldBe(first);

        var reread = new BpmnReader().ReadBytes(first, file);
        reread.Errors.ShouldBeEmpty();
        ToBytes(reread.Definitions!).ShouldBe(first, "formatting a formatted file must change nothing");
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusFile_WrittenBack_KeepsTheRootPrefixAndEveryNamespaceDeclaration(string file)
    {
        var path = FullPath(file);
        var (prefix, declarations) = RootNamespaces(File.ReadAllBytes(path));
        var (writtenPrefix, writtenDeclarations) = RootNamespaces(Write(path));
        writtenPrefix.ShouldBe(prefix);
        writtenDeclarations.ShouldBe(declarations, ignoreOrder: true);
    }

    private static byte[] Write(string path)
    {
        var result = new BpmnReader().ReadFile(path);
        result.Definitions.ShouldNotBeNull(string.Join("\n", result.Diagnostics));
        return ToBytes(result.Definitions);
    }

    private static byte[] ToBytes(Model.Definitions definitions)
    {
        using var stream = new MemoryStream();
        BpmnWriter.Write(definitions, stream);
        return stream.ToArray();
    }

    private static (string Prefix, List<string> Declarations) RootNamespaces(byte[] xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        reader.MoveToContent();
        var prefix = reader.Prefix;
        var declarations = new List<string>();
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                if (reader.Name == "xmlns" || reader.Prefix == "xmlns") declarations.Add($"{reader.Name}={reader.Value}");
            }
            while (reader.MoveToNextAttribute());
        }
        return (prefix, declarations);
    }
}

using System.Xml.Linq;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Bpmn.Writing;
using EGov.Workflows.Model;
using EGov.Workflows.Model.Xml;
using EGov.Workflows.Persistence.Deployments;

namespace EGov.Workflows.Persistence.Tests;

/// <summary>
/// A stored version keeps the content hash of its model; after an upgrade an unchanged model must hash the same, or it
/// becomes a new version. The hash made from the model's tree (<see cref="XmlNormalForm"/>) is the hash of the written
/// text parsed again (<see cref="DurableDeployments.ContentHash(string)"/>) — for every model the repository and the
/// shared corpora hold, and for the trees whose text the round trip changes.
/// </summary>
public sealed class ContentHashTests
{
    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) return dir.FullName;
        throw new InvalidOperationException("repository root (EGov.Workflows.sln) not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every BPMN file of processes/, samples/, the tests' fixtures and ../shared (conformance, corpora) when it is there.</summary>
    private static IEnumerable<string> AllModels()
    {
        var root = Root();
        var shared = Environment.GetEnvironmentVariable("EGOV_SHARED") is { Length: > 0 } env ? env : Path.Combine(root, "..", "shared");
        string[] folders = [Path.Combine(root, "processes"), Path.Combine(root, "samples"), Path.Combine(root, "tests"),
            Path.Combine(shared, "conformance"), Path.Combine(shared, "corpora")];
        return folders.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".bpmn", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".bpmn20.xml", StringComparison.OrdinalIgnoreCase))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or "node_modules"))
            .Order(StringComparer.Ordinal);
    }

    [Fact]
    public void EveryModel_HashesFromItsTree_AsFromItsText()
    {
        var compared = 0;
        var fromTree = 0;
        var differ = new List<string>();
        foreach (var file in AllModels())
        {
            var defs = new BpmnReader().ReadBytes(File.ReadAllBytes(file), file).Definitions;
            if (defs is null) continue;
            string xml;
            try { xml = BpmnWriter.WriteString(defs); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.Xml.XmlException) { continue; } // not deployable either
            compared++;
            if (XmlNormalForm.Of(defs) is not null) fromTree++;
            if (DurableDeployments.ContentHash(defs, xml) != DurableDeployments.ContentHash(xml)) differ.Add(file);
        }
        differ.ShouldBeEmpty();
        compared.ShouldBeGreaterThan(250); // processes/ and the tests' fixtures at least
        // Nearly every model takes the quick way, so the comparison above compares it (not the round trip with itself).
        fromTree.ShouldBeGreaterThan(compared * 9 / 10, $"{fromTree} of {compared} models hashed from their tree");
    }

    [Fact]
    public void TheProcessesFolder_IsHashedFromItsTrees()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root(), "processes"), "*.bpmn", SearchOption.AllDirectories))
            XmlNormalForm.Of(new BpmnReader().ReadBytes(File.ReadAllBytes(file), file).Definitions!).ShouldNotBeNull(file);
    }

    private const string Open = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                          xmlns:egov="https://egov-workflows.de/schema/bpmn" id="Defs" targetNamespace="http://example.org/hash">
        """;

    /// <summary>Trees the quick way takes, and trees only the round trip can tell (each must hash as its text does).</summary>
    public static TheoryData<string, bool> Trees() => new()
    {
        { """<bpmn:process id="P" isExecutable="true"><bpmn:startEvent id="S" name="Größe &amp; &lt;Maß&gt; &quot;x&quot; 😀" /></bpmn:process>""", true },
        { "<bpmn:process id=\"P\"><bpmn:documentation>  eins\n  zwei\tdrei  </bpmn:documentation><bpmn:documentation> \n\t </bpmn:documentation><bpmn:documentation></bpmn:documentation></bpmn:process>", true },
        { """<bpmn:process id="P"><bpmn:documentation>Text <b xmlns="urn:x">fett</b> und <i xmlns="urn:x"/> mehr</bpmn:documentation></bpmn:process>""", true },
        { """<bpmn:process id="P"><!-- ein Kommentar --><bpmn:startEvent id="S"><!--x--></bpmn:startEvent></bpmn:process>""", true },
        { """<bpmn:process id="P"><bpmn:script><![CDATA[if (a < b && c) { x = "]" }]]></bpmn:script></bpmn:process>""", true },
        { """<bpmn:process id="P" camunda:versionTag="a&#9;b&#10;c" egov:validFrom="2026-01-01"><bpmn:startEvent id="S" /></bpmn:process>""", true },
        // Two prefixes for one namespace, a prefix bound again below, the default namespace changed below.
        { """<bpmn:process xmlns:b2="http://www.omg.org/spec/BPMN/20100524/MODEL" id="P"><b2:startEvent id="S"><bpmn:documentation xmlns:bpmn="urn:other" bpmn:a="1">d</bpmn:documentation></b2:startEvent><task xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="T"><x xmlns="" y="1"/></task></bpmn:process>""", true },
        { """<bpmn:process id="P"><bpmn:documentation>a&#13;b</bpmn:documentation></bpmn:process>""", false },
        { """<bpmn:process id="P"><bpmn:documentation xml:space="preserve">  <b xmlns="urn:x">x</b>  </bpmn:documentation></bpmn:process>""", false },
        { """<bpmn:process id="P"><bpmn:script><![CDATA[a]]]]><![CDATA[>b]]></bpmn:script></bpmn:process>""", false },
        { """<bpmn:process id="P"><!-- a - b -  --></bpmn:process>""", true },
        { """<bpmn:process id="P" camunda:x="a&#13;b" /> """, false },
    };

    [Theory, MemberData(nameof(Trees))]
    public void ATree_HashesAsItsText(string process, bool fromTree)
    {
        var defs = new BpmnReader().ReadString(Open + process + "</bpmn:definitions>").Definitions.ShouldNotBeNull();
        var xml = BpmnWriter.WriteString(defs);
        (XmlNormalForm.Of(defs) is not null).ShouldBe(fromTree);
        DurableDeployments.ContentHash(defs, xml).ShouldBe(DurableDeployments.ContentHash(xml));
    }

    [Fact]
    public void ATreeBuiltInCode_WithoutPrefixes_HashesByTheRoundTrip()
    {
        var bpmn = XNamespace.Get("http://www.omg.org/spec/BPMN/20100524/MODEL");
        var process = new BpmnElement(new ElementInit(bpmn + "process", [new XmlAttribute("id", "P")], [], SourcePosition.None));
        var defs = new Definitions(new ElementInit(bpmn + "definitions", [new XmlAttribute("id", "D")], [process], SourcePosition.None));
        var xml = BpmnWriter.WriteString(defs); // the writer declares the namespace itself
        XmlNormalForm.Of(defs).ShouldBeNull();
        DurableDeployments.ContentHash(defs, xml).ShouldBe(DurableDeployments.ContentHash(xml));
    }

    [Fact]
    public void AnElementWithOnlyWhitespace_IsWrittenWithAnEndTag_AnEmptyOneWithout()
    {
        var defs = new BpmnReader().ReadString(Open + """<bpmn:process id="P"><bpmn:documentation>  </bpmn:documentation><bpmn:documentation/></bpmn:process></bpmn:definitions>""").Definitions!;
        XmlNormalForm.Of(defs)!.ToString(SaveOptions.DisableFormatting)
            .ShouldContain("<bpmn:documentation></bpmn:documentation><bpmn:documentation /></bpmn:process>");
    }
}

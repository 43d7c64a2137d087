using System.Globalization;
using System.Xml.Linq;

namespace EGov.Workflows.Scenarios.Tests;

/// <summary>Issue 17, "readable layout": every model under processes/ opens in bpmn-js without two flow nodes lying on
/// top of each other, and every flow node is drawn (has a BPMNShape). Only the shapes' own dc:Bounds count (labels do not).
/// Legitimate overlaps that are not reported: a subProcess/transaction/adHocSubProcess and the nodes it contains, a
/// boundary event and the activity it is attached to (attachedToRef). Pools, lanes, text annotations, groups and data
/// objects are not flow nodes and are not checked: pools and lanes contain the nodes by design, and annotations/groups/
/// data objects are free-floating artefacts that bpmn-js draws on their own layer.</summary>
public class ProcessLayoutTests
{
    private static readonly XNamespace Bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    private static readonly XNamespace BpmnDi = "http://www.omg.org/spec/BPMN/20100524/DI";
    private static readonly XNamespace Dc = "http://www.omg.org/spec/DD/20100524/DC";

    private static readonly HashSet<string> FlowNodes = new(StringComparer.Ordinal)
    {
        "task", "userTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask", "manualTask",
        "callActivity", "subProcess", "transaction", "adHocSubProcess",
        "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
        "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
    };

    private static readonly HashSet<string> Containers = new(StringComparer.Ordinal) { "subProcess", "transaction", "adHocSubProcess" };

    private sealed record Box(string Id, double X, double Y, double W, double H);

    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "processes"), "*.bpmn", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(RepoPaths.Root, file));
        return data;
    }

    [Fact]
    public void ThereAreModelsToCheck() => Models().Count.ShouldBeGreaterThan(0);

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryFlowNodeHasAShape_AndNoTwoShapesOverlap(string file)
    {
        var problems = Check(XDocument.Load(Path.Combine(RepoPaths.Root, file)));
        problems.ShouldBeEmpty($"{file}:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void Check_ReportsOverlapsAndMissingShapes_ButNotContainersOrBoundaryHosts()
    {
        const string xml = """
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC">
              <bpmn:process id="P">
                <bpmn:userTask id="A" /><bpmn:userTask id="B" /><bpmn:boundaryEvent id="E" attachedToRef="A" />
                <bpmn:subProcess id="S"><bpmn:startEvent id="S1" /></bpmn:subProcess>
                <bpmn:endEvent id="Missing" /><bpmn:userTask id="C" />
              </bpmn:process>
              <bpmndi:BPMNDiagram><bpmndi:BPMNPlane bpmnElement="P">
                <bpmndi:BPMNShape bpmnElement="A"><dc:Bounds x="0" y="0" width="100" height="80" /></bpmndi:BPMNShape>
                <bpmndi:BPMNShape bpmnElement="B"><dc:Bounds x="90" y="10" width="100" height="80" /></bpmndi:BPMNShape>
                <bpmndi:BPMNShape bpmnElement="E"><dc:Bounds x="40" y="62" width="36" height="36" /></bpmndi:BPMNShape>
                <bpmndi:BPMNShape bpmnElement="S"><dc:Bounds x="300" y="0" width="300" height="200" /></bpmndi:BPMNShape>
                <bpmndi:BPMNShape bpmnElement="S1"><dc:Bounds x="320" y="20" width="36" height="36" /></bpmndi:BPMNShape>
                <bpmndi:BPMNShape bpmnElement="C"><dc:Bounds x="180" y="0" width="100" height="80" /></bpmndi:BPMNShape>
              </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
            </bpmn:definitions>
            """;
        var problems = Check(XDocument.Parse(xml));
        problems.ShouldBe(["flow node 'Missing' has no BPMNShape", "shapes of 'A' and 'B' overlap", "shapes of 'B' and 'C' overlap"], ignoreOrder: true);
    }

    private static List<string> Check(XDocument doc)
    {
        var problems = new List<string>();
        var nodes = doc.Descendants()
            .Where(e => e.Name.Namespace == Bpmn && FlowNodes.Contains(e.Name.LocalName) && e.Attribute("id") is not null)
            .ToDictionary(e => (string)e.Attribute("id")!);
        var boxes = new Dictionary<string, Box>(StringComparer.Ordinal);
        foreach (var shape in doc.Descendants(BpmnDi + "BPMNShape"))
        {
            var id = (string?)shape.Attribute("bpmnElement");
            var b = shape.Element(Dc + "Bounds");
            if (id is null || b is null || !nodes.ContainsKey(id)) continue;
            boxes[id] = new Box(id, Num(b, "x"), Num(b, "y"), Num(b, "width"), Num(b, "height"));
        }
        foreach (var id in nodes.Keys.Where(id => !boxes.ContainsKey(id)).Order(StringComparer.Ordinal))
            problems.Add($"flow node '{id}' has no BPMNShape");

        var list = boxes.Values.OrderBy(b => b.Id, StringComparer.Ordinal).ToList();
        for (var i = 0; i < list.Count; i++)
            for (var j = i + 1; j < list.Count; j++)
            {
                var (a, b) = (list[i], list[j]);
                if (!Overlap(a, b) || Legitimate(nodes[a.Id], nodes[b.Id])) continue;
                problems.Add($"shapes of '{a.Id}' and '{b.Id}' overlap");
            }
        return problems;
    }

    // Touching borders is fine; only a positive-area intersection counts.
    private static bool Overlap(Box a, Box b) =>
        a.X < b.X + b.W && b.X < a.X + a.W && a.Y < b.Y + b.H && b.Y < a.Y + a.H;

    private static bool Legitimate(XElement a, XElement b) =>
        Contains(a, b) || Contains(b, a) || AttachedTo(a, b) || AttachedTo(b, a);

    private static bool Contains(XElement container, XElement inner) =>
        Containers.Contains(container.Name.LocalName) && inner.Ancestors().Contains(container);

    private static bool AttachedTo(XElement boundary, XElement host) =>
        boundary.Name.LocalName == "boundaryEvent" && (string?)boundary.Attribute("attachedToRef") == (string?)host.Attribute("id");

    private static double Num(XElement bounds, string name) =>
        double.Parse((string?)bounds.Attribute(name) ?? "0", NumberStyles.Float, CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace EGov.Workflows.Model.Diagram;

/// <summary>BPMN DI: a diagram with one plane of shapes and edges. A file may hold several.</summary>
public sealed class BpmnDiagram(ElementInit init) : BpmnElement(init)
{
    public string? DiagramName => Attribute("name");
    public double? Resolution => DiNumbers.Parse(Attribute("resolution"));
    public BpmnPlane? Plane => Child<BpmnPlane>();
    public IEnumerable<BpmnLabelStyle> LabelStyles => ChildrenOf<BpmnLabelStyle>();
}

/// <summary>Shapes and edges that show one process or collaboration (or a collapsed subprocess).</summary>
public sealed class BpmnPlane(ElementInit init) : BpmnElement(init)
{
    public string? BpmnElementRef => QNames.LocalPart(Attribute("bpmnElement"));
    public IEnumerable<BpmnShape> Shapes => ChildrenOf<BpmnShape>();
    public IEnumerable<BpmnEdge> Edges => ChildrenOf<BpmnEdge>();
}

public sealed class BpmnShape(ElementInit init) : BpmnElement(init)
{
    public string? BpmnElementRef => QNames.LocalPart(Attribute("bpmnElement"));
    public Bounds? Bounds => Child<Bounds>();
    public BpmnLabel? Label => Child<BpmnLabel>();
    public bool? IsHorizontal => Attribute("isHorizontal") is { } v ? v == "true" : null;
    public bool? IsExpanded => Attribute("isExpanded") is { } v ? v == "true" : null;
    public bool? IsMarkerVisible => Attribute("isMarkerVisible") is { } v ? v == "true" : null;
    public string? ParticipantBandKind => Attribute("participantBandKind");
    public string? ChoreographyActivityShape => QNames.LocalPart(Attribute("choreographyActivityShape"));
}

public sealed class BpmnEdge(ElementInit init) : BpmnElement(init)
{
    public string? BpmnElementRef => QNames.LocalPart(Attribute("bpmnElement"));
    public string? SourceElement => QNames.LocalPart(Attribute("sourceElement"));
    public string? TargetElement => QNames.LocalPart(Attribute("targetElement"));
    public IEnumerable<Waypoint> Waypoints => ChildrenOf<Waypoint>();
    public BpmnLabel? Label => Child<BpmnLabel>();
    public string? MessageVisibleKind => Attribute("messageVisibleKind");
}

public sealed class BpmnLabel(ElementInit init) : BpmnElement(init)
{
    public Bounds? Bounds => Child<Bounds>();
    public string? LabelStyleRef => QNames.LocalPart(Attribute("labelStyle"));
}

public sealed class BpmnLabelStyle(ElementInit init) : BpmnElement(init)
{
    public Font? Font => Child<Font>();
}

public sealed class Font(ElementInit init) : BpmnElement(init)
{
    public string? FontName => Attribute("name");
    public double? Size => DiNumbers.Parse(Attribute("size"));
    public bool IsBold => BoolAttribute("isBold", false);
    public bool IsItalic => BoolAttribute("isItalic", false);
}

/// <summary>dc:Bounds — position and size of a shape or label.</summary>
public sealed class Bounds(ElementInit init) : BpmnElement(init)
{
    public double X => DiNumbers.Parse(Attribute("x")) ?? 0;
    public double Y => DiNumbers.Parse(Attribute("y")) ?? 0;
    public double Width => DiNumbers.Parse(Attribute("width")) ?? 0;
    public double Height => DiNumbers.Parse(Attribute("height")) ?? 0;
}

/// <summary>di:waypoint — one bend point of an edge.</summary>
public sealed class Waypoint(ElementInit init) : BpmnElement(init)
{
    public double X => DiNumbers.Parse(Attribute("x")) ?? 0;
    public double Y => DiNumbers.Parse(Attribute("y")) ?? 0;
}

internal static class DiNumbers
{
    public static double? Parse(string? s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}

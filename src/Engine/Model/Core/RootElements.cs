namespace EGov.Workflows.Model;

public sealed class Import(ElementInit init) : BaseElement(init)
{
    public string? ImportNamespace => Attribute("namespace");
    public string? Location => Attribute("location");
    public string? ImportType => Attribute("importType");
}

public sealed class ItemDefinition(ElementInit init) : BaseElement(init)
{
    public string? StructureRef => Attribute("structureRef");
    public string ItemKind => Attribute("itemKind") ?? "Information";
    public bool IsCollection => BoolAttribute("isCollection", false);
}

public sealed class Message(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public string? ItemRef => QNames.LocalPart(Attribute("itemRef"));
}

public sealed class Signal(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public string? StructureRef => QNames.LocalPart(Attribute("structureRef"));
}

public sealed class Error(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public string? ErrorCode => Attribute("errorCode");
    public string? StructureRef => QNames.LocalPart(Attribute("structureRef"));
}

public sealed class Escalation(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public string? EscalationCode => Attribute("escalationCode");
    public string? StructureRef => QNames.LocalPart(Attribute("structureRef"));
}

/// <summary>A category for groups (BPMN tCategory) and its values.</summary>
public sealed class Category(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public IEnumerable<CategoryValue> Values => ChildrenOf<CategoryValue>();
}

public sealed class CategoryValue(ElementInit init) : BaseElement(init)
{
    public string? Value => Attribute("value");
}

public sealed class Interface(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
    public IEnumerable<Operation> Operations => ChildrenOf<Operation>();
}

public sealed class Operation(ElementInit init) : BaseElement(init), INamed
{
    public string? ElementName => Attribute("name");
}

using EGov.Workflows.Model;
using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Dmn.Model;

/// <summary>
/// A DMN element with meaning for evaluation. Each keeps the XML element it was read from (<see cref="Source"/>): its
/// position for messages, and everything else of it (extensions, DMNDI, descriptions) for writing back.
/// </summary>
public abstract record DmnElement(string? Id, BpmnElement Source)
{
    public SourcePosition Position => Source.Position;
}

/// <summary>A type: a built-in FEEL type by name, a structure of components, a collection, with allowed values.</summary>
public sealed record ItemDefinition(string? Id, BpmnElement Source, string Name, string? TypeRef, string? AllowedValues, bool IsCollection,
    IReadOnlyList<ItemDefinition> Components, string? FunctionOutputTypeRef = null, IReadOnlyList<(string Name, string? TypeRef)>? FunctionParameters = null)
    : DmnElement(Id, Source);

/// <summary>A variable: the name and type a decision, input data or parameter is known by.</summary>
public sealed record DmnVariable(string Name, string? TypeRef);

/// <summary>Where an element of the graph points: <c>href="#id"</c>, or with a namespace for an imported model.</summary>
public sealed record DmnReference(string Href)
{
    public string Id => Href.Contains('#') ? Href[(Href.IndexOf('#') + 1)..] : Href;
    public string? Namespace => Href.Contains('#') && Href.IndexOf('#') > 0 ? Href[..Href.IndexOf('#')] : null;
}

public sealed record InputData(string? Id, BpmnElement Source, string Name, DmnVariable Variable) : DmnElement(Id, Source);

public sealed record Decision(string? Id, BpmnElement Source, string Name, DmnVariable Variable,
    IReadOnlyList<DmnReference> RequiredDecisions, IReadOnlyList<DmnReference> RequiredInputs, IReadOnlyList<DmnReference> RequiredKnowledge,
    BoxedExpression? Logic) : DmnElement(Id, Source);

public sealed record BusinessKnowledgeModel(string? Id, BpmnElement Source, string Name, DmnVariable Variable,
    FunctionDefinition? Logic, IReadOnlyList<DmnReference> RequiredKnowledge) : DmnElement(Id, Source);

public sealed record DecisionService(string? Id, BpmnElement Source, string Name, DmnVariable Variable,
    IReadOnlyList<DmnReference> OutputDecisions, IReadOnlyList<DmnReference> EncapsulatedDecisions,
    IReadOnlyList<DmnReference> InputDecisions, IReadOnlyList<DmnReference> InputData) : DmnElement(Id, Source);

/// <summary>An import of another DMN model (its elements are then named <c>importName.elementName</c>).</summary>
public sealed record DmnImport(string? Id, BpmnElement Source, string Name, string Namespace, string? LocationUri, string ImportType) : DmnElement(Id, Source);

/// <summary>A whole DMN file: its graph, types and imports, and the XML tree it was read from (for writing back unchanged).</summary>
public sealed record DmnDefinitions(string? Id, BpmnElement Source, string Name, string Namespace, string Version,
    IReadOnlyList<ItemDefinition> ItemDefinitions, IReadOnlyList<InputData> InputData, IReadOnlyList<Decision> Decisions,
    IReadOnlyList<BusinessKnowledgeModel> KnowledgeModels, IReadOnlyList<DecisionService> DecisionServices, IReadOnlyList<DmnImport> Imports)
    : DmnElement(Id, Source)
{
    public DmnElement? FindById(string id) =>
        (DmnElement?)Decisions.FirstOrDefault(d => d.Id == id) ?? (DmnElement?)InputData.FirstOrDefault(i => i.Id == id)
        ?? (DmnElement?)KnowledgeModels.FirstOrDefault(k => k.Id == id) ?? DecisionServices.FirstOrDefault(s => s.Id == id);

    /// <summary>A decision by id or, failing that, by name.</summary>
    public Decision? FindDecision(string idOrName) => Decisions.FirstOrDefault(d => d.Id == idOrName) ?? Decisions.FirstOrDefault(d => d.Name == idOrName);
}

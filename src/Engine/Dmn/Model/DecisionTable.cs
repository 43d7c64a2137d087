using EGov.Workflows.Model;

namespace EGov.Workflows.Dmn.Model;

/// <summary>A decision table's hit policy (DMN 1.5 §8.2.11); for Collect, <see cref="Aggregation"/> may sum, count, or take the min or max.</summary>
public enum HitPolicy { Unique, Any, Priority, First, RuleOrder, OutputOrder, Collect }

public enum Aggregation { None, Sum, Count, Min, Max }

/// <param name="InputVariable">Camunda 7's <c>camunda:inputVariable</c>: the name the input's value has in its rules' entries.</param>
public sealed record TableInput(string? Id, BpmnElement Source, string? Label, LiteralExpression Expression, string? InputValues, string? InputVariable = null) : DmnElement(Id, Source);

public sealed record TableOutput(string? Id, BpmnElement Source, string? Name, string? Label, string? TypeRef, string? OutputValues, LiteralExpression? DefaultOutput) : DmnElement(Id, Source);

/// <summary>One rule: an input entry per input (unary tests text) and an output entry per output (expression text).</summary>
public sealed record Rule(string? Id, BpmnElement Source, IReadOnlyList<LiteralExpression> InputEntries, IReadOnlyList<LiteralExpression> OutputEntries) : DmnElement(Id, Source);

public sealed record DecisionTable(string? Id, BpmnElement Source, string? TypeRef, HitPolicy HitPolicy, Aggregation Aggregation,
    IReadOnlyList<TableInput> Inputs, IReadOnlyList<TableOutput> Outputs, IReadOnlyList<Rule> Rules, string? OutputLabel) : BoxedExpression(Id, Source, TypeRef);

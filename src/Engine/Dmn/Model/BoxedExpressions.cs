using EGov.Workflows.Model;

namespace EGov.Workflows.Dmn.Model;

/// <summary>A boxed expression (DMN 1.5 §7): the logic of a decision, a context entry, a parameter binding, ….</summary>
public abstract record BoxedExpression(string? Id, BpmnElement Source, string? TypeRef) : DmnElement(Id, Source);

public sealed record LiteralExpression(string? Id, BpmnElement Source, string? TypeRef, string Text, string? ExpressionLanguage) : BoxedExpression(Id, Source, TypeRef);

public sealed record ContextEntry(DmnVariable? Variable, BoxedExpression? Value);

public sealed record DmnContext(string? Id, BpmnElement Source, string? TypeRef, IReadOnlyList<ContextEntry> Entries) : BoxedExpression(Id, Source, TypeRef);

public sealed record Binding(string Parameter, BoxedExpression? Value);

public sealed record Invocation(string? Id, BpmnElement Source, string? TypeRef, BoxedExpression? Called, IReadOnlyList<Binding> Bindings) : BoxedExpression(Id, Source, TypeRef);

public sealed record DmnList(string? Id, BpmnElement Source, string? TypeRef, IReadOnlyList<BoxedExpression> Items) : BoxedExpression(Id, Source, TypeRef);

public sealed record Relation(string? Id, BpmnElement Source, string? TypeRef, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<BoxedExpression?>> Rows) : BoxedExpression(Id, Source, TypeRef);

public enum FunctionKind { Feel, Java, Pmml }

public sealed record FunctionDefinition(string? Id, BpmnElement Source, string? TypeRef, IReadOnlyList<DmnVariable> Parameters, BoxedExpression? Body, FunctionKind Kind) : BoxedExpression(Id, Source, TypeRef);

public sealed record Conditional(string? Id, BpmnElement Source, string? TypeRef, BoxedExpression? If, BoxedExpression? Then, BoxedExpression? Else) : BoxedExpression(Id, Source, TypeRef);

public sealed record DmnFilter(string? Id, BpmnElement Source, string? TypeRef, BoxedExpression? In, BoxedExpression? Match) : BoxedExpression(Id, Source, TypeRef);

/// <summary>A boxed for, some or every (DMN 1.4+): the iterator variable over <see cref="In"/>, then the return or satisfies expression.</summary>
public sealed record Iterator(string? Id, BpmnElement Source, string? TypeRef, string Kind, string Variable, BoxedExpression? In, BoxedExpression? Body) : BoxedExpression(Id, Source, TypeRef);

/// <summary>An expression the reader does not know (a vendor's, or a future DMN's): kept for writing back, evaluated as an error.</summary>
public sealed record UnknownExpression(string? Id, BpmnElement Source, string? TypeRef) : BoxedExpression(Id, Source, TypeRef);

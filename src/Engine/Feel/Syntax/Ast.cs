namespace EGov.Workflows.Feel.Syntax;

/// <summary>A node of a parsed FEEL expression; <see cref="Offset"/> is where it starts in the text, for messages.</summary>
public abstract record Node(int Offset)
{
    /// <summary>The nodes directly below <paramref name="node"/> (the compiler's walks, the parser's depth check).</summary>
    internal static IEnumerable<Node> ChildrenOf(Node node) => node switch
    {
        NegateNode n => [n.Operand],
        ArithmeticNode a => [a.Left, a.Right],
        ComparisonNode c => [c.Left, c.Right],
        AndNode a => [a.Left, a.Right],
        OrNode o => [o.Left, o.Right],
        BetweenNode b => [b.Value, b.Low, b.High],
        InNode i => [i.Value, .. i.Tests],
        InstanceOfNode i => [i.Value],
        IfNode i => [i.Condition, i.Then, i.Else],
        ForNode f => [.. f.Iterations.Select(x => x.Source), .. f.Iterations.Select(x => x.RangeEnd).OfType<Node>(), f.Body],
        QuantifiedNode q => [.. q.Iterations.Select(x => x.Source), q.Condition],
        ListNode l => l.Items,
        ContextNode c => c.Entries.Select(e => e.Value),
        RangeNode r => new[] { r.Start, r.End }.OfType<Node>(),
        UnaryComparisonNode u => [u.Endpoint],
        FilterNode f => [f.Target, f.Filter],
        PathNode p => [p.Target],
        InvocationNode i => [i.Target, .. i.Positional, .. (i.Named ?? []).Select(n => n.Value)],
        FunctionNode f => [f.Body],
        _ => [],
    };
}

public sealed record LiteralNode(object? Value, int Offset) : Node(Offset);
public sealed record NameNode(string Name, int Offset) : Node(Offset);
/// <summary>The <c>?</c> of a unary test: the value being tested.</summary>
public sealed record InputValueNode(int Offset) : Node(Offset);
public sealed record NegateNode(Node Operand, int Offset) : Node(Offset);
public sealed record ArithmeticNode(string Operator, Node Left, Node Right, int Offset) : Node(Offset);
public sealed record ComparisonNode(string Operator, Node Left, Node Right, int Offset) : Node(Offset);
public sealed record AndNode(Node Left, Node Right, int Offset) : Node(Offset);
public sealed record OrNode(Node Left, Node Right, int Offset) : Node(Offset);
public sealed record BetweenNode(Node Value, Node Low, Node High, int Offset) : Node(Offset);
public sealed record InNode(Node Value, IReadOnlyList<Node> Tests, int Offset) : Node(Offset);
public sealed record InstanceOfNode(Node Value, TypeRef Type, int Offset) : Node(Offset);
public sealed record IfNode(Node Condition, Node Then, Node Else, int Offset) : Node(Offset);
public sealed record Iteration(string Name, Node Source, Node? RangeEnd);
public sealed record ForNode(IReadOnlyList<Iteration> Iterations, Node Body, int Offset) : Node(Offset);
public sealed record QuantifiedNode(bool Every, IReadOnlyList<Iteration> Iterations, Node Condition, int Offset) : Node(Offset);
public sealed record ListNode(IReadOnlyList<Node> Items, int Offset) : Node(Offset);
public sealed record ContextNode(IReadOnlyList<KeyValuePair<string, Node>> Entries, int Offset) : Node(Offset);
/// <summary>An interval literal (<c>[1..10)</c>) or a one-sided one from a unary comparison (<c>&lt; 10</c>: Start is null).</summary>
public sealed record RangeNode(Node? Start, bool StartIncluded, Node? End, bool EndIncluded, int Offset) : Node(Offset);
/// <summary>A unary comparison (<c>&lt; 10</c>, <c>!= "x"</c>) against the tested value.</summary>
public sealed record UnaryComparisonNode(string Operator, Node Endpoint, int Offset) : Node(Offset);
public sealed record FilterNode(Node Target, Node Filter, int Offset) : Node(Offset);
public sealed record PathNode(Node Target, string Name, int Offset) : Node(Offset);
public sealed record InvocationNode(Node Target, IReadOnlyList<Node> Positional, IReadOnlyList<KeyValuePair<string, Node>>? Named, int Offset) : Node(Offset);
public sealed record Parameter(string Name, TypeRef? Type);
public sealed record FunctionNode(IReadOnlyList<Parameter> Parameters, Node Body, bool External, int Offset) : Node(Offset);

/// <summary>Unary tests (a decision table's input entry): <c>-</c>, a list of tests, or its negation.</summary>
public sealed record UnaryTestsNode(IReadOnlyList<Node> Tests, bool Negated, bool Any, int Offset) : Node(Offset);

/// <summary>A FEEL type as written after <c>instance of</c> or in a parameter: <c>number</c>, <c>list&lt;string&gt;</c>, <c>context&lt;a: number&gt;</c>, <c>function&lt;number&gt; -&gt; string</c>.</summary>
public sealed record TypeRef(string Name, IReadOnlyList<TypeRef> Arguments, IReadOnlyList<KeyValuePair<string, TypeRef>>? Fields = null, TypeRef? Result = null)
{
    public override string ToString() => Name + (Arguments.Count > 0 ? "<" + string.Join(", ", Arguments) + ">" : "");
}

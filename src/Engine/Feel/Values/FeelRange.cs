namespace EGov.Workflows.Feel.Values;

/// <summary>
/// A FEEL range. An interval (<c>[1..10)</c>) has both endpoints; an endpoint written as null is unknown, so
/// membership is null. A unary comparison used as a value (<c>&lt; 10</c>, <c>= 10</c>) is a range too, its
/// <see cref="Operator"/> set and its missing side unbounded; DMN 1.5 keeps the two kinds apart in equality.
/// </summary>
public sealed record FeelRange(object? Start, bool StartIncluded, object? End, bool EndIncluded, string? Operator = null)
{
    public bool StartUnbounded => Operator is not null && Start is null;
    public bool EndUnbounded => Operator is not null && End is null;

    public override string ToString() => FeelFormat.Format(this);
}

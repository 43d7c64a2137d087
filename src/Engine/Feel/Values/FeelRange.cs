namespace EGov.Workflows.Feel.Values;

/// <summary>A FEEL range (interval): a null end is unbounded (<c>&lt; 10</c> is the range from nothing to 10, end excluded).</summary>
public sealed record FeelRange(object? Start, bool StartIncluded, object? End, bool EndIncluded)
{
    public override string ToString() => FeelFormat.Format(this);
}

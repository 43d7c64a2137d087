using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Execution;

/// <summary>A failure at an element that opens an incident there (the token stays before the element).</summary>
internal sealed class IncidentException(IncidentKind kind, string message) : Exception(message)
{
    public IncidentKind Kind { get; } = kind;
}

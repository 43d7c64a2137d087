namespace EGov.Workflows.Packs;

/// <summary>A pack that cannot be loaded; the message is one printable line <c>FILE: error: why</c> (several for several packs).</summary>
public sealed class PackException : Exception
{
    public PackException() { }
    public PackException(string message) : base(message) { }
    public PackException(string message, Exception inner) : base(message, inner) { }
}

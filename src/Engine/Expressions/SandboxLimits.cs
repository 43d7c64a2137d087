namespace EGov.Workflows.Expressions;

/// <summary>
/// The limits every expression, condition and script runs under. Jint is an in-process interpreter,
/// not a security boundary, so every limit is always set; none of them can be switched off.
/// </summary>
public sealed record SandboxLimits
{
    /// <summary>Statements one evaluation may execute. Must be positive (Jint treats 0 as unlimited, we never pass it).</summary>
    public int MaxStatements { get; init; } = 100_000;

    /// <summary>Wall-clock time one evaluation may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bytes one evaluation may allocate (measured by Jint on the executing thread).</summary>
    public long MemoryBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>Depth of nested JavaScript function calls.</summary>
    public int RecursionDepth { get; init; } = 64;

    /// <summary>Characters of source text accepted; longer sources are rejected before parsing.</summary>
    public int MaxSourceLength { get; init; } = 64 * 1024;

    /// <summary>The defaults above.</summary>
    public static SandboxLimits Default { get; } = new();

    internal void Validate()
    {
        if (MaxStatements <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxStatements), MaxStatements, "must be positive (0 would mean unlimited)");
        if (Timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "must be positive");
        if (MemoryBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(MemoryBytes), MemoryBytes, "must be positive");
        if (RecursionDepth <= 0)
            throw new ArgumentOutOfRangeException(nameof(RecursionDepth), RecursionDepth, "must be positive");
        if (MaxSourceLength <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxSourceLength), MaxSourceLength, "must be positive");
    }

    internal string DescribeTimeout() =>
        Timeout.TotalSeconds >= 1 && Timeout.TotalSeconds == Math.Floor(Timeout.TotalSeconds)
            ? $"{Timeout.TotalSeconds:0}s"
            : $"{Timeout.TotalMilliseconds:0.###}ms";

    internal string DescribeMemory() =>
        MemoryBytes % (1024 * 1024) == 0 ? $"{MemoryBytes / (1024 * 1024)} MB" : $"{MemoryBytes} bytes";
}

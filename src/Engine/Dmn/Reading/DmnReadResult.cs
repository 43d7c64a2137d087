using EGov.Workflows.Dmn.Model;
using EGov.Workflows.Model.Diagnostics;

namespace EGov.Workflows.Dmn.Reading;

/// <summary>What reading one DMN file gave: the model (null when the XML could not be read at all) and every problem found.</summary>
public sealed record DmnReadResult(string File, DmnDefinitions? Definitions, IReadOnlyList<Diagnostic> Diagnostics, int SuppressedDiagnostics = 0)
{
    public bool HasErrors => Definitions is null || Diagnostics.Any(d => d.Severity == Severity.Error);
    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == Severity.Error);
}

public sealed record DmnReaderOptions
{
    /// <summary>Files above this size are refused before parsing (the largest TCK model is about 200 KB).</summary>
    public long MaxBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Element nesting deeper than this is refused.</summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>When true (the default), every FEEL text is compiled and the graph's references are checked.</summary>
    public bool Check { get; init; } = true;
}

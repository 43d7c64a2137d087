using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Reading;

/// <summary>What reading one file gave: the model (null when the XML could not be read at all) and every problem found.</summary>
public sealed record BpmnReadResult(string File, Definitions? Definitions, IReadOnlyList<Diagnostic> Diagnostics, int SuppressedDiagnostics = 0)
{
    public bool HasErrors => Definitions is null || Diagnostics.Any(d => d.Severity == Severity.Error);
    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == Severity.Error);
    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => d.Severity == Severity.Warning);
}

public sealed record BpmnReaderOptions
{
    /// <summary>Files above this size are refused before parsing (a catalogue model is a few hundred KB; the largest real export we know, FIM/ADONIS, is 350 KB).</summary>
    public long MaxBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Element nesting deeper than this is refused (real models stay far below).</summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>When false, only well-formedness and the root element are checked (no reference checks).</summary>
    public bool CheckReferences { get; init; } = true;
}

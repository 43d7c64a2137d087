using EGov.Workflows.Model.Xml;

namespace EGov.Workflows.Model.Diagnostics;

public enum Severity { Warning, Error }

/// <summary>One problem found in a file, printed as <c>file:line:column: severity: message</c>.</summary>
public sealed record Diagnostic(string File, SourcePosition Position, Severity Severity, string Message)
{
    public override string ToString()
    {
        var where = Position.IsKnown ? $"{File}:{Position.Line}:{Position.Column}" : $"{File}:1:1";
        return $"{where}: {(Severity == Severity.Error ? "error" : "warning")}: {Message}";
    }
}

/// <summary>Collects diagnostics for one file; caps how many are kept so one broken file never floods a screen.</summary>
public sealed class DiagnosticBag(string file, int limit = DiagnosticBag.DefaultLimit)
{
    /// <summary>About one screen.</summary>
    public const int DefaultLimit = 50;

    private readonly List<Diagnostic> _items = [];

    public string File { get; } = file;
    public IReadOnlyList<Diagnostic> Items => _items;
    public int Suppressed { get; private set; }
    public bool HasErrors => _items.Any(d => d.Severity == Severity.Error);

    public void Error(SourcePosition at, string message) => Add(new Diagnostic(File, at, Severity.Error, message));

    public void Warning(SourcePosition at, string message) => Add(new Diagnostic(File, at, Severity.Warning, message));

    /// <summary>Once the limit is reached an error still displaces the latest warning: errors are what a reader must see.</summary>
    public void Add(Diagnostic d)
    {
        if (_items.Count < limit) { _items.Add(d); return; }
        Suppressed++;
        if (d.Severity != Severity.Error) return;
        var lastWarning = _items.FindLastIndex(x => x.Severity == Severity.Warning);
        if (lastWarning < 0) return;
        _items.RemoveAt(lastWarning);
        _items.Add(d);
    }
}

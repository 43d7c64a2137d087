using System.Collections.Concurrent;
using Acornima.Ast;
using Jint;

namespace EGov.Workflows.Expressions;

/// <summary>
/// Parsed scripts keyed by their source text. Bounded: when full, the cache is emptied and refills
/// with what is used (models have a few hundred distinct expressions at most, so this rarely happens).
/// </summary>
internal sealed class ScriptCache(int capacity)
{
    private readonly ConcurrentDictionary<string, Prepared<Script>> _entries = new(StringComparer.Ordinal);
    private long _parseCount;

    public long ParseCount => Interlocked.Read(ref _parseCount);

    public int Count => _entries.Count;

    public Prepared<Script> GetOrParse(string key, Func<string> toJavaScript)
    {
        if (_entries.TryGetValue(key, out var prepared))
            return prepared;
        prepared = Parse(toJavaScript());
        if (_entries.Count >= capacity)
            _entries.Clear();
        return _entries.GetOrAdd(key, prepared);
    }

    private Prepared<Script> Parse(string javaScript)
    {
        Interlocked.Increment(ref _parseCount);
        return Engine.PrepareScript(javaScript, source: null, strict: false,
            options: new ScriptPreparationOptions { CollectReferencedGlobals = true });
    }
}

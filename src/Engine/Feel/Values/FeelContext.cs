namespace EGov.Workflows.Feel.Values;

/// <summary>
/// A FEEL context: entries in the order they were defined, looked up by name. Immutable once handed out;
/// <see cref="With"/> makes a changed copy (context put, context merge).
/// </summary>
public sealed class FeelContext
{
    private readonly List<KeyValuePair<string, object?>> _entries;
    private readonly Dictionary<string, int> _index;

    public FeelContext() : this(new List<KeyValuePair<string, object?>>(), new Dictionary<string, int>(StringComparer.Ordinal)) { }

    private FeelContext(List<KeyValuePair<string, object?>> entries, Dictionary<string, int> index)
    {
        _entries = entries;
        _index = index;
    }

    public static FeelContext From(IEnumerable<KeyValuePair<string, object?>> entries)
    {
        var c = new FeelContext();
        foreach (var e in entries) c.Set(e.Key, e.Value);
        return c;
    }

    public int Count => _entries.Count;

    public IReadOnlyList<KeyValuePair<string, object?>> Entries => _entries;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public bool ContainsKey(string key) => _index.ContainsKey(key);

    public bool TryGet(string key, out object? value)
    {
        if (_index.TryGetValue(key, out var i)) { value = _entries[i].Value; return true; }
        value = null;
        return false;
    }

    public object? this[string key] => TryGet(key, out var v) ? v : null;

    /// <summary>Adds or replaces an entry while the context is being built (by the compiler or a reader).</summary>
    internal void Set(string key, object? value)
    {
        if (_index.TryGetValue(key, out var i)) _entries[i] = new(key, value);
        else
        {
            _index[key] = _entries.Count;
            _entries.Add(new(key, value));
        }
    }

    /// <summary>Adds or replaces an entry of a context under construction (a boxed context, entry by entry); never on one handed out.</summary>
    public void SetEntry(string key, object? value) => Set(key, value);

    /// <summary>A copy with one entry added or replaced.</summary>
    public FeelContext With(string key, object? value)
    {
        var copy = new FeelContext(new List<KeyValuePair<string, object?>>(_entries), new Dictionary<string, int>(_index, StringComparer.Ordinal));
        copy.Set(key, value);
        return copy;
    }

    public override string ToString() => FeelFormat.Format(this);
}

using System.Collections;

namespace EGov.Workflows.Runtime;

/// <summary>
/// A list read from the store the first time it is looked at, then kept: a view's part that most readers never touch
/// (a case page asks for the instance's state and variables; its history comes page by page from its own request) costs
/// no query unless a reader needs it.
/// </summary>
internal sealed class DeferredList<T>(Func<IReadOnlyList<T>> read) : IReadOnlyList<T>
{
    private readonly Lazy<IReadOnlyList<T>> _items = new(read, LazyThreadSafetyMode.ExecutionAndPublication);

    public T this[int index] => _items.Value[index];

    public int Count => _items.Value.Count;

    public IEnumerator<T> GetEnumerator() => _items.Value.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

using System.Runtime.ExceptionServices;

namespace EGov.Workflows.Runtime;

/// <summary>
/// Work over many independent items (the models of a processes folder: reading, building, writing, hashing each is most
/// of a first deploy) on every core, with the results in the items' order — and what the work throws thrown as one item
/// after the other would: the first item's exception itself, not an <see cref="AggregateException"/>, so a refused model
/// reads the same however many cores the node has.
/// </summary>
public static class EveryCore
{
    /// <summary>Below this many items the work runs on the caller's thread (starting workers costs more than it saves).</summary>
    public const int Minimum = 8;

    /// <summary><paramref name="work"/> for 0 … count − 1; each call may only read what other calls read too.</summary>
    public static T[] Map<T>(int count, Func<int, T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var results = new T[count];
        if (count < Minimum || Environment.ProcessorCount == 1)
        {
            for (var i = 0; i < count; i++) results[i] = work(i);
            return results;
        }
        var thrown = new Exception?[count];
        Parallel.For(0, count, i =>
        {
            try { results[i] = work(i); }
            catch (Exception e) { thrown[i] = e; }
        });
        if (Array.Find(thrown, e => e is not null) is { } first) ExceptionDispatchInfo.Capture(first).Throw();
        return results;
    }
}

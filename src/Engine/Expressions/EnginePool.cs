using Jint;

namespace EGov.Workflows.Expressions;

/// <summary>
/// A few Jint engines kept for reuse, so an evaluation that cannot change its engine does not pay for a new one
/// (about 13 KB and tens of microseconds each). An engine is used by one thread at a time: <see cref="Rent"/> takes
/// it out of the pool, <see cref="Return"/> puts it back; the caller returns only an engine it left as it found it.
/// </summary>
internal sealed class EnginePool(Func<Engine> create)
{
    // Enough for every core to have one in use and one spare; more would only hold memory.
    private readonly Engine?[] _slots = new Engine?[Math.Max(4, Environment.ProcessorCount * 2)];
    private long _created;

    /// <summary>Engines this pool had to create (for tests: reuse shows as a count that stops growing).</summary>
    public long Created => Interlocked.Read(ref _created);

    public Engine Rent()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            var engine = Interlocked.Exchange(ref _slots[i], null);
            if (engine is not null)
                return engine;
        }
        Interlocked.Increment(ref _created);
        return create();
    }

    public void Return(Engine engine)
    {
        for (var i = 0; i < _slots.Length; i++)
            if (Interlocked.CompareExchange(ref _slots[i], engine, null) is null)
                return;
        engine.Dispose();
    }
}

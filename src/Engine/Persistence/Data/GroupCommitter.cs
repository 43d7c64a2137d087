using System.Runtime.ExceptionServices;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Persistence.Data;

/// <summary>
/// Groups the commits that arrive together, for one writer at a time: whoever finds the writer free leads — it writes its
/// change set and everything queued by then (at most <see cref="MaxGroup"/>) through <see cref="WriteGroup"/>, then hands
/// the writer to the first caller that queued meanwhile, who takes everything queued by then. The others sleep until
/// their group is written: each caller is woken once, to return or to lead, and no lock is held while the database works.
/// Every caller returns only after the commit that holds its change set, or with its own error. Sequential callers get a
/// group of one. The provider decides how a group is written (SQLite: one transaction with a savepoint per change set;
/// PostgreSQL: one batch and one COMMIT).
/// </summary>
internal abstract class GroupCommitter : IChangeSetCommitter
{
    private readonly object _lock = new(); // guards _queue and _writing; never held while writing
    private readonly Queue<Pending> _queue = new();
    private bool _writing;

    /// <param name="maxGroup">The most change sets one group takes; the rest wait for the next.</param>
    protected GroupCommitter(int maxGroup) => MaxGroup = maxGroup;

    public int MaxGroup { get; }

    /// <summary>The most change sets one group held (tests: did commits group at all).</summary>
    public int LargestGroup { get; private set; }

    /// <summary>Callers waiting for the writer now (tests: a group forms behind a slow commit).</summary>
    public int Queued
    {
        get { lock (_lock) return _queue.Count; }
    }

    /// <summary>Commits <paramref name="changes"/> (maybe with others); throws what failed it.</summary>
    public void Commit(RuntimeChangeSet changes)
    {
        var mine = new Pending(changes);
        lock (_lock)
        {
            if (_writing) _queue.Enqueue(mine.Waiting());
            else _writing = true;
        }
        if (mine.Signal is { } signal)
        {
            signal.Wait(); // not disposed: the leader may still be inside Set(); without a wait handle there is nothing to free
            if (mine.Done)
            {
                if (mine.Error is { } e) ExceptionDispatchInfo.Throw(e);
                return;
            }
        }
        Lead(mine);
        if (mine.Error is { } error) ExceptionDispatchInfo.Throw(error);
    }

    private void Lead(Pending mine)
    {
        List<Pending> group = [mine];
        lock (_lock)
            while (group.Count < MaxGroup && _queue.TryDequeue(out var p)) group.Add(p);
        try
        {
            LargestGroup = Math.Max(LargestGroup, group.Count);
            WriteGroup(group);
        }
        catch (Exception e)
        {
            foreach (var p in group) p.Error ??= e;
        }
        finally
        {
            foreach (var p in group)
                if (p != mine) p.Finish();
            Pending? next = null;
            lock (_lock)
                if (!_queue.TryDequeue(out next)) _writing = false;
            next?.Signal!.Set(); // not done: it leads the next group
        }
    }

    /// <summary>
    /// Writes and commits <paramref name="group"/>: sets <see cref="Pending.Error"/> on each change set that failed (an
    /// exception thrown from here fails every change set that has no error yet).
    /// </summary>
    protected abstract void WriteGroup(List<Pending> group);

    public abstract void Dispose();

    /// <summary>One caller's change set and what became of it.</summary>
    protected internal sealed class Pending(RuntimeChangeSet changes)
    {
        public RuntimeChangeSet Changes { get; } = changes;
        public Exception? Error { get; set; }

        /// <summary>Set before <see cref="Signal"/> wakes a caller whose group committed (or failed); unset: lead.</summary>
        public bool Done { get; private set; }

        /// <summary>Only for a caller that queued: woken once. Little spinning: on a few cores the writer needs them.</summary>
        public ManualResetEventSlim? Signal { get; private set; }

        public Pending Waiting()
        {
            Signal = new ManualResetEventSlim(false, spinCount: 1);
            return this;
        }

        public void Finish()
        {
            Done = true;
            Signal!.Set();
        }
    }
}

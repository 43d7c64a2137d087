using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Lifecycle;

/// <summary>
/// (Issue 21, item 6) Where request handlers do their blocking work — engine commands, store reads and commits — instead of
/// on the thread pool: a fixed number of dedicated threads take the work from a bounded queue, and the handler awaits it
/// without holding a pool thread. The pool stays free for what must never wait on the store (accepting connections,
/// reading requests, writing answers, <c>/health/live</c>), so a node started or restarted under concurrent load answers
/// from its first requests on, and no request times out waiting for a pool thread (thread-pool starvation on two cores:
/// the pool adds threads past its floor only about twice a second). A full queue is refused at once with 503 and
/// <c>Retry-After</c> instead of queueing without end. The caller's execution context (trace, log scope, the HTTP
/// context accessor) flows to the lane's thread.
/// </summary>
public sealed class CommandLane : IDisposable
{
    private readonly BlockingCollection<IWork> _queue;
    private readonly Thread[] _threads;

    /// <param name="threads">Dedicated threads (<see cref="ServeOptions.CommandThreads"/>).</param>
    /// <param name="capacity">Work items that may wait for a thread (<see cref="ServeOptions.CommandQueue"/>); beyond: <see cref="CommandLaneFullException"/>.</param>
    public CommandLane(int threads, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _queue = new BlockingCollection<IWork>(new ConcurrentQueue<IWork>(), capacity);
        _threads = new Thread[threads];
        for (var n = 0; n < threads; n++)
        {
            _threads[n] = new Thread(Loop) { IsBackground = true, Name = $"egov-command-{n + 1}" };
            _threads[n].Start();
        }
    }

    /// <summary>The dedicated threads.</summary>
    public int Threads => _threads.Length;

    /// <summary>Work waiting for a thread now.</summary>
    public int Queued => _queue.Count;

    /// <summary>
    /// Runs <paramref name="work"/> on a lane thread; the task completes (on the pool, never inline on the lane) with its
    /// result or exception. After <see cref="Dispose"/> the work runs on the caller's thread.
    /// </summary>
    /// <exception cref="CommandLaneFullException">The queue is full: nothing ran.</exception>
    public Task<T> RunAsync<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var item = new Work<T>(work, ExecutionContext.Capture());
        bool added;
        try { added = _queue.TryAdd(item); }
        catch (InvalidOperationException) // stopping: no lane any more
        {
            item.Run();
            return item.Task;
        }
        return added ? item.Task : throw new CommandLaneFullException(_queue.BoundedCapacity);
    }

    private void Loop()
    {
        foreach (var work in _queue.GetConsumingEnumerable()) work.Run();
    }

    /// <summary>Lets the queued work finish (up to 5 s), then ends the threads.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var t in _threads) t.Join(TimeSpan.FromSeconds(5));
        _queue.Dispose();
    }

    private interface IWork
    {
        void Run();
    }

    private sealed class Work<T>(Func<T> work, ExecutionContext? context) : IWork
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _done.Task;

        public void Run()
        {
            if (context is null) Execute();
            else ExecutionContext.Run(context, static w => ((Work<T>)w!).Execute(), this);
        }

        private void Execute()
        {
            try { _done.SetResult(work()); }
            catch (Exception e) { _done.SetException(e); }
        }
    }
}

/// <summary>The command lane's queue is full: the node is overloaded; the request should be repeated a little later.</summary>
public sealed class CommandLaneFullException(int capacity)
    : Exception($"the server is busy: {capacity} requests already wait for a command thread; repeat the request in a moment");

/// <summary>Runs endpoints' handlers on the <see cref="CommandLane"/>.</summary>
public static class CommandLaneEndpoints
{
    /// <summary>
    /// The endpoint's handler runs on the command lane (when the server has one): its parameters are bound (the body read)
    /// on the pool without blocking, then the handler — which waits on the store — runs on a lane thread, and the answer is
    /// written on the pool again. A full lane answers 503 with <c>Retry-After: 1</c>.
    /// </summary>
    public static RouteGroupBuilder OnCommandLane(this RouteGroupBuilder group, Microsoft.AspNetCore.Routing.IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.ServiceProvider.GetService<CommandLane>() is null ? group : group.OnCommandLane(); // no lane configured: no filter at all
    }

    /// <summary>As above, unconditionally (the filter passes through when the server has no lane).</summary>
    public static TBuilder OnCommandLane<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static async (context, next) =>
        {
            if (context.HttpContext.RequestServices.GetService<CommandLane>() is not { } lane) return await next(context);
            Task<object?> handled;
            try { handled = await lane.RunAsync(() => next(context).AsTask()); }
            catch (CommandLaneFullException e)
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Server busy");
            }
            return await handled;
        });
}

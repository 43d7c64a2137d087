using System.Collections.Concurrent;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// The instances a test starts, as a careful client would: each has a business key; a start the server answered is
/// acknowledged (its id known); a start whose server died before answering is uncertain until the database says whether
/// it happened, and is started again only when it did not. So every key ends with exactly one instance, or a bug shows.
/// </summary>
public sealed class InstanceLoad
{
    private readonly ConcurrentQueue<int> _pending = new();
    private readonly ConcurrentDictionary<int, string> _acknowledged = new();
    private readonly ConcurrentDictionary<int, byte> _uncertain = new();
    private readonly ConcurrentBag<string> _refused = [];

    public InstanceLoad(int count)
    {
        Count = count;
        for (var n = 0; n < count; n++) _pending.Enqueue(n);
    }

    public int Count { get; }
    public int Acknowledged => _acknowledged.Count;
    public int Uncertain => _uncertain.Count;
    /// <summary>Starts answered 503 (the store unavailable): how a store outage was reported to the clients.</summary>
    public int Unavailable => Volatile.Read(ref _unavailable);
    private int _unavailable;

    /// <summary>The first 503 answer as the client saw it (status and problem body), for the faults table.</summary>
    public string? FirstUnavailable => _firstUnavailable;
    private string? _firstUnavailable;

    /// <summary>
    /// A careful client of a server that stops gracefully: a 503 (nothing was done) puts the start back as pending and this
    /// worker waits the answer's Retry-After; a refused connection (no server listening: nothing was sent) does the same.
    /// Off by default: for the fault tests a 503 is a refusal to report.
    /// </summary>
    public bool RetryWhenUnavailable { get; init; }

    /// <summary>
    /// The least time a worker lets pass between two of its starts (none by default): a load that must still be running when
    /// something slow ends (a backup taken under load) is paced instead of racing through its budget first.
    /// </summary>
    public TimeSpan Pace { get; init; }

    /// <summary>Starts whose connection broke after the request was sent (no answer at all): a graceful stop has none.</summary>
    public int Broken => _broken;

    /// <summary>Why the broken ones broke (for failure messages).</summary>
    public IReadOnlyCollection<string> BrokenBy => _brokenBy;

    private readonly ConcurrentBag<string> _brokenBy = [];
    private int _broken;

    /// <summary>Answers the server gave that are not 201 (a start that fails without a crash is a bug, not bad luck).</summary>
    public IReadOnlyCollection<string> Refused => _refused;

    /// <summary>Started instances: n → instance id.</summary>
    public IReadOnlyDictionary<int, string> Instances => _acknowledged;

    public static string BusinessKey(int n) => $"R-{n}";

    /// <summary>
    /// Starts up to <paramref name="max"/> pending instances, <paramref name="parallel"/> at a time, spread over the clients,
    /// until <paramref name="stop"/> fires. Completes <paramref name="firstAcknowledged"/> when the server first answers.
    /// </summary>
    public async Task StartAsync(IReadOnlyList<EngineClient> clients, int max, int parallel, CancellationToken stop, TaskCompletionSource? firstAcknowledged = null)
    {
        var budget = max;
        var next = 0;
        var workers = Enumerable.Range(0, parallel).Select(async _ =>
        {
            while (!stop.IsCancellationRequested && Interlocked.Decrement(ref budget) >= 0 && _pending.TryDequeue(out var n))
            {
                var client = clients[Interlocked.Increment(ref next) % clients.Count];
                if (Pace > TimeSpan.Zero) await Delay(Pace, stop);
                try
                {
                    _acknowledged[n] = await client.StartAsync(ReliabilityModel.ProcessId, ReliabilityModel.StartVariables(n), BusinessKey(n));
                    firstAcknowledged?.TrySetResult();
                }
                catch (UnexpectedAnswerException e) when (RetryWhenUnavailable && e.Status == 503)
                {
                    Interlocked.Increment(ref _unavailable);
                    _pending.Enqueue(n);
                    await Delay(TimeSpan.FromSeconds(5), stop);
                }
                catch (UnexpectedAnswerException e) when (e.Status == 503)
                {
                    // The store is away (503 with Retry-After): treated like a connection lost mid-request — a commit whose
                    // answer the database dropped may still have happened — and settled from the database afterwards.
                    Interlocked.Increment(ref _unavailable);
                    Interlocked.CompareExchange(ref _firstUnavailable, e.Message, null);
                    _uncertain[n] = 0;
                }
                catch (UnexpectedAnswerException e)
                {
                    _refused.Add(e.Message);
                }
                catch (HttpRequestException e) when (RetryWhenUnavailable && e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
                {
                    _pending.Enqueue(n); // nobody listens: the request was never sent
                    await Delay(TimeSpan.FromMilliseconds(500), stop);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                    Interlocked.Increment(ref _broken);
                    _brokenBy.Add($"{e.GetType().Name}: {e.Message} ({e.InnerException?.Message})");
                    _uncertain[n] = 0; // the server went away mid-request: it may or may not have committed the start
                }
            }
        });
        await Task.WhenAll(workers);
    }

    private static async Task Delay(TimeSpan wait, CancellationToken stop)
    {
        try { await Task.Delay(wait, stop); }
        catch (OperationCanceledException) { }
    }

    /// <summary>Settles the uncertain starts from the database: a key that has an instance is acknowledged, the others pending again.</summary>
    public async Task SettleAsync(StoreProbe probe)
    {
        var byKey = await probe.InstancesByBusinessKeyAsync();
        foreach (var n in _uncertain.Keys.ToList())
        {
            _uncertain.TryRemove(n, out _);
            if (byKey.TryGetValue(BusinessKey(n), out var found) && found.Count > 0) _acknowledged[n] = found[0].Id;
            else _pending.Enqueue(n);
        }
    }

    public bool AllStarted => _acknowledged.Count == Count;
}

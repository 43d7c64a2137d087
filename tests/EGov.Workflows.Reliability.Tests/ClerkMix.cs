using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// Many clients doing a clerk's day on a cluster (issue 15, item 7): start a case (the citizen portal, a machine client),
/// list the group inbox, open a case (instance and history), complete a task from the inbox (a clerk's session). Each
/// client is a careful one: every write carries an <c>Idempotency-Key</c>; a refused connection (a dead node: nothing was
/// sent) goes to another node at once; a request without an answer (connection reset, timeout) or a 503 (the store away)
/// is sent again with the same key after a pause, on another node, until it gets an answer. So a write is acknowledged
/// exactly when some node answered it, and sending it again must never do it twice. Latencies are kept per kind for p50/p99.
/// </summary>
public sealed class ClerkMix(IReadOnlyList<Uri> nodes, Func<Uri, ClerkSession> clerkOn, Func<Uri, EngineClient> machineOn)
{
    public const string ApprovalProcess = "Approval";

    private readonly Uri?[] _nodes = [.. nodes];
    private readonly ConcurrentDictionary<Uri, ClerkSession> _clerks = new();
    private readonly ConcurrentDictionary<Uri, EngineClient> _machines = new();
    private readonly ConcurrentQueue<string> _inboxTasks = new();
    // Tasks already handed to a clerk: every clerk lists the same group inbox, and without this most completions were of the
    // same few tasks (the full run of 2026-12-04: 70 completed, 5,358 lost races) — clerks of one Postkorb take different ones.
    private readonly ConcurrentDictionary<string, byte> _handedOut = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _instances = new(); // business key → instance id (acknowledged)
    private readonly ConcurrentDictionary<string, string> _completions = new(); // task id → op id (acknowledged 200)
    private readonly ConcurrentDictionary<string, byte> _uncertainStarts = new(); // business keys never answered
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latency = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<string> _unexpected = [];
    private int _keys, _rerouted, _resent, _unavailable, _conflicts, _readsFailed;

    /// <summary>Reads (inbox, open case) that got no answer: a dead node or a timeout.</summary>
    public int ReadsFailed => _readsFailed;

    /// <summary>Starts acknowledged: business key → instance id.</summary>
    public IReadOnlyDictionary<string, string> Instances => _instances;

    /// <summary>Completions acknowledged with 200: task id → the op id the clerk sent with it.</summary>
    public IReadOnlyDictionary<string, string> Completions => _completions;

    /// <summary>Starts that got no answer by the end of the run (each may or may not exist, never twice).</summary>
    public IReadOnlyCollection<string> UncertainStarts => (IReadOnlyCollection<string>)_uncertainStarts.Keys;

    /// <summary>Answers that break a rule (a 5xx other than 503, a 4xx other than the expected races).</summary>
    public IReadOnlyCollection<string> Unexpected => _unexpected;

    public int Rerouted => _rerouted;
    public int Resent => _resent;
    public int Unavailable => _unavailable;
    /// <summary>Completions that lost the race for a task (409/404: another clerk was first) — expected, not errors.</summary>
    public int Conflicts => _conflicts;

    /// <summary>A node went away (null) or came back at another address.</summary>
    public void SetNode(int index, Uri? address) => Volatile.Write(ref _nodes[index], address);

    /// <summary>Runs <paramref name="clients"/> clients until <paramref name="stop"/>; each write still in flight is finished (sent again until answered) within <paramref name="grace"/> after it.</summary>
    public async Task RunAsync(int clients, int seed, TimeSpan grace, CancellationToken stop)
    {
        using var finish = new CancellationTokenSource();
        await using var _ = stop.Register(() => finish.CancelAfter(grace));
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c, new Random(seed + c), stop, finish.Token))));
    }

    private async Task ClientAsync(int client, Random random, CancellationToken stop, CancellationToken finish)
    {
        var node = client;
        while (!stop.IsCancellationRequested)
        {
            var roll = random.Next(100);
            try
            {
                if (roll < 25) await StartAsync(client, () => node++, finish);
                else if (roll < 55) await InboxAsync(() => node++);
                else if (roll < 75) await OpenCaseAsync(random, () => node++);
                else await CompleteAsync(client, () => node++, finish);
            }
            catch (OperationCanceledException) when (finish.IsCancellationRequested) { return; }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                Interlocked.Increment(ref _readsFailed); // a read on a node that died or a request that timed out: harmless, the clerk clicks again
            }
            // Think time: a clerk reads before the next click (short: the run is about load).
            try { await Task.Delay(random.Next(0, 50), stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    private Uri Node(Func<int> next)
    {
        for (var i = 0; i < 100; i++)
            if (Volatile.Read(ref _nodes[(uint)next() % _nodes.Length]) is { } up) return up;
        throw new InvalidOperationException("no node is up");
    }

    private async Task StartAsync(int client, Func<int> next, CancellationToken finish)
    {
        // One start in five is the reliability model: service tasks and timers run as jobs on any node (each exactly once).
        var n = Interlocked.Increment(ref _keys);
        var automated = n % 5 == 0;
        var key = automated ? InstanceLoad.BusinessKey(n) : $"C-{n}";
        var idempotency = Guid.NewGuid().ToString("N");
        _uncertainStarts[key] = 0;
        var answer = await UntilAnsweredAsync("start", next, node =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, $"api/process-definitions/{(automated ? ReliabilityModel.ProcessId : ApprovalProcess)}/start"))
            {
                Content = automated
                    ? JsonContent.Create(new { businessKey = key, variables = ReliabilityModel.StartVariables(n) })
                    : JsonContent.Create(new { businessKey = key, variables = new { client } }),
            };
            request.Headers.Add("Idempotency-Key", idempotency);
            return (machineOn(node), request);
        }, finish);
        if (answer is null) return; // still uncertain at the end of the run
        _uncertainStarts.TryRemove(key, out _);
        if (answer.Value.Status == 201) _instances[key] = JsonNode.Parse(answer.Value.Body)!["id"]!.GetValue<string>();
        else _unexpected.Add($"start {key}: {answer.Value.Status} {answer.Value.Body}");
    }

    private async Task InboxAsync(Func<int> next)
    {
        var node = Node(next);
        var (status, body) = await TimedAsync("inbox", () => clerkOn(node).GetAsync("api/tasks?view=group&limit=50"));
        if (status == 200)
        {
            foreach (var t in JsonNode.Parse(body)!["items"]!.AsArray())
                if (_inboxTasks.Count < 5000 && t!["id"]!.GetValue<string>() is var id && _handedOut.TryAdd(id, 0)) _inboxTasks.Enqueue(id);
        }
        else Judge("inbox", status, body);
    }

    private async Task OpenCaseAsync(Random random, Func<int> next)
    {
        var known = _instances.Values.ToArray(); // a snapshot; fine for picking one
        if (known.Length == 0) return;
        var id = known[random.Next(known.Length)];
        var node = Node(next);
        var (status, body) = await TimedAsync("open case", () => machineOn(node).GetRawAsync($"api/process-instances/{id}"));
        if (status != 200) { Judge("open case", status, body); return; }
        (status, body) = await TimedAsync("case history", () => machineOn(node).GetRawAsync($"api/process-instances/{id}/history"));
        if (status != 200) Judge("case history", status, body);
    }

    private async Task CompleteAsync(int client, Func<int> next, CancellationToken finish)
    {
        if (!_inboxTasks.TryDequeue(out var taskId)) return;
        var op = $"op-{client}-{Guid.NewGuid():N}";
        var idempotency = Guid.NewGuid().ToString("N");
        var answer = await UntilAnsweredAsync("complete", next, node =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, $"api/tasks/{Uri.EscapeDataString(taskId)}/complete"))
            {
                Content = JsonContent.Create(new { variables = new { op } }),
            };
            request.Headers.Add("Idempotency-Key", idempotency);
            return (clerkOn(node), request);
        }, finish);
        if (answer is null) return;
        switch (answer.Value.Status)
        {
            case 200: _completions[taskId] = op; break;
            case 404 or 409: Interlocked.Increment(ref _conflicts); break; // another clerk completed it first
            default: _unexpected.Add($"complete {taskId}: {answer.Value.Status} {answer.Value.Body}"); break;
        }
    }

    /// <summary>
    /// Sends a write until a node answers other than 503: a refused connection goes to the next node at once (nothing was
    /// sent); a lost answer or a 503 is sent again with the same key after a pause. Null when <paramref name="finish"/> came first.
    /// </summary>
    private async Task<(int Status, string Body)?> UntilAnsweredAsync(string kind, Func<int> next,
        Func<Uri, (ISender Sender, HttpRequestMessage Request)> build, CancellationToken finish)
    {
        for (var attempt = 0; !finish.IsCancellationRequested; attempt++)
        {
            var node = Node(next);
            var (sender, request) = build(node);
            try
            {
                var (status, body) = await TimedAsync(kind, () => sender.SendAsync(request, finish));
                if (status != 503) return (status, body);
                Interlocked.Increment(ref _unavailable);
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                Interlocked.Increment(ref _rerouted);
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or IOException || e is TaskCanceledException && !finish.IsCancellationRequested)
            {
                // No answer: the node died or the request timed out; it may have been done. Same key again.
            }
            finally { request.Dispose(); }
            Interlocked.Increment(ref _resent);
            try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 200 * (attempt + 1))), finish); }
            catch (OperationCanceledException) { break; }
        }
        return null;
    }

    private async Task<(int Status, string Body)> TimedAsync(string kind, Func<Task<(int, string)>> call)
    {
        var clock = Stopwatch.StartNew();
        var result = await call();
        if (result.Item1 is >= 200 and < 500) _latency.GetOrAdd(kind, _ => []).Add(clock.Elapsed.TotalMilliseconds);
        return result;
    }

    private void Judge(string kind, int status, string body)
    {
        if (status == 503) Interlocked.Increment(ref _unavailable);
        else _unexpected.Add($"{kind}: {status} {body[..Math.Min(body.Length, 300)]}");
    }

    /// <summary>Requests answered per kind with p50/p99 in ms (answers 2xx–4xx; refusals and lost answers have no latency).</summary>
    public IEnumerable<string> LatencyLines() => _latency.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv =>
    {
        var sorted = kv.Value.Order().ToArray();
        double P(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return $"{kv.Key}: {sorted.Length} answered, p50 {P(0.50):0} ms, p99 {P(0.99):0} ms, max {sorted.LastOrDefault():0} ms";
    });

    /// <summary>Something that sends a prepared request and reads status and body (a clerk's session or a machine client).</summary>
    public interface ISender
    {
        Task<(int Status, string Body)> SendAsync(HttpRequestMessage request, CancellationToken cancel);
    }
}

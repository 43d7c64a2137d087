using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Persistence;
using Microsoft.AspNetCore.Http;
using NodaTime;

namespace EGov.Workflows.Host.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on starting a process: a client that retries (a timeout, a lost answer) sends the same key, and
/// the server answers the first answer again instead of starting a second case. The key is the caller's (another identity's
/// key is another key), per tenant. A new instance's id is derived from the key, so even when the first answer was never
/// recorded (the node died right after the commit) the repeat finds the instance and starts nothing; a repeat with another
/// body under the same key is refused with 422. Records live in the store (<c>idempotency_keys</c>) on durable stores,
/// in memory otherwise.
/// </summary>
public sealed class IdempotentRequests(StoreChoice store)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";
    private const int MaxKeyLength = 200;

    private readonly ConcurrentDictionary<(string, string), IdempotencyRecord> _memory = new();

    /// <summary>The request's key, scoped to its caller; null without the header. 400 for a key that is empty, too long or not printable ASCII.</summary>
    public static string? KeyOf(HttpContext http)
    {
        if (!http.Request.Headers.TryGetValue(Header, out var values)) return null;
        var key = values.ToString().Trim();
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
            throw ApiProblemException.BadRequest($"{Header} must be 1–{MaxKeyLength} printable ASCII characters (e.g. a UUID)", $"{Header}: 6f1c7f2e-0b1d-4a36-9a52-3f6c2b1d9e10");
        var caller = http.FindCaller()?.Id ?? "";
        return caller + "\u001f" + key;
    }

    /// <summary>What a request was: its operation and body, hashed (a repeat must match).</summary>
    public static string Hash(string operation, string canonicalBody) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(operation + "\n" + canonicalBody)));

    /// <summary>The instance id a start under this key creates (32 hex digits), the same on every node.</summary>
    public static string InstanceId(string tenantId, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"egov:idempotency\n{tenantId}\n{key}")).AsSpan(0, 16));

    public IdempotencyRecord? Find(string tenantId, string key) =>
        store.Store is EfRuntimeStore ef ? ef.FindIdempotencyRecord(tenantId, key) : _memory.GetValueOrDefault((tenantId, key));

    /// <summary>Records the first answer (best effort: without it a repeat still finds the instance by its derived id).</summary>
    public void Save(string tenantId, IdempotencyRecord record)
    {
        PurgeNowAndThen();
        if (store.Store is EfRuntimeStore ef) ef.SaveIdempotencyRecord(tenantId, record);
        else _memory.TryAdd((tenantId, record.Key), record);
    }

    /// <summary>
    /// A command under the request's <c>Idempotency-Key</c> (when it has one): the first time it runs and its answer
    /// (<paramref name="status"/> with the JSON of its result, or no body when the result is null) is recorded; a repeat with
    /// the same body gets that answer again (header <c>Idempotency-Replayed: true</c>) and runs nothing; another request under
    /// the key is 422. Errors are not recorded: a request that failed may be sent again. The record is written after the
    /// command's commit (a node that dies in between runs a repeat again; for completions that is a 409, for messages a second
    /// correlation); the start of an instance closes that gap with an id derived from the key.
    /// </summary>
    public IResult Once(HttpContext http, string tenantId, string operation, object? body, Func<object?> command, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(command);
        if (KeyOf(http) is not { } key)
        {
            var direct = command();
            return direct is null ? Results.StatusCode(StatusCodes.Status204NoContent) : Results.Json(direct, statusCode: status);
        }
        var hash = Hash(operation, System.Text.Json.JsonSerializer.Serialize(body, System.Text.Json.JsonSerializerOptions.Web));
        if (Find(tenantId, key) is { } first)
        {
            if (first.RequestHash != hash || first.Operation != operation) throw Mismatch(first);
            http.Response.Headers[ReplayedHeader] = "true";
            return first.Response is { } answer
                ? Results.Content(answer, "application/json", Encoding.UTF8, first.StatusCode ?? status)
                : Results.StatusCode(first.StatusCode ?? StatusCodes.Status204NoContent);
        }
        var result = command();
        var json = result is null ? null : System.Text.Json.JsonSerializer.Serialize(result, System.Text.Json.JsonSerializerOptions.Web);
        var code = result is null ? StatusCodes.Status204NoContent : status;
        try { Save(tenantId, new IdempotencyRecord(key, operation, hash, null, code, json, Now)); }
        catch (Exception e) when (Persistence.Faults.StorageFaults.IsStorageFault(e)) { } // done; only the replay of its answer is lost
        return json is null ? Results.StatusCode(code) : Results.Content(json, "application/json", Encoding.UTF8, code);
    }

    /// <summary>How long a key's first answer is kept (a client retries within minutes; a day is generous).</summary>
    public static readonly Duration Retention = Duration.FromHours(24);

    private long _lastPurge = Environment.TickCount64;

    /// <summary>Deletes records older than <see cref="Retention"/>, at most once an hour (called when a record is saved).</summary>
    private void PurgeNowAndThen()
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastPurge);
        if (now - last < 3_600_000 || Interlocked.CompareExchange(ref _lastPurge, now, last) != last) return;
        PurgeBefore(Now - Retention);
    }

    /// <summary>Deletes the records created before <paramref name="before"/>; returns how many.</summary>
    public int PurgeBefore(Instant before)
    {
        if (store.Store is EfRuntimeStore ef) return ef.DeleteIdempotencyRecordsBefore(before);
        var old = _memory.Where(kv => kv.Value.CreatedAt < before).Select(kv => kv.Key).ToList();
        foreach (var k in old) _memory.TryRemove(k, out _);
        return old.Count;
    }

    /// <summary>422: the key was used for another request.</summary>
    public static ApiProblemException Mismatch(IdempotencyRecord first) => new(422, "Idempotency-Key reused",
        $"this {Header} was used for a different request ({first.Operation} with another body) at {first.CreatedAt}; send a new key for a new request");

    public static Instant Now => SystemClock.Instance.GetCurrentInstant();
}

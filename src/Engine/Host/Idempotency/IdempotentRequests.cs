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
        if (store.Store is EfRuntimeStore ef) ef.SaveIdempotencyRecord(tenantId, record);
        else _memory.TryAdd((tenantId, record.Key), record);
    }

    /// <summary>422: the key was used for another request.</summary>
    public static ApiProblemException Mismatch(IdempotencyRecord first) => new(422, "Idempotency-Key reused",
        $"this {Header} was used for a different request ({first.Operation} with another body) at {first.CreatedAt}; send a new key for a new request");

    public static Instant Now => SystemClock.Instance.GetCurrentInstant();
}

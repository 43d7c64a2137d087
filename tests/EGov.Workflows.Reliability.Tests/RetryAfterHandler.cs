using System.Net;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// What a real client does with a 503 that carries <c>Retry-After</c> (the store busy or away, a full command lane, a node
/// shutting down): waits as long as it says (capped) and sends the request again, a bounded number of times. Only requests
/// that are safe to send again: reads, token requests (client credentials) and writes that carry an <c>Idempotency-Key</c>.
/// When the tries are used up the last 503 is answered to the caller (who may go to another node).
/// </summary>
public sealed class RetryAfterHandler : DelegatingHandler
{
    public const int Tries = 5;
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= Tries || !Repeatable(request)
                || Wait(response) is not { } wait)
                return response;
            response.Dispose();
            await Task.Delay(wait, cancellationToken);
        }
    }

    private static bool Repeatable(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head
        || request.Headers.Contains("Idempotency-Key")
        || request.RequestUri?.AbsolutePath.EndsWith("/connect/token", StringComparison.Ordinal) == true;

    /// <summary>The wait the server asked for (seconds or a date), capped; null without Retry-After.</summary>
    private static TimeSpan? Wait(HttpResponseMessage response)
    {
        var retry = response.Headers.RetryAfter;
        var wait = retry?.Delta ?? (retry?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is null) return null;
        if (wait < TimeSpan.FromMilliseconds(100)) wait = TimeSpan.FromMilliseconds(100);
        return wait > MaxWait ? MaxWait : wait;
    }
}

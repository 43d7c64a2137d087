using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace EGov.Workflows.Activities.Payment;

/// <summary>What a call to the provider came to: the transaction, a refusal with the provider's code, or no answer.</summary>
public abstract record ProviderResult
{
    public sealed record Ok(XPaymentTransaction Transaction) : ProviderResult;
    /// <summary>The provider answered with an error (4xx): a code such as VALIDATION_ERROR, CALCULATION_ERROR, PAYMENT_EXISTS.</summary>
    public sealed record Refused(int StatusCode, string Code, string Text) : ProviderResult;
    /// <summary>No usable answer after the retries: connection refused, timeout, 5xx.</summary>
    public sealed record Unreachable(string Reason) : ProviderResult;
}

/// <summary>The provider's side of a payment: create, query, cancel.</summary>
public interface IPaymentProvider
{
    Task<ProviderResult> CreateAsync(PaymentOptions options, string tenantId, XPaymentRequest request, CancellationToken cancellationToken);
    Task<ProviderResult> GetAsync(PaymentOptions options, string tenantId, string transactionId, CancellationToken cancellationToken);
    Task<ProviderResult> CancelAsync(PaymentOptions options, string tenantId, string transactionId, CancellationToken cancellationToken);

    /// <summary>Refunds (part of) a paid payment; the same <see cref="XRefundRequest.RequestId"/> again refunds nothing twice.</summary>
    Task<ProviderResult> RefundAsync(PaymentOptions options, string tenantId, string transactionId, XRefundRequest refund, CancellationToken cancellationToken);
}

/// <summary>
/// The XBezahldienste 1.0 HTTP API: <c>POST /paymenttransaction/{originatorId}/{endPointId}</c>,
/// <c>GET …/{transactionId}</c>, and <c>DELETE …/{transactionId}</c> to cancel an open payment and
/// <c>POST …/{transactionId}/refund</c> to refund a paid one (both offered by the providers this pack was written for;
/// outside the 1.0 core). Calls go through the named client <see cref="ClientName"/> with retries and
/// back-off (Microsoft.Extensions.Http.Resilience); an OAuth2 client-credentials token is fetched per tenant when
/// <see cref="PaymentOptions.TokenUrl"/> is set. Secrets never reach a log or a message.
/// </summary>
public sealed class XBezahldiensteProvider(IHttpClientFactory clients) : IPaymentProvider
{
    public const string ClientName = "EGov.Activities.Payment";

    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Until)> _tokens = new(StringComparer.Ordinal);

    public Task<ProviderResult> CreateAsync(PaymentOptions options, string tenantId, XPaymentRequest request, CancellationToken cancellationToken) =>
        SendAsync(options, tenantId, () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, Path(options)) { Content = JsonContent.Create(request, options: XJson.Options) };
            message.Headers.Add("Idempotency-Key", request.RequestId);
            return message;
        }, "create the payment", cancellationToken);

    public Task<ProviderResult> GetAsync(PaymentOptions options, string tenantId, string transactionId, CancellationToken cancellationToken) =>
        SendAsync(options, tenantId, () => new HttpRequestMessage(HttpMethod.Get, $"{Path(options)}/{Uri.EscapeDataString(transactionId)}"), "query the payment", cancellationToken);

    public Task<ProviderResult> CancelAsync(PaymentOptions options, string tenantId, string transactionId, CancellationToken cancellationToken) =>
        SendAsync(options, tenantId, () => new HttpRequestMessage(HttpMethod.Delete, $"{Path(options)}/{Uri.EscapeDataString(transactionId)}"), "cancel the payment", cancellationToken);

    public Task<ProviderResult> RefundAsync(PaymentOptions options, string tenantId, string transactionId, XRefundRequest refund, CancellationToken cancellationToken) =>
        SendAsync(options, tenantId, () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, $"{Path(options)}/{Uri.EscapeDataString(transactionId)}/refund") { Content = JsonContent.Create(refund, options: XJson.Options) };
            message.Headers.Add("Idempotency-Key", refund.RequestId);
            return message;
        }, "refund the payment", cancellationToken);

    private static string Path(PaymentOptions o) =>
        $"{o.BaseUrl!.TrimEnd('/')}/paymenttransaction/{Uri.EscapeDataString(o.OriginatorId!)}/{Uri.EscapeDataString(o.EndpointId!)}";

    private async Task<ProviderResult> SendAsync(PaymentOptions options, string tenantId, Func<HttpRequestMessage> build, string what, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        try
        {
            var token = await TokenAsync(client, options, tenantId, cancellationToken).ConfigureAwait(false);
            if (token is ProviderResult failed) return failed;
            using var request = build();
            if (token is string bearer) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                var transaction = await response.Content.ReadFromJsonAsync<XPaymentTransaction>(XJson.Options, cancellationToken).ConfigureAwait(false);
                return transaction?.PaymentInformation?.TransactionId is { Length: > 0 }
                    ? new ProviderResult.Ok(transaction)
                    : new ProviderResult.Unreachable($"cannot {what}: the provider's answer has no paymentInformation.transactionId");
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized) _tokens.TryRemove(tenantId, out _);
            if ((int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
                return new ProviderResult.Unreachable($"cannot {what}: the provider answered {(int)response.StatusCode} {response.ReasonPhrase} (after the retries)");
            var problem = await ReadProblem(response, cancellationToken).ConfigureAwait(false);
            return new ProviderResult.Refused((int)response.StatusCode, problem?.Code ?? "UNSPECIFIED",
                problem?.FunctionalText ?? problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException or JsonException or Polly.Timeout.TimeoutRejectedException
                                      && !cancellationToken.IsCancellationRequested)
        {
            return new ProviderResult.Unreachable($"cannot {what} at {Host(options)}: {e.GetType().Name}: {e.Message} (after the retries)");
        }
    }

    private static string Host(PaymentOptions o) => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Authority) : "the provider";

    private static async Task<XProblem?> ReadProblem(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try { return await response.Content.ReadFromJsonAsync<XProblem>(XJson.Options, cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException) { return null; }
    }

    /// <summary>A bearer token (string), nothing (null: no token URL), or the failure (a <see cref="ProviderResult"/>).</summary>
    private async Task<object?> TokenAsync(HttpClient client, PaymentOptions o, string tenantId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(o.TokenUrl)) return null;
        if (_tokens.TryGetValue(tenantId, out var cached) && cached.Until > DateTimeOffset.UtcNow) return cached.Token;
        using var request = new HttpRequestMessage(HttpMethod.Post, o.TokenUrl)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = o.ClientId ?? "", ["client_secret"] = o.ClientSecret ?? "",
            }),
        };
        using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            return (int)response.StatusCode >= 500
                ? new ProviderResult.Unreachable($"cannot get a token from {o.TokenUrl}: {(int)response.StatusCode} {response.ReasonPhrase}")
                : new ProviderResult.Refused((int)response.StatusCode, "FORBIDDEN", $"the token endpoint {o.TokenUrl} refused client '{o.ClientId}' ({(int)response.StatusCode}); check ClientId and ClientSecret");
        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!doc.RootElement.TryGetProperty("access_token", out var at) || at.GetString() is not { Length: > 0 } token)
            return new ProviderResult.Unreachable($"the token endpoint {o.TokenUrl} answered without access_token");
        var seconds = doc.RootElement.TryGetProperty("expires_in", out var ei) && ei.TryGetInt32(out var s) ? s : 300;
        _tokens[tenantId] = (token, DateTimeOffset.UtcNow.AddSeconds(Math.Max(0, seconds - 30)));
        return token;
    }
}

/// <summary>
/// No outside system (<see cref="PaymentProviderKind.Offline"/>, for <c>./egov test</c> and demos): every payment is created
/// open with a transaction id from its request id; the query knows nothing new (the outcome comes with the resume payload).
/// </summary>
public sealed class OfflinePaymentProvider : IPaymentProvider
{
    public Task<ProviderResult> CreateAsync(PaymentOptions options, string tenantId, XPaymentRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<ProviderResult>(new ProviderResult.Ok(new XPaymentTransaction
        {
            PaymentRequest = request,
            PaymentInformation = new XPaymentInformation
            {
                TransactionId = "OFFLINE-" + request.RequestId[5..], TransactionReference = "KZ-" + request.RequestId[5..17].ToUpperInvariant(),
                TransactionRedirectUrl = "about:blank", Status = "INITIAL",
            },
        }));

    public Task<ProviderResult> GetAsync(PaymentOptions options, string tenantId, string transactionId, CancellationToken cancellationToken) =>
        Task.FromResult<ProviderResult>(new ProviderResult.Ok(new XPaymentTransaction { PaymentInformation = new XPaymentInformation { TransactionId = transactionId, Status = "INITIAL" } }));

    public Task<ProviderResult> CancelAsync(PaymentOptions options, string tenantId, string transactionId, CancellationToken cancellationToken) =>
        Task.FromResult<ProviderResult>(new ProviderResult.Ok(new XPaymentTransaction { PaymentInformation = new XPaymentInformation { TransactionId = transactionId, Status = "CANCELED" } }));

    public Task<ProviderResult> RefundAsync(PaymentOptions options, string tenantId, string transactionId, XRefundRequest refund, CancellationToken cancellationToken) =>
        Task.FromResult<ProviderResult>(new ProviderResult.Ok(new XPaymentTransaction
        {
            PaymentInformation = new XPaymentInformation { TransactionId = transactionId, Status = "REFUNDED", RefundedAmount = refund.GrosAmount },
        }));
}

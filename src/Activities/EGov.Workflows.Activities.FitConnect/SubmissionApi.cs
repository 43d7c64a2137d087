using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace EGov.Workflows.Activities.FitConnect;

/// <summary>A request to the Submission API or the token endpoint that did not succeed: the status (0: no answer) and a message without secrets.</summary>
public sealed class SubmissionApiException(int status, string message, string? problemType = null) : Exception(message)
{
    public int Status { get; } = status;
    /// <summary>The RFC 9457 problem type the API answered, when it did.</summary>
    public string? ProblemType { get; } = problemType;
    /// <summary>A refusal of the content (4xx other than 401/403/408/429): retrying the same request will not help.</summary>
    public bool IsRefusal => Status is >= 400 and < 500 and not (401 or 403 or 408 or 429);
}

/// <summary>
/// The parts of the FIT-Connect Submission API a sender uses, with an OAuth 2.0 client-credentials token (cached until
/// shortly before it expires) and every request through a Polly pipeline (Microsoft.Extensions.Http.Resilience):
/// time-limited attempts, transient failures retried with exponential back-off and jitter.
/// </summary>
public sealed class SubmissionApi(IHttpClientFactory clients)
{
    public const string ClientName = "fitconnect";
    private static readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Until)> Tokens = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<(int, int, int), ResiliencePipeline<HttpResponseMessage>> Pipelines = new();

    /// <summary>GET <c>/v1/destinations/{id}</c>.</summary>
    public Task<JsonObject> DestinationAsync(FitConnectOptions o, string destinationId, CancellationToken ct) =>
        SendJsonAsync(o, HttpMethod.Get, $"/v1/destinations/{Uri.EscapeDataString(destinationId)}", null, null, ct);

    /// <summary>GET <c>/v1/destinations/{id}/keys/{kid}</c>: the destination's public encryption key (JWK).</summary>
    public Task<JsonObject> KeyAsync(FitConnectOptions o, string destinationId, string kid, CancellationToken ct) =>
        SendJsonAsync(o, HttpMethod.Get, $"/v1/destinations/{Uri.EscapeDataString(destinationId)}/keys/{Uri.EscapeDataString(kid)}", null, null, ct);

    /// <summary>POST <c>/v1/submissions</c>: announces a submission with its attachment ids; answers <c>{ destinationId, submissionId, caseId }</c>.</summary>
    public Task<JsonObject> AnnounceAsync(FitConnectOptions o, JsonObject body, string idempotencyKey, CancellationToken ct) =>
        SendJsonAsync(o, HttpMethod.Post, "/v1/submissions", Json(body), idempotencyKey, ct);

    /// <summary>PUT <c>/v1/submissions/{id}/attachments/{attachmentId}</c> with the encrypted attachment (<c>application/jose</c>).</summary>
    public async Task UploadAttachmentAsync(FitConnectOptions o, string submissionId, string attachmentId, string jwe, CancellationToken ct) =>
        await SendAsync(o, HttpMethod.Put, $"/v1/submissions/{Uri.EscapeDataString(submissionId)}/attachments/{Uri.EscapeDataString(attachmentId)}",
            () => new StringContent(jwe, Encoding.ASCII, "application/jose"), null, ct).ConfigureAwait(false);

    /// <summary>PUT <c>/v1/submissions/{id}</c> with <c>{ encryptedMetadata, encryptedData }</c>: the submission is sent.</summary>
    public Task<JsonObject> SubmitAsync(FitConnectOptions o, string submissionId, string encryptedMetadata, string encryptedData, CancellationToken ct) =>
        SendJsonAsync(o, HttpMethod.Put, $"/v1/submissions/{Uri.EscapeDataString(submissionId)}",
            Json(new JsonObject { ["encryptedMetadata"] = encryptedMetadata, ["encryptedData"] = encryptedData }), null, ct);

    /// <summary>GET <c>/v1/submissions?destinationId=…&amp;offset=…&amp;limit=…</c>: the submissions waiting for a destination.</summary>
    public Task<JsonObject> ListAsync(FitConnectOptions o, string destinationId, int offset, int limit, CancellationToken ct) =>
        SendJsonAsync(o, HttpMethod.Get, $"/v1/submissions?destinationId={Uri.EscapeDataString(destinationId)}&offset={offset}&limit={limit}", null, null, ct);

    /// <summary>GET <c>/v1/submissions/{id}</c>: the submission with its encrypted metadata and data and its attachment ids.</summary>
    public Task<JsonObject> SubmissionAsync(FitConnectOptions o, string submissionId, CancellationToken ct) =>
        SendJsonAsync(o, HttpMethod.Get, $"/v1/submissions/{Uri.EscapeDataString(submissionId)}", null, null, ct);

    /// <summary>GET <c>/v1/submissions/{id}/attachments/{attachmentId}</c>: the encrypted attachment (JWE).</summary>
    public Task<string> AttachmentAsync(FitConnectOptions o, string submissionId, string attachmentId, CancellationToken ct) =>
        SendAsync(o, HttpMethod.Get, $"/v1/submissions/{Uri.EscapeDataString(submissionId)}/attachments/{Uri.EscapeDataString(attachmentId)}", null, null, ct);

    /// <summary>POST <c>/v1/cases/{caseId}/events</c> with a signed Security Event Token (<c>application/jose</c>).</summary>
    public async Task PostEventAsync(FitConnectOptions o, string caseId, string set, CancellationToken ct) =>
        await SendAsync(o, HttpMethod.Post, $"/v1/cases/{Uri.EscapeDataString(caseId)}/events",
            () => new StringContent(set, Encoding.ASCII, "application/jose"), null, ct).ConfigureAwait(false);

    private static Func<HttpContent> Json(JsonObject body)
    {
        var text = body.ToJsonString();
        return () => new StringContent(text, Encoding.UTF8, "application/json");
    }

    private async Task<JsonObject> SendJsonAsync(FitConnectOptions o, HttpMethod method, string path, Func<HttpContent>? content, string? idempotencyKey, CancellationToken ct)
    {
        var body = await SendAsync(o, method, path, content, idempotencyKey, ct).ConfigureAwait(false);
        try { return JsonNode.Parse(body.Length == 0 ? "{}" : body) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException) { throw new SubmissionApiException(502, $"{method} {path}: the answer is no JSON object"); }
    }

    private async Task<string> SendAsync(FitConnectOptions o, HttpMethod method, string path, Func<HttpContent>? content, string? idempotencyKey, CancellationToken ct)
    {
        var token = await TokenAsync(o, ct).ConfigureAwait(false);
        var url = o.SubmissionApiUrl!.TrimEnd('/') + path;
        var (status, reason, text, problem) = await ExecuteAsync(o, () =>
        {
            var request = new HttpRequestMessage(method, url) { Content = content?.Invoke() };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
            if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }, $"{method} {path}", ct).ConfigureAwait(false);
        if (status is >= 200 and < 300) return text;
        if (status == 401) Tokens.TryRemove(TokenKey(o), out _); // a token the API no longer takes: fetch a new one next time
        throw new SubmissionApiException(status, $"{method} {path}: the Submission API answered {status} {reason}{Detail(problem)}", problem?.Type);
    }

    private async Task<string> TokenAsync(FitConnectOptions o, CancellationToken ct)
    {
        var key = TokenKey(o);
        if (Tokens.TryGetValue(key, out var cached) && cached.Until > DateTimeOffset.UtcNow) return cached.Token;
        var secret = Secret(o) ?? throw new SubmissionApiException(0, "no client secret");
        var (status, reason, text, problem) = await ExecuteAsync(o, () => new HttpRequestMessage(HttpMethod.Post, o.TokenUrl)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = o.ClientId!, ["client_secret"] = secret,
            }),
        }, "token request", ct).ConfigureAwait(false);
        if (status != 200)
            throw new SubmissionApiException(status, $"the token endpoint answered {status} {reason}{(status == 401 ? " (client id or secret refused)" : Detail(problem))}");
        JsonObject json;
        try { json = JsonNode.Parse(text) as JsonObject ?? []; }
        catch (JsonException) { json = []; }
        var access = (string?)json["access_token"] ?? throw new SubmissionApiException(502, "the token endpoint's answer has no access_token");
        var seconds = json["expires_in"] is JsonValue v && v.TryGetValue<int>(out var s) ? s : 300;
        Tokens[key] = (access, DateTimeOffset.UtcNow.AddSeconds(Math.Max(0, seconds - 30)));
        return access;
    }

    private static string TokenKey(FitConnectOptions o) => $"{o.TokenUrl}|{o.ClientId}";

    internal static string? Secret(FitConnectOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.ClientSecret)) return o.ClientSecret.Trim();
        if (!string.IsNullOrWhiteSpace(o.ClientSecretFile) && File.Exists(o.ClientSecretFile)) return File.ReadLines(o.ClientSecretFile).FirstOrDefault()?.Trim();
        return null;
    }

    private sealed record Problem(string? Type, string? Title, string? Detail);

    private static string Detail(Problem? p) => p is null ? "" : $": {p.Title}{(string.IsNullOrEmpty(p.Detail) ? "" : " – " + p.Detail)}{(p.Type is null ? "" : $" ({p.Type})")}";

    private async Task<(int Status, string? Reason, string Text, Problem? Problem)> ExecuteAsync(FitConnectOptions o, Func<HttpRequestMessage> create, string what, CancellationToken ct)
    {
        var client = clients.CreateClient(ClientName);
        client.Timeout = Timeout.InfiniteTimeSpan;
        var attempts = 0;
        try
        {
            using var response = await Pipeline(o).ExecuteAsync(async c =>
            {
                attempts++;
                using var request = create();
                return await client.SendAsync(request, c).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            Problem? problem = null;
            if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json" && !response.IsSuccessStatusCode)
            {
                try { var p = JsonNode.Parse(text); problem = new Problem((string?)p?["type"], (string?)p?["title"], (string?)p?["detail"]); }
                catch (JsonException) { }
            }
            return ((int)response.StatusCode, response.ReasonPhrase, text, problem);
        }
        catch (HttpRequestException e)
        {
            throw new SubmissionApiException(0, $"{what}: {Host(o, what)} cannot be reached after {attempts} attempt(s): {e.Message}");
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            throw new SubmissionApiException(0, $"{what}: no answer within {o.TimeoutSeconds} s ({attempts} attempt(s))");
        }
    }

    private static string Host(FitConnectOptions o, string what) =>
        Uri.TryCreate(what == "token request" ? o.TokenUrl : o.SubmissionApiUrl, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Authority) : "the server";

    private static ResiliencePipeline<HttpResponseMessage> Pipeline(FitConnectOptions o) =>
        Pipelines.GetOrAdd((Math.Clamp(o.Retries, 0, 10), Math.Clamp(o.RetryDelayMilliseconds, 1, 60_000), Math.Clamp(o.TimeoutSeconds, 1, 300)), k =>
            new ResiliencePipelineBuilder<HttpResponseMessage>()
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = k.Item1 == 0 ? 1 : k.Item1,
                    ShouldHandle = k.Item1 == 0 ? _ => ValueTask.FromResult(false) : new HttpRetryStrategyOptions().ShouldHandle,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(k.Item2),
                })
                .AddTimeout(TimeSpan.FromSeconds(k.Item3))
                .Build());
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// The REST API of one server, as a client program would use it: a machine client that fetches a bearer token with its
/// id and secret (client credentials) and fetches a new one when the server answers 401 (expired).
/// </summary>
public sealed class EngineClient(Uri baseAddress, string clientId, string secret) : ClerkMix.ISender, IDisposable
{
    private readonly HttpClient _http = new(new TokenHandler(baseAddress, clientId, secret) { InnerHandler = new RetryAfterHandler { InnerHandler = new HttpClientHandler() } })
    {
        BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100),
    };

    private sealed class TokenHandler(Uri baseAddress, string clientId, string secret) : DelegatingHandler
    {
        private readonly SemaphoreSlim _fetching = new(1, 1);
        private string? _token;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var (token, refused) = await TokenAsync(null, cancellationToken);
            if (refused is not null) return refused;
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized || request.Content is not null && request.Method != HttpMethod.Get) return response;
            response.Dispose();
            (token, refused) = await TokenAsync(token, cancellationToken);
            if (refused is not null) return refused;
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return await base.SendAsync(request, cancellationToken);
        }

        /// <summary>
        /// The token, fetched once for all concurrent requests (again when <paramref name="expired"/> is the current one).
        /// A token request the server answers 503 (busy or store away, after the retries honouring Retry-After) is answered
        /// to the caller as that 503, like any request the server could not take now; other refusals are errors.
        /// </summary>
        private async Task<(string Token, HttpResponseMessage? Refused)> TokenAsync(string? expired, CancellationToken cancel)
        {
            if (Volatile.Read(ref _token) is { } known && known != expired) return (known, null);
            await _fetching.WaitAsync(cancel);
            try
            {
                if (_token is { } current && current != expired) return (current, null);
                using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret });
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "connect/token")) { Content = form };
                var response = await base.SendAsync(request, cancel);
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable) return ("", response);
                using (response)
                {
                    var body = await response.Content.ReadAsStringAsync(cancel);
                    if (!response.IsSuccessStatusCode) throw new UnexpectedAnswerException($"token for {clientId}: {(int)response.StatusCode} {body}") { Status = (int)response.StatusCode };
                    _token = JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
                    return (_token, null);
                }
            }
            finally { _fetching.Release(); }
        }
    }

    /// <summary>Starts an instance and answers its id; throws when the server does not answer 201 (or is gone).</summary>
    public async Task<string> StartAsync(string processId, object variables, string businessKey)
    {
        using var response = await _http.PostAsJsonAsync($"api/process-definitions/{processId}/start", new { variables, businessKey });
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201) throw new UnexpectedAnswerException($"start {processId} ({businessKey}): {(int)response.StatusCode} {body}") { Status = (int)response.StatusCode };
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    public Task<JsonNode> InstanceAsync(string id) => GetAsync($"api/process-instances/{id}");

    public async Task<JsonArray> HistoryAsync(string id) => (await GetAsync($"api/process-instances/{id}/history")).AsArray();

    public Task<JsonNode> HealthAsync() => GetAsync("api/health");

    /// <summary>POSTs JSON and answers the status code and body (for calls whose failure is the point).</summary>
    public async Task<(int Status, string Body)> PostAsync(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 200) throw new UnexpectedAnswerException($"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>GETs and answers status and body, whatever they are.</summary>
    public async Task<(int Status, string Body)> GetRawAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends a prepared request (headers of its own, such as an Idempotency-Key) and answers status and body.</summary>
    public async Task<(int Status, string Body)> SendAsync(HttpRequestMessage request, CancellationToken cancel)
    {
        using var response = await _http.SendAsync(request, cancel);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancel));
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>The server answered, but not as it should (unlike a connection error when a server was killed).</summary>
public sealed class UnexpectedAnswerException(string message) : Exception(message)
{
    /// <summary>The HTTP status the server answered (0 when not known).</summary>
    public int Status { get; init; }
}

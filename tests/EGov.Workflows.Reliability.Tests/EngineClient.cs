using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>The REST API of one server, as a client program would use it.</summary>
public sealed class EngineClient(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };

    /// <summary>Starts an instance and answers its id; throws when the server does not answer 201 (or is gone).</summary>
    public async Task<string> StartAsync(string processId, object variables, string businessKey)
    {
        using var response = await _http.PostAsJsonAsync($"api/process-definitions/{processId}/start", new { variables, businessKey });
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201) throw new UnexpectedAnswerException($"start {processId} ({businessKey}): {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    public Task<JsonNode> InstanceAsync(string id) => GetAsync($"api/process-instances/{id}");

    public async Task<JsonArray> HistoryAsync(string id) => (await GetAsync($"api/process-instances/{id}/history")).AsArray();

    public Task<JsonNode> HealthAsync() => GetAsync("api/health");

    public async Task<JsonArray> TasksAsync(string instanceId) => (await GetAsync($"api/tasks?processInstanceId={instanceId}")).AsArray();

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

    public void Dispose() => _http.Dispose();
}

/// <summary>The server answered, but not as it should (unlike a connection error when a server was killed).</summary>
public sealed class UnexpectedAnswerException(string message) : Exception(message);

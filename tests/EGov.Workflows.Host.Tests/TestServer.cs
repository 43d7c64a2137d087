using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Host;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// The real server on 127.0.0.1 with a free port (Kestrel), an HttpClient for it, and helpers for the API. <see cref="Http"/>
/// authenticates as a superuser machine client (every role, every tenant, every topic) with a bearer token from the
/// server's own token endpoint, so tests about the engine need not care about permissions; <see cref="Anonymous"/> sends
/// no identity, and <see cref="Identities"/> makes persons and clients with chosen roles.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(RunningServer server, string dataDir)
    {
        Server = server;
        DataDir = dataDir;
        Http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Anonymous = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Identities = new Identities(server);
    }

    /// <summary>A client without any identity.</summary>
    public HttpClient Anonymous { get; }
    public Identities Identities { get; }

    public RunningServer Server { get; }
    public HttpClient Http { get; }
    public string DataDir { get; }
    public Uri BaseAddress => Server.BaseAddress;

    /// <summary>
    /// The municipalities of the test installation (an operator's request for any other tenant id is 404): the default
    /// tenant's neighbours the tests deploy to as the superuser.
    /// </summary>
    public static readonly string[] Tenants = ["gemeinde-a", "gemeinde-b", "06412000", "06411000", "B"];

    public static string ModelPath(string name) => Path.Combine(AppContext.BaseDirectory, "Models", name);

    /// <summary>Starts a server with a temp store; <paramref name="processes"/> is deployed at start (null: none).</summary>
    public static async Task<TestServer> StartAsync(string? processes = null, string store = "memory", TimeSpan? jobPoll = null, string? nodeId = null,
        Func<ServeOptions, ServeOptions>? configure = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var options = new ServeOptions
        {
            Urls = "http://127.0.0.1:0", Store = store.Replace("{dir}", dir, StringComparison.Ordinal), ProcessesDirectory = processes,
            JobPollInterval = jobPoll ?? TimeSpan.FromMilliseconds(100), NodeId = nodeId, Tenants = Tenants,
        };
        if (configure is not null) options = configure(options);
        var server = new TestServer(await EGovServer.StartAsync(options), dir);
        var token = await server.Identities.ClientTokenAsync($"test-superuser-{Guid.NewGuid():N}"[..24], Identities.AllRoles, ["*"], ["*"]);
        server.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server;
    }

    public async Task<JsonArray> DeployAsync(string modelFile, string? tenant = null)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(ModelPath(modelFile)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/deployments?name={modelFile}") { Content = content };
        if (tenant is not null) request.Headers.Add("X-Tenant", tenant);
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(201, body);
        return JsonNode.Parse(body)!.AsArray();
    }

    public async Task<string> StartProcessAsync(string processId, object? body = null, string? tenant = null)
    {
        using var response = await SendAsync(HttpMethod.Post, $"api/process-definitions/{processId}/start", body ?? new { }, tenant);
        var json = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(201, json);
        return JsonNode.Parse(json)!["id"]!.GetValue<string>();
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? tenant = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (tenant is not null) request.Headers.Add("X-Tenant", tenant);
        return await Http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostRawAsync(string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await Http.PostAsync(path, content);
    }

    public async Task<JsonNode> GetJsonAsync(string path, string? tenant = null, int expectedStatus = 200)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, tenant);
        var json = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(expectedStatus, json);
        return JsonNode.Parse(json)!;
    }

    private readonly Dictionary<string, HttpClient> _people = new(StringComparer.Ordinal);

    /// <summary>
    /// A person signed in through the browser flow (cached per name): by default the clerk "erika" of the group
    /// "sachbearbeitung" that the test models offer their tasks to, of every tenant.
    /// </summary>
    public async Task<HttpClient> PersonAsync(string name = "erika", string[]? groups = null, string[]? roles = null, string? tenant = "*")
    {
        if (_people.TryGetValue(name, out var known)) return known;
        try { await Identities.CreatePersonAsync(name, roles ?? ["clerk"], groups ?? ["sachbearbeitung"], tenant); }
        catch (Exception e) when (e.Message.Contains("exist", StringComparison.OrdinalIgnoreCase)) { } // a durable store kept them from a run before a restart
        var (http, cookies) = Identities.Browser();
        using var signedIn = await Identities.SignInAsync(http, cookies, name, Identities.Password, "/api/me");
        ((int)signedIn.StatusCode).ShouldBe(200, await signedIn.Content.ReadAsStringAsync());
        _people[name] = http;
        return http;
    }

    /// <summary>Sends as <paramref name="client"/> (a person from <see cref="PersonAsync"/>).</summary>
    public static async Task<HttpResponseMessage> SendAsAsync(HttpClient client, HttpMethod method, string path, object? body = null, string? tenant = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (tenant is not null) request.Headers.Add("X-Tenant", tenant);
        return await client.SendAsync(request);
    }

    public static async Task<JsonNode> GetJsonAsAsync(HttpClient client, string path, string? tenant = null, int expectedStatus = 200)
    {
        using var response = await SendAsAsync(client, HttpMethod.Get, path, null, tenant);
        var json = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(expectedStatus, json);
        return JsonNode.Parse(json)!;
    }

    /// <summary>The open tasks the clerk "erika" sees in the group view (of a root instance, when given).</summary>
    public async Task<JsonArray> GroupTasksAsync(string? tenant = null, string? query = null) =>
        (await GetJsonAsAsync(await PersonAsync(), "api/tasks?view=group" + (query is null ? "" : "&" + query), tenant))["items"]!.AsArray();

    /// <summary>Completes a task as the clerk "erika".</summary>
    public async Task<HttpResponseMessage> CompleteAsync(string taskId, object? variables = null, string? tenant = null) =>
        await SendAsAsync(await PersonAsync(), HttpMethod.Post, $"api/tasks/{taskId}/complete", new { variables = variables ?? new { } }, tenant);

    public async Task<JsonNode> InstanceAsync(string id, string? tenant = null) => await GetJsonAsync($"api/process-instances/{id}", tenant);

    /// <summary>Waits (bounded) until the instance has the state.</summary>
    public async Task<JsonNode> WaitForStateAsync(string id, string state, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var instance = await InstanceAsync(id);
            if (instance["state"]!.GetValue<string>() == state || DateTime.UtcNow > until) return instance;
            await Task.Delay(100);
        }
    }

    /// <summary>Asserts an RFC 9457 problem: content type, status, title and detail present, no stack trace.</summary>
    public static async Task<JsonNode> ShouldBeProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", text);
        var json = JsonNode.Parse(text)!;
        json["status"]!.GetValue<int>().ShouldBe(status);
        json["title"].ShouldNotBeNull();
        json["detail"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        text.ShouldNotContain("   at ");
        return json;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Anonymous.Dispose();
        Identities.Dispose();
        await Server.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

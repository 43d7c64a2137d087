using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Reliability.Tests;

/// <summary>
/// A clerk working tasks as the Postkorb does: a person account (created with <c>egov users add</c> on the store, in the
/// group the test models offer their tasks to), signed in through the browser flow on one node, holding a session
/// cookie and sending the CSRF header on changes. Tasks are worked only by persons who see them (issue 10).
/// </summary>
public sealed class ClerkSession : ClerkMix.ISender, IDisposable
{
    public const string Name = "reliability-clerk", Group = "sachbearbeitung";
    private const string Password = "ein-langes-Passwort-fuer-Tests-1";
    private static readonly Dictionary<string, Task> Created = new(StringComparer.Ordinal);
    private readonly CookieContainer _cookies;
    private readonly HttpClient _http;

    private ClerkSession(Uri baseAddress, CookieContainer? cookies = null)
    {
        _cookies = cookies ?? new CookieContainer();
        _http = new HttpClient(new CsrfHeader(_cookies, baseAddress) { InnerHandler = new RetryAfterHandler { InnerHandler = new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = true } } })
        {
            BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100),
        };
    }

    /// <summary>
    /// Signs the clerk in on the first node that completes the sign-in (every node registers its own callback address with
    /// the embedded provider at start) and answers a session per node that shares the cookies: the session is valid on
    /// every node of the store (shared keys).
    /// </summary>
    public static async Task<IReadOnlyList<ClerkSession>> SignInOnAllAsync(string store, string workDir, IReadOnlyList<Uri> nodes)
    {
        var errors = new List<string>();
        foreach (var node in nodes)
        {
            ClerkSession signedIn;
            try { signedIn = await SignInAsync(store, workDir, node); }
            catch (InvalidOperationException e) { errors.Add(e.Message); continue; }
            return nodes.Select(n => n == node ? signedIn : new ClerkSession(n, signedIn._cookies)).ToList();
        }
        throw new InvalidOperationException("the clerk could not sign in on any node:\n" + string.Join("\n", errors));
    }

    /// <summary>Signs the clerk in on the node at <paramref name="baseAddress"/> (the account is created once per store).</summary>
    public static async Task<ClerkSession> SignInAsync(string store, string workDir, Uri baseAddress)
    {
        Task create;
        lock (Created)
            if (!Created.TryGetValue(store, out create!)) Created[store] = create = CreateAsync(store, workDir);
        await create;
        var session = new ClerkSession(baseAddress);
        using var page = await session._http.GetAsync("/signin?returnUrl=" + Uri.EscapeDataString("/api/me"));
        var signInPage = page.RequestMessage!.RequestUri!;
        if (signInPage.AbsolutePath != "/anmelden")
            throw new InvalidOperationException($"the sign-in did not reach the sign-in page at {baseAddress}: {(int)page.StatusCode} {signInPage} {await page.Content.ReadAsStringAsync()}");
        var back = System.Web.HttpUtility.ParseQueryString(signInPage.Query)["ReturnUrl"] ?? "/api/me";
        var csrf = session._cookies.GetCookies(baseAddress)["XSRF-TOKEN"]?.Value ?? "";
        using var signedIn = await session._http.PostAsync("/anmelden", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = Name, ["password"] = Password, ["ReturnUrl"] = back, ["__RequestVerificationToken"] = csrf,
        }));
        var body = await signedIn.Content.ReadAsStringAsync();
        if (signedIn.StatusCode != HttpStatusCode.OK || JsonNode.Parse(body)?["id"]?.GetValue<string>() != Name)
            throw new InvalidOperationException($"the clerk could not sign in at {baseAddress}: {(int)signedIn.StatusCode} {body}");
        return session;
    }

    private static async Task CreateAsync(string store, string workDir)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { EgovServe.CliDll, "users", "add", Name, "--roles", "clerk", "--groups", Group, "--tenant", "*", "--password-stdin", "--store", store })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        await process.StandardInput.WriteLineAsync(Password);
        process.StandardInput.Close();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"egov users add failed ({process.ExitCode}): {stdout}{stderr}");
    }

    /// <summary>The open tasks of a case the clerk sees in the group view.</summary>
    public async Task<JsonArray> TasksAsync(string instanceId)
    {
        var page = JsonNode.Parse(await _http.GetStringAsync($"api/tasks?view=group&processInstanceId={Uri.EscapeDataString(instanceId)}"))!;
        return page["items"]!.AsArray();
    }

    /// <summary>POSTs JSON and answers the status code and body.</summary>
    public async Task<(int Status, string Body)> PostAsync(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The same signed-in clerk on another node (the session cookie is valid on every node of the store).</summary>
    public ClerkSession On(Uri baseAddress) => new(baseAddress, _cookies);

    /// <summary>GETs and answers status and body.</summary>
    public async Task<(int Status, string Body)> GetAsync(string path)
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

    private sealed class CsrfHeader(CookieContainer cookies, Uri baseAddress) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Get && cookies.GetCookies(baseAddress)["XSRF-TOKEN"] is { } c) request.Headers.Add("X-XSRF-TOKEN", c.Value);
            return base.SendAsync(request, cancellationToken);
        }
    }
}

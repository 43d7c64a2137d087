using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using EGov.Workflows.Host.Citizens.Saml;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// The BundID simulator (tests/bundid-simulator: samlify, a SAML library that is not ours) on loopback, and a server whose
/// BundId:IdpMetadata points at it. One of each per test class; every test signs in with its own cookies.
/// </summary>
public sealed partial class BundIdEnvironment : IAsyncLifetime
{
    private Process? _simulator;
    private readonly StringBuilder _output = new();

    public RunningServer Server { get; private set; } = null!;
    public Uri Simulator { get; private set; } = null!;

    /// <summary>Where the server's e-mails go (.eml files; Packs:Notifications with Delivery Directory).</summary>
    public string MailDirectory { get; } = Path.Combine(Path.GetTempPath(), "egov-bundid-mail-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        if (BundIdFactAttribute.Folder is not { } folder || BundIdFactAttribute.SkipReason is not null) return;
        await EnsureNodeModulesAsync(folder);
        var port = FreePort();
        var psi = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "simulator.mjs", "--sp", $"http://127.0.0.1:{port}/saml/metadata" }) psi.ArgumentList.Add(a);
        _simulator = Process.Start(psi)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _simulator.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_output) _output.AppendLine(e.Data);
            if (Listening().Match(e.Data) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value + "/"));
        };
        _simulator.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _simulator.BeginOutputReadLine();
        _simulator.BeginErrorReadLine();
        if (await Task.WhenAny(listening.Task, _simulator.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))) != listening.Task)
            lock (_output) throw new InvalidOperationException($"the BundID simulator did not start:\n{_output}");
        Simulator = await listening.Task;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BundId:IdpMetadata"] = new Uri(Simulator, "metadata").AbsoluteUri,
            ["BundId:OrganizationDisplayName"] = "Stadt Musterstadt",
            // Confirmation e-mails of online applications (CitizenApplyTests) as .eml files.
            ["Packs:Notifications:From"] = "buergerservice@musterstadt.example",
            ["Packs:Notifications:Delivery"] = "Directory",
            ["Packs:Notifications:Directory"] = MailDirectory,
        }).Build();
        Server = await EGovServer.StartAsync(new ServeOptions
        {
            Urls = $"http://127.0.0.1:{port}", Store = "memory", ProcessesDirectory = null, Configuration = configuration,
        });
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        if (_simulator is { } p)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            p.Dispose();
        }
    }

    /// <summary>A browser-like client of the server: its own cookies, redirects not followed.</summary>
    public (HttpClient Client, CookieContainer Cookies) Browser()
    {
        var cookies = new CookieContainer();
        return (new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = Server.BaseAddress }, cookies);
    }

    /// <summary>Starts a sign-in: the server's auto-post page to BundID; answers the SAMLRequest and where it goes.</summary>
    public static async Task<(string SamlRequest, string Action)> BeginAsync(HttpClient client, string? niveau = null, string returnUrl = "/buerger")
    {
        using var page = await client.GetAsync($"/buerger/anmelden?returnUrl={Uri.EscapeDataString(returnUrl)}" + (niveau is null ? "" : "&niveau=" + niveau));
        var html = await page.Content.ReadAsStringAsync();
        ((int)page.StatusCode).ShouldBe(200, html);
        var request = WebUtility.HtmlDecode(FormValue().Match(html).Groups[1].Value);
        var action = WebUtility.HtmlDecode(FormAction().Match(html).Groups[1].Value);
        request.ShouldNotBeEmpty();
        return (request, action);
    }

    /// <summary>The simulator's answer to a request (its JSON test endpoint: no page).</summary>
    public async Task<string> AnswerAsync(string samlRequest, string user = "U01", string level = "STORK-QAA-Level-3", bool encrypt = true, bool gcm = false,
        string? audience = null, int offsetSeconds = 0, string? status = null)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(new Uri(Simulator, "test/response"),
            new { SAMLRequest = samlRequest, user, level, encrypt, gcm, audience, offsetSeconds, status });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) lock (_output) throw new InvalidOperationException($"the simulator refused: {body}\n{_output}");
        return JsonNode.Parse(body)!["SAMLResponse"]!.GetValue<string>();
    }

    /// <summary>
    /// A citizen signed in through the whole BundID round trip (request, answer, ACS), with the CSRF header the pages' script
    /// sends: the client every citizen-side test starts from.
    /// </summary>
    public async Task<(HttpClient Client, CookieContainer Cookies)> SignedInCitizenAsync(string user = "U01", string level = "STORK-QAA-Level-3", string? niveau = "substanziell")
    {
        var (client, cookies) = Browser();
        var (request, _) = await BeginAsync(client, niveau);
        using var acs = await PostAcsAsync(client, await AnswerAsync(request, user, level));
        ((int)acs.StatusCode).ShouldBe(302, await acs.Content.ReadAsStringAsync());
        using (await client.GetAsync("/buerger")) { } // a page sets the CSRF cookie; the pages' script sends it back as a header
        client.DefaultRequestHeaders.Add("X-XSRF-TOKEN", cookies.GetCookies(Server.BaseAddress)["XSRF-TOKEN"]!.Value);
        return (client, cookies);
    }

    public static async Task<HttpResponseMessage> PostAcsAsync(HttpClient client, string samlResponse) =>
        await client.PostAsync("/saml/acs", new FormUrlEncodedContent(new Dictionary<string, string> { ["SAMLResponse"] = samlResponse }));

    /// <summary>The service provider's encryption certificate (public: it is in /saml/metadata), to encrypt a forged assertion as an attacker could.</summary>
    public X509Certificate2 SpEncryption => Server.App.Services.GetRequiredService<SpCredentials>().Encryption;

    public static XmlDocument Decode(string samlResponse)
    {
        var doc = new XmlDocument { PreserveWhitespace = true, XmlResolver = null };
        doc.LoadXml(Encoding.UTF8.GetString(Convert.FromBase64String(samlResponse)));
        return doc;
    }

    public static string Encode(XmlDocument doc) => Convert.ToBase64String(Encoding.UTF8.GetBytes(doc.OuterXml));

    /// <summary>Replaces the plain assertion of a response by an EncryptedAssertion for the SP (AES-256-CBC, RSA-OAEP).</summary>
    public static void EncryptAssertion(XmlDocument doc, X509Certificate2 spEncryption)
    {
        var assertion = doc.DocumentElement!.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "Assertion");
        using var aes = Aes.Create();
        aes.KeySize = 256;
        aes.GenerateKey();
        var iv = RandomNumberGenerator.GetBytes(16);
        var cipher = iv.Concat(aes.EncryptCbc(Encoding.UTF8.GetBytes(assertion.OuterXml), iv, PaddingMode.PKCS7)).ToArray();
        using var rsa = spEncryption.GetRSAPublicKey()!;
        var key = rsa.Encrypt(aes.Key, RSAEncryptionPadding.OaepSHA1);
        var xml = "<saml:EncryptedAssertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\">"
            + "<xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#aes256-cbc\"/><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><xenc:EncryptedKey>"
            + "<xenc:EncryptionMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p\"/><xenc:CipherData><xenc:CipherValue>" + Convert.ToBase64String(key) + "</xenc:CipherValue></xenc:CipherData>"
            + "</xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>" + Convert.ToBase64String(cipher) + "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>";
        var holder = new XmlDocument();
        holder.LoadXml(xml);
        doc.DocumentElement.ReplaceChild(doc.ImportNode(holder.DocumentElement!, true), assertion);
    }

    private static async Task EnsureNodeModulesAsync(string folder)
    {
        if (File.Exists(Path.Combine(folder, "node_modules", "samlify", "package.json"))) return;
        var (code, output) = await NodeWorkerTests.RunAsync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], folder, TimeSpan.FromMinutes(5));
        code.ShouldBe(0, $"npm ci in {folder} failed:\n{output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^listening on (http://\S+)")]
    private static partial Regex Listening();

    [GeneratedRegex("name=\"SAMLRequest\" value=\"([^\"]+)\"")]
    private static partial Regex FormValue();

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();
}

/// <summary>A fact that needs node and tests/bundid-simulator; skipped with the reason when either is missing.</summary>
public sealed class BundIdFactAttribute : FactAttribute
{
    public BundIdFactAttribute()
    {
        if (SkipReason is { } why) Skip = why;
    }

    public static string? SkipReason =>
        Folder is null ? "tests/bundid-simulator not found above the test's output folder"
        : NodeFactAttribute.FindOnPath("node") is null ? "node is not installed (apt-get install nodejs npm): the BundID simulator needs it"
        : !Directory.Exists(Path.Combine(Folder, "node_modules")) && NodeFactAttribute.FindOnPath("npm") is null ? "node_modules is missing and npm is not installed to run npm ci"
        : null;

    public static string? Folder { get; } = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "bundid-simulator");
            if (File.Exists(Path.Combine(candidate, "package.json"))) return candidate;
        }
        return null;
    }
}

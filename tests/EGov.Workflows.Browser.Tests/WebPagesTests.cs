using System.Net;
using System.Text.RegularExpressions;
using EGov.Workflows.Host;

namespace EGov.Workflows.Browser.Tests;

/// <summary>How the host serves the built pages and their assets (plain HTTP, no browser).</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class WebPagesTests
{
    private static async Task<(RunningServer Server, HttpClient Http)> StartAsync(string webDirectory)
    {
        var server = await EGovServer.StartAsync(new ServeOptions { Urls = "http://127.0.0.1:0", Store = "memory", ProcessesDirectory = null, WebDirectory = webDirectory });
        return (server, new HttpClient { BaseAddress = server.BaseAddress });
    }

    [WebFact]
    public async Task Pages_AreServedAsHtml_WithAStrictContentSecurityPolicy_AndNotCached()
    {
        Repository.EnsureWebBuilt().ShouldBeNull();
        var (server, http) = await StartAsync(Repository.WebDirectory);
        await using var _ = server;
        foreach (var path in new[] { "/anmelden", "/barrierefreiheit", "/aufgaben", "/aufgaben/4f1c.u1" })
        {
            using var response = await http.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/html", path);
            response.Headers.CacheControl!.NoCache.ShouldBeTrue(path);
            var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
            csp.ShouldContain("default-src 'self'");
            csp.ShouldContain("script-src 'self';");
            csp.ShouldContain("frame-ancestors 'none'");
            (await response.Content.ReadAsStringAsync()).ShouldContain("<html lang=\"de\">");
        }
    }

    [WebFact]
    public async Task Assets_AreServedWithTheirType_AndCachedForGood_AndNothingOutsideTheAssetsFolder()
    {
        Repository.EnsureWebBuilt().ShouldBeNull();
        var (server, http) = await StartAsync(Repository.WebDirectory);
        await using var _ = server;
        var html = await http.GetStringAsync("/aufgaben");
        var script = AssetReference().Matches(html).Select(m => m.Value).First(v => v.EndsWith(".js", StringComparison.Ordinal));
        var css = AssetReference().Matches(html).Select(m => m.Value).First(v => v.EndsWith(".css", StringComparison.Ordinal));

        using var js = await http.GetAsync(script);
        js.StatusCode.ShouldBe(HttpStatusCode.OK);
        js.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");
        js.Headers.CacheControl!.ToString().ShouldContain("immutable");
        using var style = await http.GetAsync(css);
        style.Content.Headers.ContentType!.MediaType.ShouldBe("text/css");

        foreach (var bad in new[] { "/assets/../pages/aufgaben.html", "/assets/%2e%2e/pages/aufgaben.html", "/assets/..%2fpages%2faufgaben.html", "/assets/.built", "/assets/nothing.js" })
        {
            using var response = await http.GetAsync(bad);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, bad);
        }
    }

    [Fact]
    public async Task Pages_WhenNotBuilt_Answer503_SayingHowToBuildThem()
    {
        var empty = Directory.CreateTempSubdirectory("egov-web-").FullName;
        var (server, http) = await StartAsync(empty);
        await using var _ = server;
        using var response = await http.GetAsync("/aufgaben");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("./egov");
    }

    [GeneratedRegex("/assets/[A-Za-z0-9._-]+")]
    private static partial Regex AssetReference();
}

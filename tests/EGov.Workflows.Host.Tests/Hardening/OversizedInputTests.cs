using System.Net;
using System.Text;

namespace EGov.Workflows.Host.Tests.Hardening;

/// <summary>
/// Issue 15, bad input: a body of 100 MB, JSON nested 10,000 deep, a variable of 50 MB, 10,000 variables in one request —
/// each refused (413 or 400, a problem saying which limit) before anything is built from it, and the node serves on. The
/// limits are options of serve (README, Limits).
/// </summary>
public sealed class OversizedInputTests
{
    private const string Start = "api/process-definitions/Antrag/start";

    [Fact]
    public async Task ABodyOf100MB_Is413_BeforeItIsRead_AndTheNodeServesOn()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        using var response = await SendLargeAsync(s, Start, 100L * 1024 * 1024, prefix: "{\"variables\":{\"x\":\"", filler: (byte)'a', suffix: "\"}}");
        await TestServer.ShouldBeProblemAsync(response, 413);
        await NodeServesOnAsync(s);
    }

    [Fact]
    public async Task AVariableOf50MB_Is413_AndOneOverTheVariableLimitBelowTheBodyLimit_Is400()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        using (var huge = await SendLargeAsync(s, Start, 50L * 1024 * 1024, prefix: "{\"variables\":{\"akte\":\"", filler: (byte)'a', suffix: "\"}}"))
            await TestServer.ShouldBeProblemAsync(huge, 413);
        var twoMegabytes = new string('a', 2 * 1024 * 1024);
        using (var big = await s.PostRawAsync(Start, "{\"variables\":{\"akte\":\"" + twoMegabytes + "\"}}"))
            (await TestServer.ShouldBeProblemAsync(big, 400))["detail"]!.GetValue<string>().ShouldContain("at most 1048576");
        (await s.GroupTasksAsync()).ShouldBeEmpty("nothing was started");
        await NodeServesOnAsync(s);
    }

    [Fact]
    public async Task JsonNested10000Deep_Is400()
    {
        const string path = Start;
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var body = "{\"variables\":{\"a\":" + new string('[', 10_000) + new string(']', 10_000) + "}}";
        using var response = await s.PostRawAsync(path, body);
        ((int)response.StatusCode).ShouldBe(400, await response.Content.ReadAsStringAsync());
        (await s.GroupTasksAsync()).ShouldBeEmpty("nothing was started");
        await NodeServesOnAsync(s);
    }

    [Fact]
    public async Task TenThousandVariablesInOneRequest_Are400_NamingTheLimit()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn");
        var body = new StringBuilder("{\"variables\":{");
        for (var n = 0; n < 10_000; n++) body.Append(n == 0 ? "" : ",").Append("\"v").Append(n).Append("\":").Append(n);
        body.Append("}}");
        using var response = await s.PostRawAsync(Start, body.ToString());
        (await TestServer.ShouldBeProblemAsync(response, 400))["detail"]!.GetValue<string>().ShouldContain("10000 variables in one command; at most 1000");
        (await s.GroupTasksAsync()).ShouldBeEmpty("nothing was started");
        await NodeServesOnAsync(s);
    }

    [Fact]
    public async Task TheLimits_AreOptionsOfServe()
    {
        await using var s = await TestServer.StartAsync(configure: o => o with
        {
            MaxRequestBodyBytes = 64 * 1024,
            VariableLimits = o.VariableLimits with { MaxVariablesPerCommand = 5, MaxValueLength = 100 },
        });
        await s.DeployAsync("antrag.bpmn");
        using (var large = await SendLargeAsync(s, Start, 128 * 1024, prefix: "{\"variables\":{\"x\":\"", filler: (byte)'a', suffix: "\"}}"))
            await TestServer.ShouldBeProblemAsync(large, 413);
        using (var many = await s.PostRawAsync(Start, """{"variables":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}}"""))
            (await TestServer.ShouldBeProblemAsync(many, 400))["detail"]!.GetValue<string>().ShouldContain("at most 5");
        using (var longValue = await s.PostRawAsync(Start, "{\"variables\":{\"a\":\"" + new string('x', 101) + "\"}}"))
            (await TestServer.ShouldBeProblemAsync(longValue, 400))["detail"]!.GetValue<string>().ShouldContain("at most 100");
        await NodeServesOnAsync(s);
    }

    [Fact]
    public async Task TheJsonDepthLimit_IsAnOptionOfServe_NotOnlyTheSerializersDefault()
    {
        // 20 levels pass the serializer's default of 64, so a refusal here can only come from Limits:MaxJsonDepth.
        static string Nested(int depth) => "{\"variables\":{\"betrag\":1,\"a\":" + new string('[', depth) + new string(']', depth) + "}}";
        await using var s = await TestServer.StartAsync(configure: o => o with { MaxJsonDepth = 10 });
        await s.DeployAsync("antrag.bpmn");
        using (var deep = await s.PostRawAsync(Start, Nested(20)))
            ((int)deep.StatusCode).ShouldBe(400, await deep.Content.ReadAsStringAsync());
        (await s.GroupTasksAsync()).ShouldBeEmpty("nothing was started");
        using (var shallow = await s.PostRawAsync(Start, Nested(5)))
            ((int)shallow.StatusCode).ShouldBeLessThan(300, await shallow.Content.ReadAsStringAsync());
    }

    /// <summary>After the refusal the node is ready and starts a case as before.</summary>
    private static async Task NodeServesOnAsync(TestServer s)
    {
        using (var ready = await s.Anonymous.GetAsync("health/ready")) ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        var id = await s.StartProcessAsync("Antrag", new { variables = new { betrag = 1 } });
        (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("running");
    }

    /// <summary>A JSON body of the given size, made while it is sent (never held whole), announced with Expect: 100-continue.</summary>
    private static async Task<HttpResponseMessage> SendLargeAsync(TestServer s, string path, long size, string prefix, byte filler, string suffix)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new GeneratedContent(size, prefix, filler, suffix) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.ExpectContinue = true;
        return await s.Http.SendAsync(request);
    }

    private sealed class GeneratedContent(long size, string prefix, byte filler, string suffix) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var head = Encoding.UTF8.GetBytes(prefix);
            var tail = Encoding.UTF8.GetBytes(suffix);
            await stream.WriteAsync(head);
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, filler);
            for (var left = size - head.Length - tail.Length; left > 0; left -= chunk.Length)
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
            await stream.WriteAsync(tail);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = size;
            return true;
        }
    }
}

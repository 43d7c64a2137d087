using EGov.Workflows.Host;

namespace EGov.Workflows.Host.Tests;

public sealed class StartupTests
{
    private static string Folder(params string[] models)
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        Directory.CreateDirectory(dir);
        foreach (var m in models) File.Copy(TestServer.ModelPath(m), Path.Combine(dir, m));
        return dir;
    }

    [Fact]
    public async Task ProcessesFolder_IsDeployedAtStart_AndTheBannerSaysWhatIsWhere()
    {
        var output = new StringWriter();
        var options = new ServeOptions { Urls = "http://127.0.0.1:0", Store = "memory", ProcessesDirectory = Folder("antrag.bpmn", "zahlung.bpmn"), Out = output };
        await using (var server = await EGovServer.StartAsync(options))
        {
            server.Engines.Get("default").Catalog.All().Select(d => d.ProcessId).ShouldBe(["Antrag", "Zahlung"]);
            var banner = output.ToString();
            banner.ShouldContain($"listening on {server.BaseAddress.ToString().TrimEnd('/')}");
            banner.ShouldContain("store      memory");
            banner.ShouldContain("2 deployed");
            banner.ShouldContain("Antrag   v1  Antrag prüfen");
            banner.ShouldContain("/openapi/v1.json");
            banner.ShouldContain("/engine-rest");
        }
    }

    [Fact]
    public async Task BrokenModel_RefusesToStart_WithPositionedMessages()
    {
        var err = new StringWriter();
        var code = await EGovServer.RunAsync(new ServeOptions
        {
            Urls = "http://127.0.0.1:0", Store = "memory", ProcessesDirectory = Folder("antrag.bpmn", "kaputt.bpmn"), Error = err,
        });
        code.ShouldBe(1);
        err.ToString().ShouldMatch(@"kaputt\.bpmn:\d+:\d+: error: ");
        err.ToString().ShouldContain("not started");
    }

    [Fact]
    public async Task WrongStoreOrTenant_IsAUsageError()
    {
        var err = new StringWriter();
        (await EGovServer.RunAsync(new ServeOptions { Urls = "http://127.0.0.1:0", Store = "mongo:x", ProcessesDirectory = null, Error = err })).ShouldBe(2);
        err.ToString().ShouldContain("expected memory, sqlite:PATH or postgres:CONNECTION");
        (await EGovServer.RunAsync(new ServeOptions { Urls = "http://127.0.0.1:0", Store = "memory", Tenant = "a b", ProcessesDirectory = null, Error = err })).ShouldBe(2);
    }

    [Fact]
    public void PostgresPassword_IsNotPrinted() =>
        HostStores.Describe("postgres:Host=127.0.0.1;Username=egov;Password=geheim").ShouldNotContain("geheim");
}

using System.Text.Json.Nodes;
using EGov.Workflows.Cli;
using EGov.Workflows.Simulators;
using Microsoft.Extensions.Configuration;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// <c>./egov payments report</c> on a real store (issue 12): cases of a running server pay (or do not) through the
/// XBezahldienste simulator; the report then reads their <c>zahlung</c> rows from the server's SQLite or PostgreSQL store
/// (not from a list made up in the test), asks the simulator, and prints each payment per Buchungsstelle with the
/// mismatches flagged.
/// </summary>
public sealed class PaymentsReportStoreTests
{
    [Theory]
    [MemberData(nameof(StoreUnderTest.Names), MemberType = typeof(StoreUnderTest))]
    public async Task The_report_reads_the_cases_payments_from_the_store_and_flags_what_the_provider_says_otherwise(string store)
    {
        await using var sim = await PaymentSimulator.StartAsync();
        sim.Secret = "report-test-secret";
        var settings = new Dictionary<string, string?>
        {
            ["Packs:Payment:BaseUrl"] = sim.BaseUrl, ["Packs:Payment:OriginatorId"] = "anwohnerparken", ["Packs:Payment:EndpointId"] = "06412000",
            ["Packs:Payment:NotificationSecret"] = "report-test-secret", ["Packs:Payment:RetryDelayMilliseconds"] = "1",
        };
        using var underTest = StoreUnderTest.Of(store, "payments");
        var spec = underTest.Store;
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        string paid, open, unpaid;
        await using (var s = await TestServer.StartAsync(store: spec, configure: o => o with { Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build() }))
        {
            sim.NotifyUrl = new Uri(s.BaseAddress, "api/callbacks/default/payment/notify").ToString();
            await s.DeployAsync("payment-request.bpmn");
            paid = await s.StartProcessAsync("Process_Payment", new { variables = new { gebuehr = 30.70 }, businessKey = "VG-2026-0101" });
            open = await s.StartProcessAsync("Process_Payment", new { variables = new { gebuehr = 61.40 }, businessKey = "VG-2026-0102" });
            unpaid = await s.StartProcessAsync("Process_Payment", new { variables = new { gebuehr = 12.00 }, businessKey = "VG-2026-0103" });
            sim.Transactions.Count.ShouldBe(3);

            // VG-0101: paid, the notification completes the case. VG-0102: paid at the provider, but the notification is lost.
            var first = sim.Transactions.Single(t => t.Amount == 30.70m);
            await sim.PayAsync(first.Id);
            (await s.WaitForStateAsync(paid, "completed"))["variables"]!["paid"]!.GetValue<bool>().ShouldBeTrue();
            sim.SuppressNotifications = true;
            await sim.PayAsync(sim.Transactions.Single(t => t.Amount == 61.40m).Id);
            (await s.InstanceAsync(open))["state"]!.GetValue<string>().ShouldBe("running");
            (await s.InstanceAsync(unpaid))["state"]!.GetValue<string>().ShouldBe("running");
        }

        // VG-0103 is still open at the provider and in the case: that fits. The report runs against the store the server left.
        using var config = new TempJson(new JsonObject { ["Packs"] = new JsonObject { ["Payment"] = new JsonObject
        {
            ["BaseUrl"] = sim.BaseUrl, ["OriginatorId"] = "anwohnerparken", ["EndpointId"] = "06412000", ["RetryDelayMilliseconds"] = 1,
        } } });
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CommandLine.Run(["payments", "report", "--from", today, "--to", today, "--store", spec, "--config", config.Path], stdout, stderr);
        var output = stdout.ToString();
        code.ShouldBe(1, output + stderr);
        output.ShouldContain("Buchungsstelle 1.1220.431000: 3 Zahlung(en), bezahlt 30.70 EUR");
        Line(output, "VG-2026-0101").ShouldStartWith("  ok");
        Line(output, "VG-2026-0101").ShouldContain("30.70 EUR  Vorgang PAYED     Anbieter PAYED");
        Line(output, "VG-2026-0102").ShouldStartWith("  ABWEICHUNG");
        output.ShouldContain("beim Anbieter bezahlt, der Vorgang wartet noch");
        Line(output, "VG-2026-0103").ShouldStartWith("  ok");
        output.ShouldContain("3 Zahlung(en), 1 Abweichung(en)");
        output.ShouldNotContain("report-test-secret");

        // A period without cases: nothing to report, exit 0.
        using var empty = new StringWriter();
        CommandLine.Run(["payments", "report", "--from", "2020-01-01", "--to", "2020-01-31", "--store", spec, "--config", config.Path], empty, stderr).ShouldBe(0, stderr.ToString());
        empty.ToString().ShouldContain("0 Zahlung(en), 0 Abweichung(en)");
    }

    private static string Line(string output, string key) => output.Split('\n').Single(l => l.Contains(key, StringComparison.Ordinal));

    private sealed class TempJson : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"egov-report-{Guid.NewGuid():N}.json");
        public TempJson(JsonNode json) => File.WriteAllText(Path, json.ToJsonString());
        public void Dispose() => File.Delete(Path);
    }
}

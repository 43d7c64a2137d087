using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Simulators;
using Microsoft.Extensions.Configuration;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// The payment pack in a running server: the XBezahldienste simulator posts its signed notification over HTTP to
/// <c>POST /api/callbacks/{tenant}/payment/notify</c> (no sign-in), which resumes the waiting case; a forged one is 401.
/// </summary>
public sealed class PaymentCallbackTests
{
    private const string Secret = "host-test-notification-secret";

    [Fact]
    public async Task The_signed_notification_over_HTTP_completes_the_case_a_forged_one_is_401_a_duplicate_is_ignored()
    {
        await using var sim = await PaymentSimulator.StartAsync();
        sim.Secret = Secret;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Packs:Payment:BaseUrl"] = sim.BaseUrl,
            ["Packs:Payment:OriginatorId"] = "anwohnerparken",
            ["Packs:Payment:EndpointId"] = "06412000",
            ["Packs:Payment:NotificationSecret"] = Secret,
        }).Build();
        await using var s = await TestServer.StartAsync(configure: o => o with { Configuration = configuration });
        sim.NotifyUrl = new Uri(s.BaseAddress, "api/callbacks/default/payment/notify").ToString();
        await s.DeployAsync("payment-request.bpmn");
        var id = await s.StartProcessAsync("Process_Payment", new { variables = new { gebuehr = 30.70 }, businessKey = "VG-2026-0001" });
        var waiting = await s.InstanceAsync(id);
        waiting["state"]!.GetValue<string>().ShouldBe("running", waiting.ToJsonString());
        var t = sim.Transactions.ShouldHaveSingleItem();

        var body = new JsonObject { ["requestId"] = t.RequestId, ["transactionId"] = t.Id, ["status"] = "PAYED" }.ToJsonString();
        using (var forged = new HttpRequestMessage(HttpMethod.Post, "api/callbacks/default/payment/notify") { Content = new StringContent(body, Encoding.UTF8, "application/json") })
        {
            forged.Headers.Add("X-Payment-Signature", PaymentSimulator.Sign("falsch", DateTimeOffset.UtcNow, body));
            using var refused = await s.Anonymous.SendAsync(forged);
            await TestServer.ShouldBeProblemAsync(refused, 401);
        }
        (await s.InstanceAsync(id))["state"]!.GetValue<string>().ShouldBe("running");

        await sim.PayAsync(t.Id);
        sim.Notifications.ShouldHaveSingleItem().Answer.ShouldBe(200);
        var done = await s.WaitForStateAsync(id, "completed");
        done["variables"]!["paid"]!.GetValue<bool>().ShouldBeTrue(done.ToJsonString());
        done.ToJsonString().ShouldNotContain(Secret);

        (await sim.NotifyAsync(t.Id)).ShouldBe(200); // duplicate: acknowledged, nothing changes
        (await s.WaitForStateAsync(id, "completed"))["state"]!.GetValue<string>().ShouldBe("completed");

        using var unknown = await s.Anonymous.PostAsync("api/callbacks/default/nichtda/notify", new StringContent("{}", Encoding.UTF8, "application/json"));
        await TestServer.ShouldBeProblemAsync(unknown, 404);
    }
}

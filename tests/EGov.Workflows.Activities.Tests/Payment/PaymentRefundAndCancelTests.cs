using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Activities.Payment;
using EGov.Workflows.Bpmn.Reading;
using EGov.Workflows.Runtime;
using EGov.Workflows.Sdk;
using EGov.Workflows.Simulators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests.Payment;

/// <summary>
/// payment-refund and the cancel hook of payment-request (<see cref="WorkflowActivity.CancelAsync"/>) against the
/// XBezahldienste simulator: a waiting payment interrupted by the Frist or by cancelling the case is cancelled at the
/// provider; a paid one is refunded in full or in part, never more than was paid, never twice.
/// </summary>
public sealed class PaymentRefundAndCancelTests : IAsyncLifetime
{
    private const string Model = "Payment/PaymentRefundAndCancelTests.bpmn";
    private PaymentSimulator _sim = null!;
    private readonly FakeClock _clock = PackEngine.Clock();
    private WorkflowEngine _engine = null!;
    private ActivityRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        _sim = await PaymentSimulator.StartAsync();
        _sim.Clock = () => _clock.GetCurrentInstant().ToDateTimeOffset();
        _sim.Deliver = NotifyAsync;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Packs:Payment:BaseUrl"] = _sim.BaseUrl, ["Packs:Payment:OriginatorId"] = "anwohnerparken", ["Packs:Payment:EndpointId"] = "06412000",
            ["Packs:Payment:NotificationSecret"] = _sim.Secret, ["Packs:Payment:RetryDelayMilliseconds"] = "1", ["Packs:Payment:TimeoutSeconds"] = "5",
        }).Build();
        var services = new ServiceCollection();
        services.AddEgovPayment(configuration);
        _registry = new ActivityRegistry().AddFrom(services.BuildServiceProvider(), new ActivityPackInfo("Payment", "1.0.0", null));
        _engine = new WorkflowEngine(new WorkflowEngineOptions { Clock = _clock, Activities = _registry });
        var read = new BpmnReader().ReadFile(Path.Combine(AppContext.BaseDirectory, Model));
        read.Definitions.ShouldNotBeNull(string.Join("\n", read.Diagnostics));
        _engine.Deploy("refund.bpmn", read.Definitions);
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private async Task<int> NotifyAsync(string body, string signature)
    {
        var callback = _registry.FindCallback("payment", "notify").ShouldNotBeNull().Create();
        var response = await callback.HandleAsync(new CallbackRequest("default", new Dictionary<string, string> { [NotificationSignature.Header] = signature },
            Encoding.UTF8.GetBytes(body), _clock.GetCurrentInstant().ToDateTimeOffset(), (key, payload) => _engine.ResumeActivityByKey(key, payload)));
        return response.StatusCode;
    }

    private void Advance(Duration by)
    {
        var target = _clock.GetCurrentInstant() + by;
        while (_engine.NextDueTime() is { } due && due <= target)
        {
            if (due > _clock.GetCurrentInstant()) _clock.Reset(due);
            _engine.RunDueJobs();
        }
        _clock.Reset(target);
    }

    [Fact]
    public void A_waiting_payment_interrupted_by_the_Frist_is_cancelled_at_the_provider()
    {
        var id = _engine.StartProcess("Process_Frist", new JsonObject { ["gebuehr"] = 30.70m }, "VG-2026-0101");
        _sim.Transactions.ShouldHaveSingleItem().Status.ShouldBe("INITIAL");

        Advance(Duration.FromMinutes(30));

        var view = _engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Completed);
        view.CompletedCount("End_Frist").ShouldBe(1);
        _sim.Transactions.ShouldHaveSingleItem().Status.ShouldBe("CANCELED"); // the citizen can no longer pay for it
    }

    [Fact]
    public async Task Cancelling_the_case_cancels_its_open_payment_a_paid_one_is_left_alone()
    {
        var open = _engine.StartProcess("Process_Frist", new JsonObject { ["gebuehr"] = 30.70m }, "VG-2026-0102");
        _engine.CancelInstance(open);
        _sim.Transactions.ShouldHaveSingleItem().Status.ShouldBe("CANCELED");

        // An interruption after the engine saw "paid" changes nothing at the provider (the activity ended; nothing waits).
        var paid = _engine.StartProcess("Process_Erstattung", new JsonObject { ["gebuehr"] = 12.00m, ["teilbetrag"] = 1.00m }, "VG-2026-0103");
        var t = _sim.Transactions.Single(x => x.Status == "INITIAL");
        await _sim.PayAsync(t.Id);
        _engine.GetInstance(paid).State.ShouldBe(InstanceState.Completed);
        t.Status.ShouldBe("PARTIALLY_REFUNDED");
    }

    [Fact]
    public async Task A_paid_fee_is_refunded_in_full_with_the_reason()
    {
        var id = _engine.StartProcess("Process_Erstattung", new JsonObject { ["gebuehr"] = 30.70m, ["teilbetrag"] = 30.70m }, "VG-2026-0104");
        var t = _sim.Transactions.ShouldHaveSingleItem();
        await _sim.PayAsync(t.Id);

        var view = _engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Completed);
        view.CompletedCount("End_Erstattet").ShouldBe(1);
        t.Status.ShouldBe("REFUNDED");
        t.Refunded.ShouldBe(30.70m);
        var erstattung = view.Variables["erstattung"]!.AsObject();
        erstattung["betrag"]!.ToJsonString().ShouldBe("30.70");
        erstattung["grund"]!.GetValue<string>().ShouldBe("Antrag zurückgenommen");
        erstattung["transactionId"]!.GetValue<string>().ShouldBe(t.Id);
        t.Refunds.Keys.ShouldHaveSingleItem().ShouldBe(erstattung["requestId"]!.GetValue<string>());
    }

    [Fact]
    public async Task More_than_was_paid_is_the_BPMN_error_REFUND_REFUSED_and_nothing_is_sent()
    {
        var id = _engine.StartProcess("Process_Erstattung", new JsonObject { ["gebuehr"] = 30.70m, ["teilbetrag"] = 50.00m }, "VG-2026-0105");
        var t = _sim.Transactions.ShouldHaveSingleItem();
        await _sim.PayAsync(t.Id);

        var view = _engine.GetInstance(id);
        view.CompletedCount("End_Abgelehnt").ShouldBe(1);
        view.Variables["erstattungsfehler"]!.GetValue<string>().ShouldContain("bezahlt wurden nur 30.70 EUR");
        t.Refunds.ShouldBeEmpty();
        t.Status.ShouldBe("PAYED");
    }

    [Fact]
    public async Task A_refund_the_provider_refuses_is_the_BPMN_error_REFUND_REFUSED()
    {
        var id = _engine.StartProcess("Process_Erstattung", new JsonObject { ["gebuehr"] = 30.70m, ["teilbetrag"] = 20.00m }, "VG-2026-0106");
        var t = _sim.Transactions.ShouldHaveSingleItem();
        // Refunded elsewhere meanwhile (at the Kasse): only 10.70 EUR are left when the case asks for 20.00.
        t.Refunded = 20.70m;
        await _sim.PayAsync(t.Id);

        var view = _engine.GetInstance(id);
        view.CompletedCount("End_Abgelehnt").ShouldBe(1);
        view.Variables["erstattungsfehler"]!.GetValue<string>().ShouldContain("erstattbar");
    }
}

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

/// <summary>payment-request against the XBezahldienste simulator on loopback (<see cref="PaymentSimulator"/>), through the engine and the notification callback.</summary>
public sealed class PaymentRequestTests : IAsyncLifetime
{
    private const string Model = "Payment/PaymentRequestTests.bpmn";
    private const string NotificationSecret = "geheimes-benachrichtigungs-geheimnis";
    private const string ClientSecret = "geheimes-client-passwort";
    private PaymentSimulator _sim = null!;
    private readonly FakeClock _clock = PackEngine.Clock();
    private WorkflowEngine _engine = null!;
    private ActivityRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        _sim = await PaymentSimulator.StartAsync();
        _sim.Secret = NotificationSecret;
        _sim.ClientId = "egov-musterstadt";
        _sim.ClientSecret = ClientSecret;
        _sim.Clock = () => _clock.GetCurrentInstant().ToDateTimeOffset();
        _sim.Deliver = (body, signature) => NotifyAsync(body, signature);
        Start(Settings());
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private Dictionary<string, string?> Settings() => new()
    {
        ["Packs:Payment:BaseUrl"] = _sim.BaseUrl,
        ["Packs:Payment:OriginatorId"] = "anwohnerparken",
        ["Packs:Payment:EndpointId"] = "06412000",
        ["Packs:Payment:TokenUrl"] = _sim.BaseUrl + "/auth/token",
        ["Packs:Payment:ClientId"] = "egov-musterstadt",
        ["Packs:Payment:ClientSecret"] = ClientSecret,
        ["Packs:Payment:NotificationSecret"] = NotificationSecret,
        ["Packs:Payment:PollInterval"] = "PT5M",
        ["Packs:Payment:RetryDelayMilliseconds"] = "1",
        ["Packs:Payment:TimeoutSeconds"] = "5",
    };

    private void Start(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddEgovPayment(configuration);
        _registry = new ActivityRegistry().AddFrom(services.BuildServiceProvider(), new ActivityPackInfo("Payment", "1.0.0", null));
        _engine = new WorkflowEngine(new WorkflowEngineOptions { Clock = _clock, Activities = _registry });
        var read = new BpmnReader().ReadFile(Path.Combine(AppContext.BaseDirectory, Model));
        read.Definitions.ShouldNotBeNull(string.Join("\n", read.Diagnostics));
        _engine.Deploy("payment.bpmn", read.Definitions);
    }

    /// <summary>What the host does with POST /api/callbacks/default/payment/notify.</summary>
    private async Task<int> NotifyAsync(string body, string? signature)
    {
        var callback = _registry.FindCallback("payment", "notify").ShouldNotBeNull().Create();
        var headers = signature is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [NotificationSignature.Header] = signature };
        var response = await callback.HandleAsync(new CallbackRequest("default", headers, Encoding.UTF8.GetBytes(body), _clock.GetCurrentInstant().ToDateTimeOffset(),
            (key, payload) => _engine.ResumeActivityByKey(key, payload)));
        LastAnswer = response.Body;
        return response.StatusCode;
    }

    private string? LastAnswer { get; set; }

    private string StartCase(decimal gebuehr = 30.70m) =>
        _engine.StartProcess("Process_Payment", new JsonObject { ["gebuehr"] = gebuehr }, "VG-2026-0001");

    private PaymentSimulator.Transaction Transaction() => _sim.Transactions.ShouldHaveSingleItem();

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
    public async Task Paid_the_case_waits_then_the_signed_notification_completes_it()
    {
        var id = StartCase();
        var waiting = _engine.GetInstance(id);
        waiting.Incidents.ShouldBeEmpty();
        waiting.Waiting.ShouldBe(["Task_Zahlung"]);
        var t = Transaction();
        var zahlung = waiting.Variables["zahlung"]!.AsObject();
        zahlung["zahlungsUrl"]!.GetValue<string>().ShouldBe($"{_sim.BaseUrl}/pay/{t.Id}");
        zahlung["status"]!.GetValue<string>().ShouldBe("INITIAL");
        waiting.Variables["paid"]!.GetValue<bool>().ShouldBeFalse();
        // What the provider got: the exact amount, EUR, the Aktenzeichen in the purpose, the Buchungsstelle, the return URL.
        t.Request["grosAmount"]!.ToJsonString().ShouldBe("30.70");
        t.Request["currency"]!.GetValue<string>().ShouldBe("EUR");
        t.Purpose.ShouldBe("VG-2026-0001 Bewohnerparkau");
        t.Request["items"]![0]!["bookingData"]!["buchungsstelle"]!.GetValue<string>().ShouldBe("1.1220.431000");
        t.RedirectUrl.ShouldBe("https://buergerportal.example/antrag/zurueck");
        t.RequestId.ShouldBe(zahlung["requestId"]!.GetValue<string>());

        (await _sim.PayAsync(t.Id)).ShouldBe("https://buergerportal.example/antrag/zurueck");

        _sim.Notifications.ShouldHaveSingleItem().Answer.ShouldBe(200);
        var done = _engine.GetInstance(id);
        done.State.ShouldBe(InstanceState.Completed);
        done.CompletedCount("End_Bezahlt").ShouldBe(1);
        done.Variables["paid"]!.GetValue<bool>().ShouldBeTrue();
        done.Variables["zahlungsreferenz"]!.GetValue<string>().ShouldBe(t.Reference);
        done.Variables["zahlung"]!["status"]!.GetValue<string>().ShouldBe("PAYED");
    }

    [Fact]
    public void Secrets_never_reach_the_variables()
    {
        var id = StartCase();
        var text = _engine.GetInstance(id).Variables.ToJsonString();
        text.ShouldNotContain(ClientSecret);
        text.ShouldNotContain(NotificationSecret);
    }

    [Fact]
    public async Task A_forged_unsigned_or_replayed_notification_is_refused_with_401_and_changes_nothing()
    {
        var id = StartCase();
        var t = Transaction();
        var body = new JsonObject { ["requestId"] = t.RequestId, ["transactionId"] = t.Id, ["status"] = "PAYED", ["grosAmount"] = 30.70m, ["currency"] = "EUR" }.ToJsonString();
        var now = _clock.GetCurrentInstant().ToDateTimeOffset();

        (await NotifyAsync(body, PaymentSimulator.Sign("falsches-geheimnis", now, body))).ShouldBe(401);
        (await NotifyAsync(body, null)).ShouldBe(401);
        (await NotifyAsync(body, PaymentSimulator.Sign(NotificationSecret, now.AddMinutes(-10), body))).ShouldBe(401);
        var tampered = PaymentSimulator.Sign(NotificationSecret, now, body);
        (await NotifyAsync(body.Replace("30.70", "0.01", StringComparison.Ordinal), tampered)).ShouldBe(401);
        LastAnswer.ShouldNotBeNull().ShouldNotContain(NotificationSecret);

        var view = _engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Running);
        view.Waiting.ShouldBe(["Task_Zahlung"]);
        view.Variables["paid"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task A_signed_notification_that_claims_paid_is_not_believed_the_provider_is_asked()
    {
        var id = StartCase();
        var t = Transaction(); // still INITIAL at the provider
        var body = new JsonObject { ["requestId"] = t.RequestId, ["transactionId"] = t.Id, ["status"] = "PAYED", ["grosAmount"] = 30.70m }.ToJsonString();

        (await NotifyAsync(body, PaymentSimulator.Sign(NotificationSecret, _clock.GetCurrentInstant().ToDateTimeOffset(), body))).ShouldBe(200);

        var view = _engine.GetInstance(id);
        view.Waiting.ShouldBe(["Task_Zahlung"]);
        view.Variables["paid"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task A_duplicate_or_late_notification_is_acknowledged_and_changes_nothing()
    {
        _sim.DuplicateNotifications = true;
        var id = StartCase();
        var t = Transaction();

        await _sim.PayAsync(t.Id);
        await _sim.NotifyAsync(t.Id); // late, after the case went on

        _sim.Notifications.Select(n => n.Answer).ShouldBe([200, 200, 200]);
        LastAnswer.ShouldNotBeNull().ShouldContain("ignored");
        var view = _engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Completed);
        view.CompletedCount("Task_Zahlung").ShouldBe(1);
        view.CompletedCount("End_Bezahlt").ShouldBe(1);
    }

    [Fact]
    public async Task A_notification_for_an_unknown_payment_is_acknowledged_and_ignored()
    {
        var body = new JsonObject { ["requestId"] = "egov-unbekannt", ["transactionId"] = "t-unbekannt", ["status"] = "PAYED" }.ToJsonString();
        (await NotifyAsync(body, PaymentSimulator.Sign(NotificationSecret, _clock.GetCurrentInstant().ToDateTimeOffset(), body))).ShouldBe(200);
        LastAnswer.ShouldNotBeNull().ShouldContain("ignored");
    }

    [Fact]
    public async Task Without_a_notification_the_poll_finds_the_payment_and_BOOKED_counts_as_paid()
    {
        _sim.SuppressNotifications = true;
        _sim.PaidStatus = "BOOKED";
        var id = StartCase();
        await _sim.PayAsync(Transaction().Id);
        _engine.GetInstance(id).Waiting.ShouldBe(["Task_Zahlung"]);

        Advance(Duration.FromMinutes(5));

        var view = _engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Completed);
        view.Variables["paid"]!.GetValue<bool>().ShouldBeTrue();
        view.Variables["zahlung"]!["providerStatus"]!.GetValue<string>().ShouldBe("BOOKED");
    }

    [Fact]
    public async Task Cancelled_by_the_citizen_is_the_BPMN_error_PAYMENT_CANCELED()
    {
        var id = StartCase();
        await _sim.CancelByCitizenAsync(Transaction().Id);
        var view = _engine.GetInstance(id);
        view.CompletedCount("End_Abgebrochen").ShouldBe(1);
        view.Variables["zahlung"]!["status"]!.GetValue<string>().ShouldBe("CANCELED");
    }

    [Fact]
    public async Task Declined_is_the_BPMN_error_PAYMENT_FAILED()
    {
        _sim.Declined = true;
        var id = StartCase();
        await _sim.PayAsync(Transaction().Id);
        var view = _engine.GetInstance(id);
        view.CompletedCount("End_Fehlgeschlagen").ShouldBe(1);
        view.Variables["fehler"]!.GetValue<string>().ShouldStartWith("Die Zahlung ist fehlgeschlagen");
    }

    [Fact]
    public void Never_paid_it_is_polled_until_its_deadline_then_cancelled_at_the_provider_PAYMENT_EXPIRED()
    {
        var id = StartCase();
        Advance(Duration.FromMinutes(59));
        _engine.GetInstance(id).Waiting.ShouldBe(["Task_Zahlung"]);
        var polls = _sim.Requests;

        Advance(Duration.FromMinutes(1));

        var view = _engine.GetInstance(id);
        view.CompletedCount("End_Abgelaufen").ShouldBe(1);
        Transaction().Status.ShouldBe("CANCELED");
        _sim.Requests.ShouldBeGreaterThan(polls);
    }

    [Fact]
    public void Provider_down_is_retried_with_back_off_then_an_incident()
    {
        _sim.Down = true;
        var id = StartCase();
        _engine.GetInstance(id).Incidents.ShouldBeEmpty(); // the first failure waits for the engine's retry
        _sim.Requests.ShouldBe(3); // the token request and its two retries (Retries = 2)

        PackEngine.RunRetries(_engine, _clock);

        var incident = _engine.GetInstance(id).Incidents.ShouldHaveSingleItem();
        incident.ElementId.ShouldBe("Task_Zahlung");
        incident.Message.ShouldContain("503");
        incident.Message.ShouldNotContain(ClientSecret);
        _sim.Requests.ShouldBe(9);
    }

    [Fact]
    public async Task After_an_outage_the_retry_finds_the_same_payment_nothing_is_created_twice()
    {
        var id = StartCase();
        var first = Transaction();
        // The same request id again (a retry after a crash): the provider answers the same transaction.
        _engine.GetInstance(id).Variables["zahlung"]!["requestId"]!.GetValue<string>().ShouldBe(first.RequestId);
        await _sim.PayAsync(first.Id);
        _sim.Transactions.Count.ShouldBe(1);
        _engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
    }

    [Fact]
    public async Task A_paid_amount_other_than_requested_is_not_accepted_but_an_incident()
    {
        _sim.ReportedAmount = 1.00m;
        var id = StartCase();
        await _sim.PayAsync(Transaction().Id);
        PackEngine.RunRetries(_engine, _clock);
        var view = _engine.GetInstance(id);
        view.CompletedCount("End_Bezahlt").ShouldBe(0);
        view.Incidents.ShouldHaveSingleItem().Message.ShouldContain("30.70 EUR were requested");
    }

    [Fact]
    public void A_missing_setting_is_an_incident_that_names_it()
    {
        var settings = Settings();
        settings.Remove("Packs:Payment:EndpointId");
        Start(settings);
        var id = StartCase();
        PackEngine.RunRetries(_engine, _clock);
        _engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("Packs:Payment:EndpointId");
    }

    [Fact]
    public void Purpose_keeps_the_Aktenzeichen_first_within_27_allowed_characters()
    {
        PaymentRequestActivity.Purpose("32.1/2026-0815", "Bewohnerparkausweis Zone A").ShouldBe("32-1-2026-0815 Bewohnerpark");
        PaymentStatus.Parse("BOOKED").ShouldBe(PaymentState.Paid);
        PaymentStatus.Parse("PAYED").ShouldBe(PaymentState.Paid);
        PaymentStatus.Parse("CANCELLED").ShouldBe(PaymentState.Canceled);
        PaymentStatus.Parse("INITIAL").ShouldBe(PaymentState.Open);
    }
}

using System.Text.Json.Nodes;
using EGov.Workflows.Activities.Payment;
using EGov.Workflows.Simulators;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Activities.Tests.Payment;

/// <summary>The reconciliation behind <c>./egov payments report</c> against the XBezahldienste simulator: what fits, and each kind of mismatch.</summary>
public sealed class PaymentReconciliationTests : IAsyncLifetime
{
    private PaymentSimulator _sim = null!;
    private XBezahldiensteProvider _provider = null!;
    private PaymentOptions _options = null!;

    public async Task InitializeAsync()
    {
        _sim = await PaymentSimulator.StartAsync();
        _sim.SuppressNotifications = true;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Packs:Payment:BaseUrl"] = _sim.BaseUrl, ["Packs:Payment:OriginatorId"] = "anwohnerparken", ["Packs:Payment:EndpointId"] = "06412000",
            ["Packs:Payment:RetryDelayMilliseconds"] = "1",
        }).Build();
        var services = new ServiceCollection();
        services.AddEgovPayment(configuration);
        var provider = services.BuildServiceProvider();
        _provider = provider.GetRequiredService<XBezahldiensteProvider>();
        _options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<PaymentOptions>>().Get("default");
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private async Task<string> CreateAsync(string requestId, decimal amount)
    {
        var created = await _provider.CreateAsync(_options, "default", new XPaymentRequest
        {
            RequestId = requestId, RequestTimestamp = "2026-12-03T09:00:00Z", GrosAmount = amount, Purpose = "VG-1 Parkausweis",
            Items = [new XPaymentItem { Id = "1", TotalNetAmount = amount, SingleNetAmount = amount }],
        }, default);
        return ((ProviderResult.Ok)created).Transaction.PaymentInformation!.TransactionId!;
    }

    private static ExpectedPayment Case(string id, string transactionId, decimal betrag, string status, bool ended = true, decimal? erstattet = null) =>
        new(id, "VG-" + id, ended, new JsonObject
        {
            ["transactionId"] = transactionId, ["betrag"] = betrag, ["status"] = status, ["buchungsstelle"] = "1.1220.431000",
        }, erstattet is { } e ? new JsonObject { ["betrag"] = e } : null);

    [Fact]
    public async Task Paid_in_case_and_at_the_provider_fits_every_mismatch_is_named()
    {
        var ok = await CreateAsync("egov-r1", 30.70m);
        await _sim.PayAsync(ok);
        var paidButCancelled = await CreateAsync("egov-r2", 30.70m);
        await _sim.PayAsync(paidButCancelled);
        var caseSaysPaid = await CreateAsync("egov-r3", 12.00m);
        var refunded = await CreateAsync("egov-r4", 20.00m);
        await _sim.PayAsync(refunded);

        var rows = await PaymentReconciliation.ReconcileAsync(
        [
            Case("1", ok, 30.70m, "PAYED"),
            Case("2", paidButCancelled, 30.70m, "CANCELED"),
            Case("3", caseSaysPaid, 12.00m, "PAYED"),
            Case("4", refunded, 20.00m, "PAYED", erstattet: 5.00m),
            Case("5", "gibt-es-nicht", 9.00m, "PAYED"),
            Case("6", ok, 31.00m, "PAYED"),
        ], _provider, _options, "default", default);

        rows[0].Abweichungen.ShouldBeEmpty();
        rows[0].ProviderStatus.ShouldBe("PAYED");
        rows[0].Buchungsstelle.ShouldBe("1.1220.431000");
        rows[1].Abweichungen.ShouldHaveSingleItem().ShouldContain("erwartet keine Zahlung mehr (CANCELED)");
        rows[2].Abweichungen.ShouldHaveSingleItem().ShouldBe("im Vorgang bezahlt, beim Anbieter INITIAL");
        rows[3].Abweichungen.ShouldHaveSingleItem().ShouldBe("im Vorgang 5.00 EUR erstattet, beim Anbieter 0.00 EUR");
        rows[4].Abweichungen.ShouldHaveSingleItem().ShouldBe("dem Anbieter unbekannt");
        rows[5].Abweichungen.ShouldHaveSingleItem().ShouldBe("Betrag beim Anbieter 30.70 EUR, im Vorgang 31.00 EUR");
    }
}

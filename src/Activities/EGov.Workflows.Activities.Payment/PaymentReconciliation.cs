using System.Globalization;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Activities.Payment;

/// <summary>One payment a case expects (its variable <c>zahlung</c>, and <c>erstattung</c> when refunded).</summary>
public sealed record ExpectedPayment(string InstanceId, string? Aktenzeichen, bool CaseEnded, JsonObject Zahlung, JsonObject? Erstattung);

/// <summary>One line of the reconciliation: what the case expects, what the provider says, and what does not fit (empty: all fits).</summary>
public sealed record ReconciledPayment(
    string Buchungsstelle, string InstanceId, string? Aktenzeichen, string? TransactionId, decimal? Betrag, string CaseStatus,
    string? ProviderStatus, decimal? ProviderBetrag, decimal? Erstattet, IReadOnlyList<string> Abweichungen);

/// <summary>
/// Compares the payments the cases expect with the provider's records (<c>./egov payments report</c>): per payment the
/// provider's status is queried; a payment is flagged when the case counts it paid and the provider does not, when the
/// provider has it paid and the case does not (a cancelled or failed case, or one still waiting), when the amounts differ,
/// when a refund the case made is not at the provider, or when the provider does not know the transaction.
/// </summary>
public static class PaymentReconciliation
{
    public static async Task<IReadOnlyList<ReconciledPayment>> ReconcileAsync(IEnumerable<ExpectedPayment> expected, IPaymentProvider provider,
        PaymentOptions options, string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(provider);
        var result = new List<ReconciledPayment>();
        foreach (var e in expected)
        {
            var z = e.Zahlung;
            var transactionId = Text(z["transactionId"]);
            var betrag = Amount(z["betrag"]);
            var caseStatus = Text(z["status"]) ?? "INITIAL";
            var erstattet = Amount(e.Erstattung?["betrag"]);
            var flags = new List<string>();
            string? providerStatus = null;
            decimal? providerAmount = null;
            if (transactionId is null) flags.Add("keine Transaktions-ID im Vorgang");
            else
            {
                switch (await provider.GetAsync(options, tenantId, transactionId, cancellationToken).ConfigureAwait(false))
                {
                    case ProviderResult.Ok ok:
                        providerStatus = ok.Transaction.PaymentInformation?.Status;
                        providerAmount = ok.Transaction.PaymentRequest?.GrosAmount;
                        var providerRefunded = ok.Transaction.PaymentInformation?.RefundedAmount ?? 0m;
                        var atProvider = Kind(providerStatus);
                        var inCase = PaymentStatus.Parse(caseStatus);
                        if (inCase == PaymentState.Paid && atProvider is not (ProviderKind.Paid or ProviderKind.Refunded))
                            flags.Add($"im Vorgang bezahlt, beim Anbieter {providerStatus}");
                        if (inCase != PaymentState.Paid && atProvider is ProviderKind.Paid or ProviderKind.Refunded)
                            flags.Add(e.CaseEnded || inCase != PaymentState.Open
                                ? $"beim Anbieter bezahlt, der Vorgang erwartet keine Zahlung mehr ({caseStatus})"
                                : "beim Anbieter bezahlt, der Vorgang wartet noch");
                        if (providerAmount is { } pa && betrag is { } b && pa != b)
                            flags.Add($"Betrag beim Anbieter {Euro(pa)} EUR, im Vorgang {Euro(b)} EUR");
                        if (erstattet is { } refundedInCase && refundedInCase != providerRefunded)
                            flags.Add($"im Vorgang {Euro(refundedInCase)} EUR erstattet, beim Anbieter {Euro(providerRefunded)} EUR");
                        if (erstattet is null && providerRefunded > 0)
                            flags.Add($"beim Anbieter {Euro(providerRefunded)} EUR erstattet, im Vorgang nichts");
                        break;
                    case ProviderResult.Refused { StatusCode: 404 }:
                        flags.Add("dem Anbieter unbekannt");
                        break;
                    case ProviderResult.Refused r:
                        flags.Add($"Abfrage abgelehnt: {r.StatusCode} {r.Code}");
                        break;
                    case ProviderResult.Unreachable u:
                        flags.Add($"Anbieter nicht erreichbar: {u.Reason}");
                        break;
                }
            }
            result.Add(new ReconciledPayment(Text(z["buchungsstelle"]) ?? "(ohne Buchungsstelle)", e.InstanceId, e.Aktenzeichen ?? Text(z["aktenzeichen"]),
                transactionId, betrag, caseStatus, providerStatus, providerAmount, erstattet, flags));
        }
        return result;
    }

    private enum ProviderKind { Open, Paid, Refunded, Other }

    private static ProviderKind Kind(string? status) => status?.ToUpperInvariant() switch
    {
        "REFUNDED" or "PARTIALLY_REFUNDED" => ProviderKind.Refunded,
        _ => PaymentStatus.Parse(status) switch { PaymentState.Paid => ProviderKind.Paid, PaymentState.Open => ProviderKind.Open, _ => ProviderKind.Other },
    };

    public static string Euro(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);

    private static decimal? Amount(JsonNode? n) =>
        n is JsonValue v && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

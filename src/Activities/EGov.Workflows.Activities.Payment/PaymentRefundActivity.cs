using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Activities.Payment;

/// <summary>
/// <c>payment-refund</c>: refunds (part of) a payment that <c>payment-request</c> took — the whole amount, or <c>betrag</c> —
/// at the tenant's e-payment platform, with a reason, under a request id derived from tenant, instance and element (a
/// retried step refunds nothing twice). The payment is the variable <c>zahlung</c> (or the input of that name). A refund
/// the provider refuses (not paid, more than is left, already refunded) is the BPMN error <c>REFUND_REFUSED</c>; an
/// amount above the payment's is refused before anything is sent (the same error); a provider that cannot be reached is
/// a technical failure (retried, then an incident).
/// </summary>
[Activity("payment-refund", Description = "Bezahlte Gebühr ganz oder teilweise erstatten (XBezahldienste-Anbieter)")]
public sealed class PaymentRefundActivity(
    IOptionsMonitor<PaymentOptions> options, XBezahldiensteProvider provider, OfflinePaymentProvider offline, ILogger<PaymentRefundActivity> logger) : WorkflowActivity
{
    public const string Refused = "REFUND_REFUSED";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("zahlung", ActivityValueType.Object, Required: true, "Die Zahlung aus payment-request (Variable zahlung mit transactionId und betrag)"),
        new("grund", ActivityValueType.String, Required: true, "Grund der Erstattung (z. B. Antrag zurückgenommen)"),
        new("betrag", ActivityValueType.Number, Description: "Zu erstattender Betrag in Euro (Standard: der ganze bezahlte Betrag)"),
        new("idempotencyKey", ActivityValueType.String, Description: "Schlüssel für die Anfrage-Id (Standard: Mandant, Vorgang und Element)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
        [new("erstattung", ActivityValueType.Object, Description: "{ requestId, transactionId, betrag, grund, status, erstattetAm }")];

    public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var o = options.Get(context.TenantId);
        if (PaymentRequestActivity.Missing(o, context.TenantId) is { } missing) return ActivityResult.Fail(missing.Replace("payment-request:", "payment-refund:", StringComparison.Ordinal));
        if (context.Input("zahlung") is not JsonObject zahlung || Text(zahlung["transactionId"]) is not { Length: > 0 } transactionId)
            return ActivityResult.Fail("payment-refund: the input 'zahlung' (the record payment-request wrote, with its transactionId) is missing");
        var paid = Amount(zahlung["betrag"]);
        if (Text(zahlung["status"]) is { } status && status != "PAYED")
            return ActivityResult.BpmnError(Refused, $"Die Zahlung ist nicht bezahlt (Status {status}); es gibt nichts zu erstatten.");
        var amount = context.GetDecimal("betrag") ?? paid;
        if (amount is not { } betrag || betrag <= 0 || decimal.Round(betrag, 2) != betrag)
            return ActivityResult.Fail($"payment-refund: the amount (betrag) must be a number of euros above 0 with at most two decimals; found {context.Input("betrag")?.ToJsonString() ?? "nothing"}");
        if (paid is { } p && betrag > p)
            return ActivityResult.BpmnError(Refused, $"Erstattet werden sollen {Euro(betrag)} EUR, bezahlt wurden nur {Euro(p)} EUR.");
        var grund = context.GetString("grund")?.Trim();
        if (string.IsNullOrEmpty(grund)) return ActivityResult.Fail("payment-refund: the input 'grund' is empty");

        var requestId = RequestId(context);
        var refund = new XRefundRequest { RequestId = requestId, GrosAmount = betrag + 0.00m, Reason = grund.Length > 250 ? grund[..250] : grund };
        var result = await (o.Provider == PaymentProviderKind.Offline ? (IPaymentProvider)offline : provider)
            .RefundAsync(o, context.TenantId, transactionId, refund, context.CancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case ProviderResult.Ok ok:
                if (logger.IsEnabled(LogLevel.Information))
                    logger.LogInformation("payment-refund: {Amount} EUR of transaction {TransactionId} refunded ({RequestId}) for instance {Instance}",
                        Euro(betrag), transactionId, requestId, context.ProcessInstanceId);
                return ActivityResult.Complete(new JsonObject
                {
                    ["erstattung"] = new JsonObject
                    {
                        ["requestId"] = requestId, ["transactionId"] = transactionId, ["betrag"] = betrag + 0.00m, ["grund"] = refund.Reason,
                        ["status"] = ok.Transaction.PaymentInformation?.Status ?? "REFUNDED",
                        ["erstattetAm"] = context.Now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    },
                });
            case ProviderResult.Refused r when r.StatusCode is 409 or 422 or 400:
                logger.LogWarning("payment-refund: the provider refused the refund of transaction {TransactionId}: {Code} {Text}", transactionId, r.Code, r.Text);
                return ActivityResult.BpmnError(Refused, $"Der Bezahldienst lehnt die Erstattung ab: {r.Text}");
            case ProviderResult.Refused r:
                return ActivityResult.Fail($"payment-refund: the provider refused the refund of transaction {transactionId}: {r.StatusCode} {r.Code}: {r.Text}");
            case ProviderResult.Unreachable u:
                return ActivityResult.Fail($"payment-refund: {u.Reason}");
            default:
                throw new InvalidOperationException("unknown provider result");
        }
    }

    /// <summary><c>egovr-</c> and 30 hex digits of SHA-256 over tenant, instance and element (or the idempotencyKey): 36 characters.</summary>
    internal static string RequestId(ActivityContext context)
    {
        var key = context.GetString("idempotencyKey") is { Length: > 0 } k ? $"{context.TenantId}/{k}" : $"{context.TenantId}/{context.ProcessInstanceId}/{context.ElementId}";
        return "egovr-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("refund\n" + key)))[..30];
    }

    private static string Euro(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);

    private static decimal? Amount(JsonNode? n) =>
        n is JsonValue v && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}

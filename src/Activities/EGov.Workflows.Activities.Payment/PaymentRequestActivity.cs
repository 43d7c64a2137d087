using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Activities.Payment;

/// <summary>
/// <c>payment-request</c>: creates a payment for the case at the tenant's e-payment platform (XBezahldienste: amount as
/// exact decimal in EUR, Verwendungszweck with the Aktenzeichen, Buchungsstelle, the citizen's return URL) under a request
/// id derived from tenant, instance and element (a retried or repeated call creates nothing twice), then waits. The
/// variable <c>zahlung</c> holds the link the citizen pays on (<c>zahlungsUrl</c>). It is resumed by the provider's signed
/// notification (<see cref="PaymentNotificationCallback"/>), which only prompts a status query, or by its own poll every
/// <see cref="PaymentOptions.PollInterval"/>; the provider's status decides: PAYED/BOOKED completes (<c>paid</c> = true,
/// after checking amount and currency against the request), FAILED is the BPMN error <c>PAYMENT_FAILED</c>, CANCELED
/// <c>PAYMENT_CANCELED</c>; a payment still open at its deadline is cancelled at the provider: <c>PAYMENT_EXPIRED</c>.
/// A provider that cannot be reached (after retries with back-off) or refuses the request is a technical failure:
/// the engine retries, then an incident.
/// </summary>
[Activity("payment-request", Description = "Gebühr über die E-Payment-Plattform bezahlen lassen (XBezahldienste, ePayBL, pmPayment)")]
public sealed partial class PaymentRequestActivity(
    IOptionsMonitor<PaymentOptions> options, XBezahldiensteProvider provider, OfflinePaymentProvider offline, ILogger<PaymentRequestActivity> logger) : WorkflowActivity
{
    public const string Failed = "PAYMENT_FAILED", Canceled = "PAYMENT_CANCELED", Expired = "PAYMENT_EXPIRED";
    public const decimal MaxAmount = 999_999m;

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("betrag", ActivityValueType.Number, Required: true, "Betrag in Euro (z. B. 30.70)"),
        new("verwendungszweck", ActivityValueType.String, Required: true, "Verwendungszweck (mit dem Aktenzeichen höchstens 27 Zeichen beim Anbieter)"),
        new("aktenzeichen", ActivityValueType.String, Description: "Aktenzeichen (Standard: Business Key des Vorgangs)"),
        new("buchungsstelle", ActivityValueType.String, Description: "Haushalts- bzw. Buchungsstelle (bookingData des Anbieters)"),
        new("beschreibung", ActivityValueType.String, Description: "Beschreibung für die Zahlungsseite (bis 250 Zeichen)"),
        new("rueckkehrUrl", ActivityValueType.String, Description: "Wohin die Bürgerin / der Bürger nach dem Bezahlen zurückkehrt (Standard: Einstellung ReturnUrl)"),
        new("zahler", ActivityValueType.Object, Description: "{ name, email } der zahlenden Person (optional)"),
        new("zahlungsfrist", ActivityValueType.String, Description: "Wie lange die Zahlung offen bleiben darf (ISO-8601, z. B. PT24H; Standard: Einstellung ExpiresAfter)"),
        new("idempotencyKey", ActivityValueType.String, Description: "Schlüssel für die Anfrage-Id (Standard: Mandant, Vorgang und Element)"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("zahlung", ActivityValueType.Object, Description: "{ requestId, transactionId, kassenzeichen, zahlungsUrl, status, betrag, waehrung, verwendungszweck, aktenzeichen, buchungsstelle, angelegtAm, ablaufAm, bezahltAm, zahlungsart }"),
        new("paid", ActivityValueType.Boolean, Description: "true, sobald der Anbieter die Zahlung bestätigt"),
        new("zahlungsreferenz", ActivityValueType.String, Description: "Kassenzeichen des Anbieters (bei Zahlung)"),
    ];

    public override async Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var o = options.Get(context.TenantId);
        if (Missing(o, context.TenantId) is { } missing) return ActivityResult.Fail(missing);
        var amount = context.GetDecimal("betrag");
        if (amount is not { } betrag || betrag <= 0 || betrag > MaxAmount || decimal.Round(betrag, 2) != betrag)
            return ActivityResult.Fail($"payment-request: the amount (betrag) must be a number of euros above 0 and at most {MaxAmount} with at most two decimals; found {context.Input("betrag")?.ToJsonString() ?? "nothing"}");
        betrag += 0.00m; // money with two decimals: 30.7 is sent as 30.70
        var zweck = context.GetString("verwendungszweck")?.Trim();
        if (string.IsNullOrEmpty(zweck)) return ActivityResult.Fail("payment-request: the input 'verwendungszweck' is empty");
        if (Duration(context.GetString("zahlungsfrist") ?? o.ExpiresAfter) is not { } expiresAfter)
            return ActivityResult.Fail($"payment-request: the payment deadline '{context.GetString("zahlungsfrist") ?? o.ExpiresAfter}' is not an ISO-8601 duration such as PT24H");

        var aktenzeichen = context.GetString("aktenzeichen") is { Length: > 0 } az ? az : context.BusinessKey ?? context.ProcessInstanceId;
        var buchungsstelle = context.GetString("buchungsstelle");
        var requestId = RequestId(context);
        var booking = new Dictionary<string, string> { ["aktenzeichen"] = aktenzeichen };
        if (!string.IsNullOrWhiteSpace(buchungsstelle)) booking["buchungsstelle"] = buchungsstelle;
        var zahler = context.Input("zahler") as JsonObject;
        var request = new XPaymentRequest
        {
            RequestId = requestId,
            RequestTimestamp = context.Now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            GrosAmount = betrag,
            Purpose = Purpose(aktenzeichen, zweck),
            Description = Truncate(context.GetString("beschreibung") ?? zweck, 250),
            RedirectUrl = context.GetString("rueckkehrUrl") is { Length: > 0 } back ? back : o.ReturnUrl,
            Items = [new XPaymentItem
            {
                Id = "1", Reference = Truncate(aktenzeichen, 36), Description = Truncate(zweck, 250), Quantity = 1,
                TotalNetAmount = betrag, SingleNetAmount = betrag, BookingData = booking,
            }],
            Requestor = zahler is null ? null : new XRequestor { Name = Text(zahler["name"]), Email = Text(zahler["email"]) },
        };

        var created = await Provider(o).CreateAsync(o, context.TenantId, request, context.CancellationToken).ConfigureAwait(false);
        switch (created)
        {
            case ProviderResult.Ok ok:
                var info = ok.Transaction.PaymentInformation!;
                var zahlung = new JsonObject
                {
                    ["requestId"] = requestId,
                    ["transactionId"] = info.TransactionId,
                    ["kassenzeichen"] = info.TransactionReference,
                    ["zahlungsUrl"] = info.TransactionRedirectUrl,
                    ["status"] = info.Status ?? "INITIAL",
                    ["betrag"] = betrag,
                    ["waehrung"] = "EUR",
                    ["verwendungszweck"] = request.Purpose,
                    ["aktenzeichen"] = aktenzeichen,
                    ["buchungsstelle"] = buchungsstelle,
                    ["angelegtAm"] = Iso(context.Now),
                    ["ablaufAm"] = Iso(context.Now + expiresAfter),
                };
                if (logger.IsEnabled(LogLevel.Information))
                    logger.LogInformation("payment-request: payment {RequestId} created as transaction {TransactionId} for instance {Instance} at {Element}",
                        requestId, info.TransactionId, context.ProcessInstanceId, context.ElementId);
                return await DecideAsync(context, o, zahlung, info, ok.Transaction.PaymentRequest).ConfigureAwait(false);
            case ProviderResult.Refused r:
                return ActivityResult.Fail($"payment-request: the provider refused the payment {requestId}: {r.StatusCode} {r.Code}: {r.Text}");
            case ProviderResult.Unreachable u:
                return ActivityResult.Fail($"payment-request: {u.Reason}");
            default:
                throw new InvalidOperationException("unknown provider result");
        }
    }

    /// <summary>
    /// A notification (payload <c>{ notification: { … } }</c>, already checked by its signature), the poll (payload null) or a
    /// command resumes the wait. The provider is asked for the status in every case (a notification is only a prompt); in
    /// <see cref="PaymentProviderKind.Offline"/> mode the payload's <c>status</c> is the outcome.
    /// </summary>
    public override async Task<ActivityResult> ResumeAsync(ActivityContext context, JsonNode? payload)
    {
        var o = options.Get(context.TenantId);
        if (context.Input("zahlung")?.DeepClone() is not JsonObject zahlung || Text(zahlung["transactionId"]) is not { Length: > 0 } transactionId)
            return ActivityResult.Fail("payment-request: the waiting payment's record (variable 'zahlung' with its transactionId) is missing, so its status cannot be queried");
        var notification = payload?["notification"] as JsonObject;
        if (notification is not null && Text(notification["transactionId"]) is { } claimed && claimed != transactionId)
            logger.LogWarning("payment-request: a notification for payment {RequestId} names transaction {Claimed}, not {TransactionId}; the provider's status decides",
                Text(zahlung["requestId"]), claimed, transactionId);
        if (notification?["grosAmount"] is JsonValue claimedAmount && zahlung["betrag"] is JsonValue requestedAmount
            && claimedAmount.ToJsonString() is var claimedText && requestedAmount.ToJsonString() is var requestedText
            && decimal.TryParse(claimedText, NumberStyles.Float, CultureInfo.InvariantCulture, out var ca)
            && decimal.TryParse(requestedText, NumberStyles.Float, CultureInfo.InvariantCulture, out var ra) && ca != ra)
            logger.LogWarning("payment-request: a notification for payment {RequestId} claims {Claimed} EUR, {Requested} EUR were requested; the provider's status decides",
                Text(zahlung["requestId"]), claimedText, requestedText);
        if (o.Provider == PaymentProviderKind.Offline)
        {
            var status = Text(payload?["status"]) ?? Text(notification?["status"]) ?? "INITIAL";
            if (Text(payload?["kassenzeichen"]) is { Length: > 0 } kassenzeichen) zahlung["kassenzeichen"] = kassenzeichen;
            return await DecideAsync(context, o, zahlung, new XPaymentInformation { TransactionId = transactionId, Status = status }, null).ConfigureAwait(false);
        }
        if (Missing(o, context.TenantId) is { } missing) return ActivityResult.Fail(missing);
        var queried = await Provider(o).GetAsync(o, context.TenantId, transactionId, context.CancellationToken).ConfigureAwait(false);
        switch (queried)
        {
            case ProviderResult.Ok ok:
                return await DecideAsync(context, o, zahlung, ok.Transaction.PaymentInformation!, ok.Transaction.PaymentRequest).ConfigureAwait(false);
            case ProviderResult.Refused r:
                return ActivityResult.Fail($"payment-request: the provider refused the status query of transaction {transactionId}: {r.StatusCode} {r.Code}: {r.Text}");
            case ProviderResult.Unreachable u when !PastDeadline(context, zahlung):
                // The poll is the fallback: an outage before the deadline is only logged, the next poll asks again.
                logger.LogWarning("payment-request: status of payment {RequestId} not available, asked again later: {Reason}", Text(zahlung["requestId"]), u.Reason);
                return Wait(context, o, zahlung);
            case ProviderResult.Unreachable u:
                return ActivityResult.Fail($"payment-request: {u.Reason}");
            default:
                throw new InvalidOperationException("unknown provider result");
        }
    }

    /// <summary>
    /// The waiting payment was interrupted (a boundary event such as the Frist, the case cancelled): an open payment is
    /// cancelled at the provider, so the citizen can no longer pay for a case that does not wait any more. A payment
    /// that is already paid is left alone (and logged: it may need a refund); failures are logged.
    /// </summary>
    public override async Task CancelAsync(ActivityContext context)
    {
        var o = options.Get(context.TenantId);
        if (context.Input("zahlung") is not JsonObject zahlung || Text(zahlung["transactionId"]) is not { Length: > 0 } transactionId) return;
        if (PaymentStatus.Parse(Text(zahlung["status"])) != PaymentState.Open || Missing(o, context.TenantId) is not null) return;
        var result = await Provider(o).CancelAsync(o, context.TenantId, transactionId, CancellationToken.None).ConfigureAwait(false);
        switch (result)
        {
            case ProviderResult.Ok:
                if (logger.IsEnabled(LogLevel.Information))
                    logger.LogInformation("payment-request: the waiting activity of instance {Instance} was interrupted; payment {RequestId} cancelled at the provider",
                        context.ProcessInstanceId, Text(zahlung["requestId"]));
                break;
            case ProviderResult.Refused r:
                logger.LogWarning("payment-request: the waiting activity of instance {Instance} was interrupted, but the provider did not cancel payment {RequestId}: {Code} {Text} (paid meanwhile? reconcile with ./egov payments report)",
                    context.ProcessInstanceId, Text(zahlung["requestId"]), r.Code, r.Text);
                break;
            case ProviderResult.Unreachable u:
                logger.LogWarning("payment-request: the waiting activity of instance {Instance} was interrupted; payment {RequestId} could not be cancelled: {Reason}",
                    context.ProcessInstanceId, Text(zahlung["requestId"]), u.Reason);
                break;
        }
    }

    private async Task<ActivityResult> DecideAsync(ActivityContext context, PaymentOptions o, JsonObject zahlung, XPaymentInformation info, XPaymentRequest? echoed)
    {
        var state = PaymentStatus.Parse(info.Status);
        if (state == PaymentState.Open && PastDeadline(context, zahlung))
        {
            // Open past its deadline: cancel it at the provider; if it was paid in the meantime, that wins.
            var transactionId = Text(zahlung["transactionId"])!;
            var cancelled = await Provider(o).CancelAsync(o, context.TenantId, transactionId, context.CancellationToken).ConfigureAwait(false);
            if (cancelled is ProviderResult.Refused { StatusCode: 409 })
                cancelled = await Provider(o).GetAsync(o, context.TenantId, transactionId, context.CancellationToken).ConfigureAwait(false);
            switch (cancelled)
            {
                case ProviderResult.Ok ok when PaymentStatus.Parse(ok.Transaction.PaymentInformation?.Status) is var after && after != PaymentState.Open && after != PaymentState.Canceled:
                    return await DecideAsync(context, o, zahlung, ok.Transaction.PaymentInformation!, ok.Transaction.PaymentRequest ?? echoed).ConfigureAwait(false);
                case ProviderResult.Ok:
                    zahlung["status"] = "CANCELED";
                    zahlung["abgebrochenAm"] = Iso(context.Now);
                    if (logger.IsEnabled(LogLevel.Information))
                        logger.LogInformation("payment-request: payment {RequestId} not paid by {Deadline}: cancelled at the provider", Text(zahlung["requestId"]), Text(zahlung["ablaufAm"]));
                    return ActivityResult.BpmnError(Expired, "Die Zahlung wurde nicht rechtzeitig abgeschlossen und ist storniert.", Outcome(zahlung, paid: false));
                case ProviderResult.Refused r:
                    return ActivityResult.Fail($"payment-request: the provider refused to cancel the expired transaction {transactionId}: {r.StatusCode} {r.Code}: {r.Text}");
                case ProviderResult.Unreachable u:
                    return ActivityResult.Fail($"payment-request: the payment expired but could not be cancelled: {u.Reason}");
            }
        }
        if (info.PaymentMethod is { Length: > 0 } method) zahlung["zahlungsart"] = method;
        switch (state)
        {
            case PaymentState.Paid:
                var requested = zahlung["betrag"] is JsonValue v && decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : (decimal?)null;
                if (echoed is not null && (echoed.GrosAmount != requested || !string.Equals(echoed.Currency, "EUR", StringComparison.Ordinal)))
                    return ActivityResult.Fail($"payment-request: the provider reports transaction {Text(zahlung["transactionId"])} paid with {echoed.GrosAmount.ToString("0.00", CultureInfo.InvariantCulture)} {echoed.Currency}, but {requested?.ToString("0.00", CultureInfo.InvariantCulture)} EUR were requested: not accepted, please reconcile");
                zahlung["status"] = "PAYED";
                zahlung["providerStatus"] = info.Status;
                zahlung["bezahltAm"] = Iso(context.Now);
                if (logger.IsEnabled(LogLevel.Information))
                    logger.LogInformation("payment-request: payment {RequestId} paid ({Status})", Text(zahlung["requestId"]), info.Status);
                var outputs = Outcome(zahlung, paid: true);
                outputs["zahlungsreferenz"] = Text(zahlung["kassenzeichen"]) ?? Text(zahlung["transactionId"]);
                return ActivityResult.Complete(outputs);
            case PaymentState.Failed:
                zahlung["status"] = "FAILED";
                zahlung["statusDetail"] = info.StatusDetail;
                return ActivityResult.BpmnError(Failed, "Die Zahlung ist fehlgeschlagen" + (info.StatusDetail is { Length: > 0 } f ? $": {f}" : "."), Outcome(zahlung, paid: false));
            case PaymentState.Canceled:
                zahlung["status"] = "CANCELED";
                return ActivityResult.BpmnError(Canceled, "Die Zahlung wurde abgebrochen.", Outcome(zahlung, paid: false));
            default:
                zahlung["status"] = info.Status ?? "INITIAL";
                return Wait(context, o, zahlung);
        }
    }

    private static ActivityResult Wait(ActivityContext context, PaymentOptions o, JsonObject zahlung)
    {
        var poll = Duration(o.PollInterval) is { } p && p > TimeSpan.Zero ? p : TimeSpan.FromMinutes(15);
        var next = context.Now + poll;
        if (Instant(zahlung["ablaufAm"]) is { } deadline && deadline < next) next = deadline;
        return ActivityResult.Wait("Zahlung offen", Outcome(zahlung, paid: false), Text(zahlung["requestId"]), next);
    }

    private static JsonObject Outcome(JsonObject zahlung, bool paid) => new() { ["zahlung"] = zahlung.DeepClone(), ["paid"] = paid };

    private static bool PastDeadline(ActivityContext context, JsonObject zahlung) => Instant(zahlung["ablaufAm"]) is { } deadline && context.Now >= deadline;

    private IPaymentProvider Provider(PaymentOptions o) => o.Provider == PaymentProviderKind.Offline ? offline : provider;

    /// <summary>The first required setting that is not there, as a message naming its configuration keys.</summary>
    internal static string? Missing(PaymentOptions o, string tenant)
    {
        string Keys(string s) => PackServiceCollectionExtensions.SettingKeys(PaymentOptions.Section, tenant, s);
        if (o.Provider == PaymentProviderKind.Offline) return null;
        if (string.IsNullOrWhiteSpace(o.BaseUrl) || !Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _))
            return $"payment-request: the setting {Keys("BaseUrl")} is missing or not an absolute URL (the provider's API)";
        if (!IdPattern().IsMatch(o.OriginatorId ?? "")) return $"payment-request: the setting {Keys("OriginatorId")} is missing or not 1–36 letters, digits, '_' or '-'";
        if (!IdPattern().IsMatch(o.EndpointId ?? "")) return $"payment-request: the setting {Keys("EndpointId")} is missing or not 1–36 letters, digits, '_' or '-'";
        if (!string.IsNullOrWhiteSpace(o.TokenUrl) && string.IsNullOrWhiteSpace(o.ClientId)) return $"payment-request: the setting {Keys("ClientId")} is missing (TokenUrl is set)";
        if (!string.IsNullOrWhiteSpace(o.TokenUrl) && string.IsNullOrWhiteSpace(o.ClientSecret)) return $"payment-request: the setting {Keys("ClientSecret")} is missing (TokenUrl is set)";
        return null;
    }

    /// <summary><c>egov-</c> and 31 hex digits of SHA-256 over tenant, instance and element (or the idempotencyKey input): 36 characters, as XBezahldienste allows.</summary>
    internal static string RequestId(ActivityContext context)
    {
        var key = context.GetString("idempotencyKey") is { Length: > 0 } k ? $"{context.TenantId}/{k}" : $"{context.TenantId}/{context.ProcessInstanceId}/{context.ElementId}";
        return "egov-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..31];
    }

    /// <summary>The Verwendungszweck as XBezahldienste takes it: Aktenzeichen first, then the text; at most 27 of letters, digits, spaces and '-'.</summary>
    public static string Purpose(string aktenzeichen, string zweck)
    {
        var text = NotAllowed().Replace($"{aktenzeichen} {zweck}", "-");
        text = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return Truncate(text, 27).TrimEnd();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    private static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset? Instant(JsonNode? n) =>
        Text(n) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static TimeSpan? Duration(string? iso)
    {
        if (string.IsNullOrWhiteSpace(iso)) return null;
        try { return System.Xml.XmlConvert.ToTimeSpan(iso.Trim()); }
        catch (FormatException) { return null; }
        catch (OverflowException) { return null; }
    }

    [GeneratedRegex(@"^[\w-]{1,36}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"[^\w\s-]")]
    private static partial Regex NotAllowed();
}

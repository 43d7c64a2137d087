using System.Text.Json;
using System.Text.Json.Serialization;

namespace EGov.Workflows.Activities.Payment;

// The XBezahldienste 1.0 payloads this pack sends and reads (field names as the API spells them, "grosAmount" included).

public sealed record XPaymentRequest
{
    public required string RequestId { get; init; }
    public required string RequestTimestamp { get; init; }
    public string Currency { get; init; } = "EUR";
    public required decimal GrosAmount { get; init; }
    public required string Purpose { get; init; }
    public string? Description { get; init; }
    public string? RedirectUrl { get; init; }
    public required IReadOnlyList<XPaymentItem> Items { get; init; }
    public XRequestor? Requestor { get; init; }
}

public sealed record XPaymentItem
{
    public required string Id { get; init; }
    public string? Reference { get; init; }
    public string? Description { get; init; }
    public decimal TaxRate { get; init; }
    public int Quantity { get; init; } = 1;
    public decimal TotalNetAmount { get; init; }
    public decimal TotalTaxAmount { get; init; }
    public decimal SingleNetAmount { get; init; }
    public decimal SingleTaxAmount { get; init; }
    public IReadOnlyDictionary<string, string>? BookingData { get; init; }
}

public sealed record XRequestor
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
}

/// <summary>The provider's answer to create and query: the request echoed and the transaction's information.</summary>
public sealed record XPaymentTransaction
{
    public XPaymentRequest? PaymentRequest { get; init; }
    public XPaymentInformation? PaymentInformation { get; init; }
}

public sealed record XPaymentInformation
{
    public string? TransactionUrl { get; init; }
    public string? TransactionRedirectUrl { get; init; }
    public string? TransactionId { get; init; }
    /// <summary>The Kassenzeichen.</summary>
    public string? TransactionReference { get; init; }
    public string? TransactionTimestamp { get; init; }
    public string? PaymentMethod { get; init; }
    public string? PaymentMethodDetail { get; init; }
    public string? Status { get; init; }
    public string? StatusDetail { get; init; }
    /// <summary>How much of the payment was refunded so far (after a refund).</summary>
    public decimal? RefundedAmount { get; init; }
}

/// <summary>A refund of (part of) a paid payment (a provider extension beside the 1.0 core, as cancelling is).</summary>
public sealed record XRefundRequest
{
    public required string RequestId { get; init; }
    public required decimal GrosAmount { get; init; }
    public string Currency { get; init; } = "EUR";
    public required string Reason { get; init; }
}

/// <summary>An error answer (application/problem+json) with the XBezahldienste error code.</summary>
public sealed record XProblem
{
    public string? Type { get; init; }
    public string? Title { get; init; }
    public int? Status { get; init; }
    public string? Code { get; init; }
    public string? Detail { get; init; }
    public string? FunctionalText { get; init; }
}

/// <summary>The notification a provider posts when a payment's status changes (signed, see <see cref="NotificationSignature"/>).</summary>
public sealed record XPaymentNotification
{
    public string? RequestId { get; init; }
    public string? TransactionId { get; init; }
    public string? Status { get; init; }
    public decimal? GrosAmount { get; init; }
    public string? Currency { get; init; }
}

internal static class XJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

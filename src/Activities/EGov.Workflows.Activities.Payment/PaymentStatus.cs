namespace EGov.Workflows.Activities.Payment;

/// <summary>A payment's state as this pack understands the provider's <c>status</c>.</summary>
public enum PaymentState { Open, Paid, Failed, Canceled }

public static class PaymentStatus
{
    /// <summary>
    /// The provider's status text: <c>PAYED</c> and <c>BOOKED</c> are both "paid" (providers differ: the gover client says
    /// PAYED, the FIT-Connect metadata BOOKED); <c>FAILED</c>; <c>CANCELED</c> (or CANCELLED); anything else (INITIAL …) is open.
    /// </summary>
    public static PaymentState Parse(string? status) => status?.Trim().ToUpperInvariant() switch
    {
        "PAYED" or "PAID" or "BOOKED" => PaymentState.Paid,
        "FAILED" or "DECLINED" => PaymentState.Failed,
        "CANCELED" or "CANCELLED" => PaymentState.Canceled,
        _ => PaymentState.Open,
    };
}

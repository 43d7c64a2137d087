using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EGov.Workflows.Activities.Payment;

/// <summary>
/// The provider's status notification, <c>POST /api/callbacks/{tenant}/payment/notify</c> with a JSON body
/// <c>{ requestId, transactionId, status, grosAmount, currency }</c> and the header <c>X-Payment-Signature</c>
/// (<see cref="NotificationSignature"/>, the tenant's <see cref="PaymentOptions.NotificationSecret"/>). Unsigned, forged or
/// stale notifications are answered 401 and change nothing. A good one only prompts the waiting <c>payment-request</c>
/// to query the provider: the notification's own status and amount are never taken as they are. A notification for an
/// unknown payment, or one already ended (a duplicate, a late one), is logged and acknowledged with 200, so the provider
/// stops sending it.
/// </summary>
public sealed class PaymentNotificationCallback(IOptionsMonitor<PaymentOptions> options, ILogger<PaymentNotificationCallback> logger) : ActivityCallback
{
    public const string Name = "notify";

    public override Task<CallbackResponse> HandleAsync(CallbackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Get(request.TenantId);
        if (string.IsNullOrEmpty(o.NotificationSecret))
        {
            logger.LogError("payment notify: tenant {Tenant} has no notification secret: set {Keys}", request.TenantId,
                PackServiceCollectionExtensions.SettingKeys(PaymentOptions.Section, request.TenantId, "NotificationSecret"));
            return Task.FromResult(CallbackResponse.Problem(503, "Service Unavailable", "notifications are not configured for this tenant"));
        }
        var why = NotificationSignature.Verify(o.NotificationSecret, request.Header(NotificationSignature.Header), request.Body.Span, request.Now,
            TimeSpan.FromSeconds(Math.Max(1, o.SignatureToleranceSeconds)));
        if (why is not null)
        {
            logger.LogWarning("payment notify: refused for tenant {Tenant}: {Reason}", request.TenantId, why);
            return Task.FromResult(CallbackResponse.Problem(401, "Unauthorized", "the notification's signature is missing, wrong or outdated"));
        }
        XPaymentNotification? notification;
        try { notification = JsonSerializer.Deserialize<XPaymentNotification>(request.Body.Span, XJson.Options); }
        catch (JsonException) { notification = null; }
        if (notification?.RequestId is not { Length: > 0 } requestId || notification.TransactionId is not { Length: > 0 })
            return Task.FromResult(CallbackResponse.Problem(400, "Bad Request", "a notification needs requestId and transactionId"));

        var payload = new JsonObject
        {
            ["notification"] = new JsonObject
            {
                ["transactionId"] = notification.TransactionId, ["status"] = notification.Status,
                ["grosAmount"] = notification.GrosAmount, ["currency"] = notification.Currency,
            },
        };
        if (request.Resume(requestId, payload))
        {
            if (logger.IsEnabled(LogLevel.Information))
                logger.LogInformation("payment notify: payment {RequestId} ({Status}) handed to its waiting case", requestId, notification.Status);
            return Task.FromResult(CallbackResponse.Ok(new JsonObject { ["result"] = "accepted" }));
        }
        if (logger.IsEnabled(LogLevel.Information))
            logger.LogInformation("payment notify: no case waits for payment {RequestId} (unknown, or already ended: a duplicate or late notification); acknowledged, nothing changed", requestId);
        return Task.FromResult(CallbackResponse.Ok(new JsonObject { ["result"] = "ignored" }));
    }
}

namespace EGov.Workflows.Activities.Payment;

/// <summary>
/// A tenant's payment platform (configuration section <c>Packs:Payment</c>, per tenant <c>Tenants:{id}:Payment</c>).
/// Endpoints, ids and secrets live here, never in a model, a variable or the history.
/// </summary>
public sealed class PaymentOptions
{
    public const string Section = "Payment";

    /// <summary><c>XBezahldienste</c> (default): the provider's HTTP API; <c>Offline</c>: no outside system (for <c>./egov test</c> and demos; the outcome comes from the resume payload).</summary>
    public PaymentProviderKind Provider { get; set; } = PaymentProviderKind.XBezahldienste;

    /// <summary>The provider's API base URL, e.g. <c>https://payment-test.example/xbezahldienste/v1</c> (required for XBezahldienste).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The id of the calling online service at the provider (<c>originatorId</c>, 1–36 of letters, digits, '_' or '-'), required.</summary>
    public string? OriginatorId { get; set; }

    /// <summary>The id of the responsible authority at the provider (<c>endPointId</c>, e.g. the AGS), required.</summary>
    public string? EndpointId { get; set; }

    /// <summary>OAuth2 client-credentials token URL; without it no bearer token is sent (e.g. a client certificate at a proxy).</summary>
    public string? TokenUrl { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The OAuth2 client secret. Give it through the environment (<c>EGOV_Packs__Payment__ClientSecret</c>), not in a file in the repository.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The shared secret the provider signs its notifications with (HMAC-SHA256), required to accept notifications.</summary>
    public string? NotificationSecret { get; set; }

    /// <summary>How old (or how far ahead) a notification's signed timestamp may be, in seconds (default 300): older ones are replays.</summary>
    public int SignatureToleranceSeconds { get; set; } = 300;

    /// <summary>Where the citizen returns after paying when the task gives no <c>rueckkehrUrl</c>.</summary>
    public string? ReturnUrl { get; set; }

    /// <summary>How often a waiting payment is queried when no notification came (ISO-8601 duration, default PT15M).</summary>
    public string PollInterval { get; set; } = "PT15M";

    /// <summary>How long a payment may stay open before it is queried a last time and cancelled (default PT24H; the task's <c>zahlungsfrist</c> wins).</summary>
    public string ExpiresAfter { get; set; } = "PT24H";

    /// <summary>How long one HTTP attempt may take, in seconds (default 10).</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Retries of one call after a transport failure or a 5xx/408/429 answer, with exponential back-off (default 2).</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The first back-off delay in milliseconds (default 500; doubled each retry, with jitter).</summary>
    public int RetryDelayMilliseconds { get; set; } = 500;
}

public enum PaymentProviderKind { XBezahldienste, Offline }

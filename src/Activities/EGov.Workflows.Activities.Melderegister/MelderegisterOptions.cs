namespace EGov.Workflows.Activities.Melderegister;

/// <summary>
/// A tenant's Melderegister interface (configuration section <c>Packs:Melderegister</c>, per tenant
/// <c>Tenants:{id}:Melderegister</c>). Endpoint, authority id and key live here, never in a model, a variable or the history.
/// </summary>
public sealed class MelderegisterOptions
{
    public const string Section = "Melderegister";

    /// <summary><c>Http</c> (default): the register's HTTP interface; <c>Offline</c>: no outside system (for <c>./egov test</c>: the activity waits and the scenario's <c>complete:</c> gives the register's answer).</summary>
    public MelderegisterProviderKind Provider { get; set; } = MelderegisterProviderKind.Http;

    /// <summary>The interface's base URL, e.g. <c>https://melderegister.musterstadt.example/auskunft</c> (required for Http).</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The asking authority as the register knows it (e.g. <c>Straßenverkehrsbehörde Musterstadt</c>), required: every request is logged under it (§ 40 BMG).</summary>
    public string? Behoerde { get; set; }

    /// <summary>The API key (bearer token). Give it through the environment (<c>EGOV_Packs__Melderegister__ApiKey</c>), never in a file in the repository.</summary>
    public string? ApiKey { get; set; }

    /// <summary>How long one HTTP attempt may take, in seconds (default 10).</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Retries of one call after a transport failure or a 5xx/408/429 answer, with exponential back-off (default 2).</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The first back-off delay in milliseconds (default 500; doubled each retry, with jitter).</summary>
    public int RetryDelayMilliseconds { get; set; } = 500;
}

public enum MelderegisterProviderKind { Http, Offline }

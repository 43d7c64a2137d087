namespace EGov.Workflows.Activities.FitConnect;

/// <summary>
/// A tenant's FIT-Connect settings (configuration section <c>Packs:FitConnect</c>, per tenant <c>Tenants:{id}:FitConnect</c>):
/// the API client registered in FITKO's self-service portal. Never in a model, never in a variable.
/// </summary>
public sealed class FitConnectOptions
{
    public const string Section = "FitConnect";

    /// <summary>The OAuth token endpoint, e.g. <c>https://auth-testing.fit-connect.fitko.dev/token</c> (required).</summary>
    public string? TokenUrl { get; set; }

    /// <summary>The Submission API's base, e.g. <c>https://submission-api-testing.fit-connect.fitko.dev</c> (required; paths start with <c>/v1</c>).</summary>
    public string? SubmissionApiUrl { get; set; }

    /// <summary>The API client's id (required).</summary>
    public string? ClientId { get; set; }

    /// <summary>The API client's secret. Give it through the environment (<c>EGOV_Packs__FitConnect__ClientSecret</c>) or <see cref="ClientSecretFile"/>.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>A file whose first line is the client secret (e.g. a mounted secret).</summary>
    public string? ClientSecretFile { get; set; }

    /// <summary>
    /// The official metadata schema (<c>metadata.schema.json</c> of FIT-Connect, from schema.fitko.de): when set, the
    /// metadata is checked against it before anything is sent.
    /// </summary>
    public string? MetadataSchema { get; set; }

    /// <summary>Receiving: the municipality's own destination (Zustellpunkt) whose submissions are fetched.</summary>
    public string? DestinationId { get; set; }

    /// <summary>Receiving: the destination's private decryption key as a JWK file (<c>RSA-OAEP-256</c>, <c>unwrapKey</c>; a mounted secret).</summary>
    public string? DecryptionKeyFile { get; set; }

    /// <summary>Receiving: the destination's private signing key as a JWK file (<c>PS512</c>, <c>sign</c>) for the events it posts.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Receiving: the key id of the signing key as registered with the destination.</summary>
    public string? SigningKid { get; set; }

    /// <summary>
    /// Receiving: how often a node of the host asks the Submission API for new submissions, in seconds (default 60, at
    /// least 5); 0: this node does not ask by itself (another node does).
    /// </summary>
    public int PollSeconds { get; set; } = 60;

    /// <summary>How long one HTTP attempt may take, in seconds (default 15).</summary>
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>Retries of one request after a transport failure or a 5xx/408/429 answer (default 2), with exponential back-off.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The first back-off delay in milliseconds (default 500).</summary>
    public int RetryDelayMilliseconds { get; set; } = 500;

    /// <summary>The smallest RSA key (bits) accepted from a destination (FIT-Connect requires 4096).</summary>
    public int MinimumKeyBits { get; set; } = 4096;
}

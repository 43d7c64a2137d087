namespace EGov.Workflows.Activities.Xdomea;

/// <summary>
/// A tenant's eAkte settings (configuration section <c>Packs:Xdomea</c>, per tenant <c>Tenants:{id}:Xdomea</c>).
/// Endpoints, credentials and the sender's names live here, never in a model or a variable.
/// </summary>
public sealed class XdomeaOptions
{
    public const string Section = "Xdomea";

    /// <summary>
    /// The official xdomea schema (required): the folder holding <c>xdomea.xsd</c> of xdomea 3.x (or the file itself), as
    /// KoSIT publishes it on XRepository; its imports are resolved relative to it. The project does not ship the schema.
    /// </summary>
    public string? SchemaDirectory { get; set; }

    /// <summary><c>Http</c> (default) posts the xdomea container to <see cref="Endpoint"/>; <c>Directory</c> writes it into <see cref="Directory"/> (the import folder many DMS read).</summary>
    public DmsDeliveryKind Delivery { get; set; } = DmsDeliveryKind.Http;

    /// <summary>The DMS's xdomea import endpoint (required for <see cref="DmsDeliveryKind.Http"/>), e.g. <c>https://dms.stadt.example/xdomea/import</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The import folder for <see cref="DmsDeliveryKind.Directory"/>.</summary>
    public string? Directory { get; set; }

    /// <summary>Bearer token the DMS expects (optional). Give it through the environment (<c>EGOV_Packs__Xdomea__ApiKey</c>) or <see cref="ApiKeyFile"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>A file whose first line is the bearer token (e.g. a mounted secret).</summary>
    public string? ApiKeyFile { get; set; }

    /// <summary>The sending authority (Kopf/Absender/Institution), e.g. <c>Stadt Musterstadt</c> (required).</summary>
    public string? Behoerde { get; set; }

    /// <summary>The sending unit (Kopf/Absender/Organisationseinheit), e.g. <c>Bürgerbüro</c>.</summary>
    public string? Organisationseinheit { get; set; }

    /// <summary>The receiving DMS (Kopf/Empfaenger/Institution), e.g. <c>eAkte Stadt Musterstadt</c>; default: <see cref="Behoerde"/>.</summary>
    public string? Empfaenger { get; set; }

    /// <summary>How long one HTTP attempt may take, in seconds (default 10).</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Retries of one send after a transport failure or a 5xx/408/429 answer (default 2), with exponential back-off.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>The first back-off delay in milliseconds (default 500; doubled each retry, with jitter).</summary>
    public int RetryDelayMilliseconds { get; set; } = 500;
}

public enum DmsDeliveryKind { Http, Directory }

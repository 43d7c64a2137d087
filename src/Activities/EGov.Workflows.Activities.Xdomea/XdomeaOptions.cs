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

    /// <summary>The archive of the Aussonderung (<c>eakte-aussondern</c>): how its xdomea messages 0501–0507 travel. Optional for <c>eakte-file</c>.</summary>
    public XdomeaArchivOptions Archiv { get; set; } = new();

    /// <summary>The same settings with the archive's transport in place of the DMS's (the archive is a second xdomea partner).</summary>
    internal XdomeaOptions ForArchiv() => new()
    {
        SchemaDirectory = SchemaDirectory, Behoerde = Behoerde, Organisationseinheit = Organisationseinheit,
        Empfaenger = Archiv.Name ?? "Archiv", Delivery = Archiv.Delivery, Endpoint = Archiv.Endpoint, Directory = Archiv.Directory,
        ApiKey = Archiv.ApiKey, ApiKeyFile = Archiv.ApiKeyFile,
        TimeoutSeconds = TimeoutSeconds, Retries = Retries, RetryDelayMilliseconds = RetryDelayMilliseconds,
    };
}

/// <summary>
/// The archive (Landes- or Kommunalarchiv) the Aussonderung offers the closed case files to (<c>Packs:Xdomea:Archiv</c>).
/// xdomea defines the messages, not their route: over HTTP the container is POSTed to <see cref="Endpoint"/> and the
/// archive's answers (0502, 0506) are fetched from <c>{Endpoint}/{ProzessID}/{Nachricht}</c>; in the folder form the
/// containers go into <see cref="Directory"/> and the answers are read from <see cref="ReturnDirectory"/>.
/// </summary>
public sealed class XdomeaArchivOptions
{
    /// <summary>The archive's name (Kopf/Empfaenger), e.g. <c>Stadtarchiv Musterstadt</c> (default <c>Archiv</c>).</summary>
    public string? Name { get; set; }

    /// <summary><c>Http</c> (default) or <c>Directory</c>.</summary>
    public DmsDeliveryKind Delivery { get; set; } = DmsDeliveryKind.Http;

    /// <summary>The archive's xdomea endpoint (required for <c>Http</c>), e.g. <c>https://archiv.stadt.example/xdomea/aussonderung</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The folder the containers are written into (required for <c>Directory</c>).</summary>
    public string? Directory { get; set; }

    /// <summary>The folder the archive writes its answers into (<c>&lt;ProzessID&gt;_&lt;Nachricht&gt;.xml</c>); without it the answers are entered by hand (resume with the decision).</summary>
    public string? ReturnDirectory { get; set; }

    /// <summary>Bearer token of the archive (optional; through the environment or <see cref="ApiKeyFile"/>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>A file whose first line is the archive's bearer token.</summary>
    public string? ApiKeyFile { get; set; }

    /// <summary>How often the archive is asked for its answer, in minutes (default 60: an archivist evaluates in days or weeks).</summary>
    public int PollMinutes { get; set; } = 60;

    /// <summary>
    /// The secret the archive signs its callbacks with (<c>POST /api/callbacks/{tenant}/xdomea/archiv</c>, header
    /// <c>X-Xdomea-Signature</c>, see <see cref="ArchivCallback"/>): with it, a 0502 or 0506 the archive posts resumes the
    /// waiting Aussonderung at once; polling stays as the fallback. From the environment or a mounted secret, never a file
    /// in a repository. Without it callbacks are refused (503) and the Aussonderung polls.
    /// </summary>
    public string? CallbackSecret { get; set; }

    /// <summary>How old a signed callback may be, in seconds (default 300).</summary>
    public int CallbackToleranceSeconds { get; set; } = 300;
}

public enum DmsDeliveryKind { Http, Directory }

namespace EGov.Workflows.Host;

/// <summary>How <c>./egov serve</c> runs: where it listens, where state lives, what it deploys at start, for which tenant.</summary>
public sealed record ServeOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5080";
    public const string DefaultStore = "sqlite:./data/egov.db";

    /// <summary>Kestrel URLs (semicolon-separated); port 0 picks a free port (tests).</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary><c>memory</c>, <c>sqlite:PATH</c> or <c>postgres:CONNECTION</c>.</summary>
    public string Store { get; init; } = DefaultStore;

    /// <summary>
    /// SQLite: create the database file when it is missing (<c>--create</c>). Without it a missing file is created only on
    /// the very first start in a missing or empty folder; otherwise the server refuses to start.
    /// </summary>
    public bool Create { get; init; }

    /// <summary>Every *.bpmn under this folder is deployed at start (null: nothing). Missing folder: nothing, with a note.</summary>
    public string? ProcessesDirectory { get; init; } = "processes";

    /// <summary>
    /// Tenants' overlays on the shared models of the processes folder: <c>&lt;dir&gt;/&lt;tenant&gt;/&lt;service&gt;.overlay.yaml</c>
    /// (docs/overlays.md). Null: the folder <c>tenants</c> beside the processes folder; missing: no overlays.
    /// </summary>
    public string? TenantsDirectory { get; init; }

    /// <summary>The tenant (Mandant, e.g. a municipality's AGS) the processes folder is deployed for and requests without X-Tenant use.</summary>
    public string Tenant { get; init; } = Tenancy.TenantEngines.DefaultTenant;

    /// <summary>
    /// Tenants of this installation besides the default one and those of its accounts and clients (<c>--tenants A,B</c>; also
    /// every section <c>Tenants:&lt;id&gt;</c> of the configuration). An operator's request for any other tenant id is 404.
    /// </summary>
    public IReadOnlyList<string> Tenants { get; init; } = [];

    /// <summary>
    /// This node's name: the owner written on the job leases it holds and reported by /api/health with the number of jobs it
    /// ran, so operators (and the reliability tests) see which node of several did what. A node restarted under the same name
    /// takes back at once the leases its killed predecessor held. Null: the host name on SQLite (one node), else host, process
    /// id and a random part.
    /// </summary>
    public string? NodeId { get; init; }

    /// <summary>
    /// How long a job lease lasts without a heartbeat (durable stores): a killed node's jobs are taken over by another node
    /// within this; the heartbeat (a third of it) keeps long jobs with their node.
    /// </summary>
    public TimeSpan JobLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a stop (SIGTERM, Ctrl+C) may take (<c>--shutdown-timeout SECONDS</c>): new requests are refused with 503 at
    /// once, requests in flight and the running job have this long to finish, then the process exits.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the job loop looks for due timers and jobs when nothing is due sooner.</summary>
    public TimeSpan JobPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// E-mail on assignment: the wait before the first retry of a mail the server could not send (the mail server down); each
    /// further retry waits twice as long, at most an hour, for <see cref="AssignmentMailAttempts"/> tries in all.
    /// </summary>
    public TimeSpan AssignmentMailRetry { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>E-mail on assignment: tries per mail before it is marked failed (and logged); default 10 (about three hours with the default back-off).</summary>
    public int AssignmentMailAttempts { get; init; } = 10;

    /// <summary>Process versions one tenant may hold; a deployment beyond it is refused (422 Quota exceeded).</summary>
    public int MaxProcessVersionsPerTenant { get; init; } = 1_000;

    /// <summary>
    /// How large one tenant's deployed models may be together (the stored XML, in characters ≈ bytes); a deployment that would
    /// pass it is refused (422 Quota exceeded). Delete unused versions to make room.
    /// </summary>
    public long MaxDeploymentBytesPerTenant { get; init; } = 100L * 1024 * 1024;

    /// <summary>
    /// Process instances (root and called) one tenant may hold open; every instance a command would create beyond it — a start
    /// through the API or by message, a start timer's firing, a call activity's child — is refused (409 Quota exceeded; a start
    /// timer skips that firing; a job opens an incident) until instances end. Counted in the store at most every 2 s and in
    /// between by the instances started since, so a burst on several nodes may pass it by their starts of those seconds.
    /// </summary>
    public long MaxOpenInstancesPerTenant { get; init; } = 1_000_000;

    /// <summary>
    /// The thread pool's floor of worker threads: the pool creates this many without its slow injection (one thread about
    /// every half second past the floor, which is the number of cores). Request handlers wait on the store synchronously, so
    /// a node started under load on two cores otherwise queues its first requests for seconds (issue 21, item 6).
    /// </summary>
    public int MinWorkerThreads { get; init; } = 64;

    /// <summary>
    /// The dedicated threads of the command lane (<see cref="Lifecycle.CommandLane"/>) on which the API's handlers wait on
    /// the store and run engine commands, so that no pool thread blocks on the store (issue 21, item 6). 0 (the default):
    /// no lane, handlers run on the pool — measured under the cold-start load (README, Reliability tests) the lane answered
    /// no sooner than the pool with its raised floor (<see cref="MinWorkerThreads"/>); it is for nodes with far more
    /// concurrent requests waiting on a slow store than that floor. <c>serve --command-threads N</c>, <c>Server:CommandThreads</c>.
    /// </summary>
    public int CommandThreads { get; init; }

    /// <summary>Requests that may wait for a command thread; beyond, a request is answered 503 "Server busy" with Retry-After at once.</summary>
    public int CommandQueue { get; init; } = 4096;

    /// <summary>
    /// How often each tenant engine compares the stored deployments with what it last read (several nodes over one store;
    /// <see cref="Deployment.DeploymentWatch"/>): the longest a command on an existing case can meet a version another node
    /// deployed, deleted or replaced and this node has not read yet. Starts and definition lists catch up at once anyway.
    /// </summary>
    public TimeSpan DeploymentCatchUpInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A tenant's engine unused this long is released (durable stores; rebuilt from the stored deployments on its next use).</summary>
    public TimeSpan EngineIdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The built web pages (the Postkorb, task pages, sign-in): null takes the folder <c>./egov</c> builds them into
    /// (<c>.egov/web</c>, beside the CLI's <c>.egov/bin</c>). Without a build the pages answer 503 with what to do.
    /// </summary>
    public string? WebDirectory { get; init; }

    /// <summary>
    /// The address people and clients use (the issuer of the embedded provider's tokens, the base of the sign-in redirect);
    /// null: the first listening address. Cookies are <c>Secure</c> when it is https.
    /// </summary>
    public string? PublicUrl { get; init; }

    /// <summary>An external OpenID Connect provider (Keycloak …) for people's sign-in and its bearer tokens; null: the embedded one.</summary>
    public string? OidcAuthority { get; init; }
    public string? OidcClientId { get; init; }
    /// <summary>The client secret at the external provider (from a file or EGOV_OIDC_CLIENT_SECRET, never a command-line word).</summary>
    public string? OidcClientSecret { get; init; }
    /// <summary>The audience the external provider's access tokens must carry (default: the client id).</summary>
    public string? OidcAudience { get; init; }
    /// <summary>Where the external provider's tokens carry roles, groups and the tenant (dotted JSON paths, e.g. realm_access.roles).</summary>
    public string OidcClaimRoles { get; init; } = "roles";
    public string OidcClaimGroups { get; init; } = "groups";
    public string OidcClaimTenant { get; init; } = "tenant";

    /// <summary>Sign-in form posts allowed per minute and client address (brute force brake besides the account lockout).</summary>
    public int SignInAttemptsPerMinute { get; init; } = 10;

    /// <summary>
    /// The largest request body, in bytes (<c>--max-request-mb</c>, <c>Limits:MaxRequestBodyMb</c>): a larger one is refused
    /// with 413 before it is read (attachment uploads have their own limit, <see cref="AttachmentMaxBytes"/>).
    /// </summary>
    public long MaxRequestBodyBytes { get; init; } = DefaultMaxRequestBodyBytes;

    /// <summary>30 MiB, Kestrel's own default.</summary>
    public const long DefaultMaxRequestBodyBytes = 30L * 1024 * 1024;

    /// <summary>How deep a request's JSON may nest (<c>Limits:MaxJsonDepth</c>); deeper is 400 before anything is built from it.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>
    /// How large variables may be: name, one value, variables per command (<c>--max-variable-kb</c>, <c>Limits:MaxVariableChars</c>,
    /// <c>Limits:MaxVariablesPerCommand</c>); past them a request is 400 and nothing changes.
    /// </summary>
    public Runtime.VariableLimits VariableLimits { get; init; } = Runtime.VariableLimits.Default;

    /// <summary>The largest attachment a case file accepts, in bytes (413 above).</summary>
    public long AttachmentMaxBytes { get; init; } = Postkorb.AttachmentOptions.DefaultMaxBytes;

    /// <summary>Where attachments are kept (one file per tenant and content hash); null: in the engine's database.</summary>
    public string? AttachmentDirectory { get; init; }

    /// <summary>
    /// Activity packs to load (<c>--activities PATH</c>, and <c>Packs:Paths</c> of <see cref="Configuration"/>): pack assemblies
    /// or folders of packs (see <see cref="Packs.PackLoader"/>). A pack that cannot be loaded stops the start.
    /// </summary>
    public IReadOnlyList<string> Packs { get; init; } = [];

    /// <summary>
    /// The packs of this repository: <c>./egov</c> builds every project under <c>src/Activities</c> into <c>.egov/packs/NAME</c>
    /// (beside the CLI's <c>.egov/bin</c>), and serve loads them when neither <see cref="Packs"/> nor <c>Packs:Paths</c> names any.
    /// Null: that folder; a folder that does not exist or holds no pack loads nothing.
    /// </summary>
    public string? DefaultPacksDirectory { get; init; }

    /// <summary>The folder <c>./egov</c> builds the repository's packs into.</summary>
    public static string BuiltPacksDirectory => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "packs"));

    /// <summary>
    /// The server's configuration (<c>--config FILE</c> and <c>EGOV_</c> environment variables): the section <c>Packs</c> holds
    /// <c>Paths</c> (more packs to load) and one section per pack, <c>Packs:&lt;PackName&gt;</c>, that the pack's options are bound from.
    /// </summary>
    public Microsoft.Extensions.Configuration.IConfiguration? Configuration { get; init; }

    /// <summary>The log: plain lines (default) or JSON lines with scopes — tenant, instance id, trace id (<c>--log-format json</c>, <c>Logging:Format</c>).</summary>
    public Observability.LogFormat LogFormat { get; init; } = Observability.LogFormat.Text;

    /// <summary>The least level logged (<c>--log-level</c>); per category also <c>Logging:LogLevel:&lt;Category&gt;</c> of the configuration.</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Warning;

    /// <summary>
    /// Where metrics and spans are sent by OTLP (<c>--otlp-endpoint URL</c>, <c>Observability:Otlp:Endpoint</c>), e.g. an
    /// OpenTelemetry Collector at <c>http://collector:4317</c>; null: nothing is pushed (metrics stay on <c>/metrics</c>).
    /// </summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>OTLP's transport: <c>grpc</c> (default, port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; init; } = "grpc";

    /// <summary>Make spans even without OTLP or JSON logs (tests, or an in-process listener); off by default: spans cost a little per command.</summary>
    public bool Tracing { get; init; }

    /// <summary>Prints the start banner and problems; null prints nothing.</summary>
    public TextWriter? Out { get; init; }
    public TextWriter? Error { get; init; }
}

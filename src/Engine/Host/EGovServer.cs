using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.ExternalTasks;
using EGov.Workflows.Host.Jobs;
using EGov.Workflows.Host.Lifecycle;
using EGov.Workflows.Host.Observability;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Host.Web;
using EGov.Workflows.Persistence.Jobs;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace EGov.Workflows.Host;

/// <summary>
/// The server behind <c>./egov serve</c>: opens the store, deploys the processes folder (refusing to start when a
/// model is broken), and runs the REST API (/api, OpenAPI at /openapi/v1.json), the Camunda-compatible external task
/// API (/engine-rest) and the job loop until SIGTERM or Ctrl+C.
/// </summary>
public static class EGovServer
{
    /// <summary>Builds the server and deploys the processes; throws <see cref="ServerStartException"/> with printable lines.</summary>
    public static WebApplication Build(ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!TenantEngines.IsValidId(options.Tenant))
            throw new ServerStartException([$"--tenant '{options.Tenant}': expected 1–64 letters, digits, '.', '-' or '_'"], usage: true);
        if (options.Tenants.FirstOrDefault(t => !TenantEngines.IsValidId(t)) is { } badTenant)
            throw new ServerStartException([$"--tenants '{badTenant}': expected 1–64 letters, digits, '.', '-' or '_'"], usage: true);
        var timings = new Health.StartTimings();
        RaiseThreadPoolFloor(options.MinWorkerThreads);
        var ratsinfo = new Ratsinfo.RatsinfoRegister(); // its store is set once the store is open (the activity and the API share it)
        var reservierungen = new Reservierungen.ReservierungRegister(); // rooms, cars and the staff directory: set once the store is open
        var zeit = new Zeit.ZeitRegister(); // likewise for the Zeitmanagement tables (leave accounts, training budgets)
        var mobilfunk = new Mobilfunk.MobilfunkRegister(); // likewise for the Mobilfunk tables (catalogue, contracts, devices)
        var termine = new Termine.TerminRegister(); // the Bürgerbüro's appointments: set once the store is open
        var kita = new Kita.KitaRegister(); // the Kitas' places and the waiting list: set once the store is open
        var stadtplanung = new Stadtplanung.StadtplanungRegister(); // the eAkte Stadtplanung (Bauleitplan procedures, documents): set once the store is open
        var citizenAccounts = new Citizens.CitizenAccountRegister(); // buerger-konto's links: set once the identity database is open
        var (packs, packLogging) = LoadPacks(options, ratsinfo, reservierungen, zeit, mobilfunk, termine, kita, stadtplanung, citizenAccounts); // before the store is touched: a broken pack stops the start at once
        timings.Mark("packs");
        StoreChoice store;
        try { store = HostStores.Open(options.Store, options.Create); }
        catch (ArgumentException e) { packLogging.Dispose(); throw new ServerStartException([e.Message], usage: true); }
        catch (StoreOpenException e) { packLogging.Dispose(); throw new ServerStartException([e.Message], store: true); }

        if (TenantFristen.Check(options.Configuration, options.Tenant) is { Count: > 0 } fristProblems)
        {
            (store.Store as IDisposable)?.Dispose();
            packLogging.Dispose();
            throw new ServerStartException(fristProblems, usage: true);
        }
        var engines = new TenantEngines(store.Store, options.Tenant,
            store.Store is Persistence.EfRuntimeStore ef ? new DurableDeploymentBackend(new Persistence.Deployments.DurableDeployments(ef)) : null,
            packs.AddTo(new Sdk.ActivityRegistry()))
        {
            Leistungen = store.Store is Persistence.EfRuntimeStore efl ? new Persistence.Catalogue.SqlLeistungenStore(efl.Options).List : null,
            Fristen = id => TenantFristen.For(options.Configuration, id),
            VariableLimits = options.VariableLimits,
            MaxOpenInstances = options.MaxOpenInstancesPerTenant,
        };
        timings.Mark("store");
        // Independent phases on the second core (issue 15: start to ready ≤ 3 s): the identity tables are opened (and the
        // identity model built by the first account query) while the stored versions and the processes folder are
        // deployed; the store's warm-up queries run once the deployment is done, while the host is built. The start waits
        // for both before the node listens, so ready still means ready.
        var identityOpening = Task.Run(() => OpenIdentity(options));
        IReadOnlyList<DeployedDefinition> deployed;
        Catalogue.TenantOverlays overlays;
        Task storeWarmup;
        try
        {
            // Shared models with local overlays: each tenant's merged versions (a tenant whose overlay no longer fits is refused and reported).
            // Overlays deployed through the API are kept in a durable store too, so every node over it shows and runs them.
            overlays = new Catalogue.TenantOverlays(store.Store is Persistence.EfRuntimeStore efo ? new Persistence.Catalogue.SqlOverlayStore(efo.Options) : null);
            var processesDir = options.ProcessesDirectory is { } dir && Directory.Exists(dir) ? dir : null;
            // The overlays' files and shared models are read while the stored versions and the processes folder are deployed.
            if (processesDir is not null) overlays.Prefetch(processesDir, TenantsDirectory(options)!);
            var tenant = engines.Get(options.Tenant);
            timings.Mark("stored versions");
            deployed = DeployProcesses(tenant, options.ProcessesDirectory);
            timings.Mark("processes folder");
            engines.ServicesOf = overlays.ServicesOf;
            if (processesDir is not null) overlays.DeployAll(engines, processesDir, TenantsDirectory(options)!);
            timings.Mark("overlays");
            storeWarmup = Task.Run(() => Health.ColdStartWarmup.RunStore(engines, options.Tenant));
        }
        catch
        {
            // The identity tables' opening is left to finish on its own; what it opened is closed then.
            _ = identityOpening.ContinueWith(t => { if (t.IsCompletedSuccessfully) t.Result.Identity.Dispose(); }, TaskScheduler.Default);
            (store.Store as IDisposable)?.Dispose();
            packLogging.Dispose();
            throw;
        }

        Identity.IdentityDatabase identity;
        string? adminPassword;
        try
        {
            (identity, adminPassword) = identityOpening.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not ServerStartException)
        {
            try { storeWarmup.Wait(); } catch (AggregateException) { } // it must not read a closed store; its errors are the readiness probe's
            (store.Store as IDisposable)?.Dispose();
            throw new ServerStartException([$"--store {HostStores.Describe(options.Store)}: cannot open the identity tables: {e.Message}"], store: true);
        }
        timings.Mark("identity");
        var address = new ServerAddress(options.PublicUrl);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production });
        Observability.Telemetry.AddEGovLogging(builder.Logging, options);
        // Keys are kept in the engine's database (protected by its access rules), not encrypted again: no warning per start.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Logging.AddFilter("OpenIddict", LogLevel.Error);
        builder.WebHost.UseUrls(options.Urls);
        // Bad input is refused before it costs anything: bodies past the limit are 413 (by Content-Length, before reading).
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);
        builder.Services.AddGracefulShutdown(options.ShutdownTimeout); // SIGTERM: new requests 503, in-flight ones answered, jobs finish or are released
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(engines);
        builder.Services.AddSingleton(new StartupReport(deployed, packs.Packs));
        builder.Services.AddSingleton(overlays);
        var site = new WebSite(options.WebDirectory ?? WebSite.DefaultDirectory);
        builder.Services.AddSingleton(site);
        builder.Services.AddSingleton<ExternalTaskService>();
        var postkorb = new Postkorb.PostkorbServices(
            store.Store is Persistence.EfRuntimeStore durable ? new Persistence.Postkorb.SqlPostkorbStore(durable.Options) : new Persistence.Postkorb.InMemoryPostkorbStore(),
            SystemClock.Instance,
            new Postkorb.AttachmentOptions { MaxBytes = options.AttachmentMaxBytes, Directory = options.AttachmentDirectory })
        {
            StandingDeputies = reservierungen.Verzeichnis.Vertreter, // Vertretung from the Adressbuch when an absence names no deputy
        };
        builder.Services.AddSingleton(postkorb);
        // The case file's documents for activities (eakte-file passes the uploads to the eAkte through the SDK).
        engines.CaseDocuments = (tenant, root) => Postkorb.CaseFileDocuments.Read(postkorb.Data, postkorb.AttachmentOptions, tenant, root);
        // ... and the documents activities make (a permit as PDF) go into it, checked like uploads.
        engines.AddCaseDocument = (tenant, root, element, documents) =>
            Postkorb.ActivityDocuments.File(postkorb.Data, postkorb.AttachmentOptions, SystemClock.Instance, tenant, root, element, documents);
        builder.Services.AddSingleton(sp => new Postkorb.AssignmentMail(sp.GetRequiredService<Identity.Accounts.AccountStore>(), engines,
            options.Configuration ?? new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(),
            new EGov.Workflows.Activities.Notifications.MailKitTransport(), options.PublicUrl, sp.GetRequiredService<ILogger<Postkorb.AssignmentMail>>()));
        if (store.Store is IAssignmentOutbox outbox)
        {
            // E-mail on assignment: the outbox is filled by the commits that assign a task; this node's sender empties it.
            if (outbox is InMemoryRuntimeStore memory) memory.KeepsAssignments = true;
            builder.Services.AddSingleton(sp => new Postkorb.AssignmentMailSender(outbox, sp.GetRequiredService<Postkorb.AssignmentMail>(),
                new Postkorb.AssignmentMailSchedule(sp.GetService<JobExecutor>()?.Options.Owner ?? options.NodeId ?? DefaultNodeId(store),
                    options.JobPollInterval, options.AssignmentMailRetry, Math.Max(1, options.AssignmentMailAttempts)),
                SystemClock.Instance, sp.GetRequiredService<ILogger<Postkorb.AssignmentMailSender>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Postkorb.AssignmentMailSender>());
        }
        // FIT-Connect as a start trigger: each tenant whose settings name a destination has its submissions fetched (issue 12).
        builder.Services.AddSingleton(sp => new Inbox.FitConnectInbox(engines, sp.GetRequiredService<Postkorb.PostkorbServices>().Data,
            sp.GetRequiredService<Postkorb.PostkorbServices>().AttachmentOptions, ConfiguredTenants(options),
            options.Configuration ?? new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), SystemClock.Instance,
            sp.GetRequiredService<ILogger<Inbox.FitConnectInbox>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Inbox.FitConnectInbox>());
        builder.Services.AddSingleton(new Idempotency.IdempotentRequests(store));
        if (store.Store is Persistence.EfRuntimeStore analyticsStore)
        {
            // KVP analytics (/analyse): pre-aggregated from the history in the same database; the in-memory store has none.
            builder.Services.AddSingleton<Persistence.Analytics.IProcessAnalytics>(new Persistence.Analytics.SqlProcessAnalytics(analyticsStore.Options,
                new Runtime.WorkflowEngineOptions().Zone));
            builder.Services.AddHostedService<Api.AnalyticsCatchUp>();
        }
        if (store.Store is Persistence.EfRuntimeStore retentionStore)
        {
            // DSGVO deletion after the Aufbewahrungsfrist of each service (service.yaml), leaving a tombstone per case (issue 12).
            builder.Services.AddSingleton(sp => new Jobs.DsgvoLoeschlauf(retentionStore, engines, options, sp.GetRequiredService<ILogger<Jobs.DsgvoLoeschlauf>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Jobs.DsgvoLoeschlauf>());
        }
        builder.Services.AddSingleton<Persistence.Designer.IDesignerDraftStore>(store.Store is Persistence.EfRuntimeStore drafts
            ? new Persistence.Designer.SqlDesignerDraftStore(drafts.Options) : new Persistence.Designer.InMemoryDesignerDraftStore());
        builder.Services.AddSingleton<Persistence.Designer.IDeployedScenarioStore>(store.Store is Persistence.EfRuntimeStore scenarioDb
            ? new Persistence.Designer.SqlDeployedScenarioStore(scenarioDb.Options) : new Persistence.Designer.InMemoryDeployedScenarioStore());
        // The operators' cockpit (issue 11): its journal and batch operations, run in the background by every node.
        builder.Services.AddSingleton(sp => new Cockpit.CockpitServices(
            store.Store is Persistence.EfRuntimeStore cockpitDb ? new Persistence.Cockpit.SqlCockpitStore(cockpitDb.Options) : new Persistence.Cockpit.InMemoryCockpitStore(),
            SystemClock.Instance, sp.GetService<JobExecutor>()?.Options.Owner ?? options.NodeId ?? DefaultNodeId(store)));
        // The Rechnungseingang (issue 17, eRechnung): its Eingangsbuch, validation, and the mailbox poller of tenants that have a mailbox.
        builder.Services.AddSingleton(new ERechnung.Rechnungseingang(
            store.Store is Persistence.EfRuntimeStore invoiceDb ? new Persistence.Rechnungseingang.SqlRechnungseingangStore(invoiceDb.Options) : new Persistence.Rechnungseingang.InMemoryRechnungseingangStore(),
            options.Configuration ?? new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), SystemClock.Instance));
        builder.Services.AddHostedService<ERechnung.RechnungspostfachPoller>();
        // The Ratsinformationssystem (issue 17): Körperschaft, Gremien, Sitzungskalender and papers in tables (migration 0025).
        ratsinfo.Store = store.Store is Persistence.EfRuntimeStore ratsinfoDb
            ? new Persistence.Ratsinfo.SqlRatsinfoStore(ratsinfoDb.Options) : new Persistence.Ratsinfo.InMemoryRatsinfoStore();
        builder.Services.AddSingleton(ratsinfo);
        // Reservierungen und Adressbuch (issue 17): rooms and cars with their bookings, the staff directory (migration 0030).
        if (store.Store is Persistence.EfRuntimeStore reservierungDb)
        {
            reservierungen.Store = new Persistence.Reservierungen.SqlReservierungStore(reservierungDb.Options);
            reservierungen.Adressbuch = new Persistence.Adressbuch.SqlAdressbuchStore(reservierungDb.Options);
        }
        builder.Services.AddSingleton(reservierungen);
        // Zeitmanagement (issue 17): leave accounts and training budgets in tables (migration 0026).
        zeit.Store = store.Store is Persistence.EfRuntimeStore zeitDb ? new Persistence.Zeit.SqlZeitStore(zeitDb.Options) : new Persistence.Zeit.InMemoryZeitStore();
        builder.Services.AddSingleton(zeit);
        // Mobilfunkverträge (issue 17): catalogue of tariffs and devices, contracts, devices handed out (migration 0036).
        mobilfunk.Store = store.Store is Persistence.EfRuntimeStore mobilfunkDb ? new Persistence.Mobilfunk.SqlMobilfunkStore(mobilfunkDb.Options) : new Persistence.Mobilfunk.InMemoryMobilfunkStore();
        builder.Services.AddSingleton(mobilfunk);
        // eAkte Stadtplanung (issue 17): Bauleitplan procedures, read groups and documents (migration 0035).
        stadtplanung.Store = store.Store is Persistence.EfRuntimeStore stadtplanungDb ? new Persistence.Stadtplanung.SqlStadtplanungStore(stadtplanungDb.Options) : new Persistence.Stadtplanung.InMemoryStadtplanungStore();
        builder.Services.AddSingleton(stadtplanung);
        // Online-Terminierung (issue 17): places, opening hours, services and appointments in tables (migration 0031).
        if (store.Store is Persistence.EfRuntimeStore terminDb) termine.Store = new Persistence.Termine.SqlTerminStore(terminDb.Options);
        termine.Fristen = id => TenantFristen.For(options.Configuration, id);
        builder.Services.AddSingleton(termine);
        // Lebenskette / Kita-Anmeldung (issue 17): Kitas, places and the waiting list in tables (migration 0033).
        if (store.Store is Persistence.EfRuntimeStore kitaDb) kita.Store = new Persistence.Kita.SqlKitaStore(kitaDb.Options);
        builder.Services.AddSingleton(kita);
        builder.Services.AddSingleton<Cockpit.BatchRunner>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Cockpit.BatchRunner>());
        builder.Services.AddEGovTelemetry(options, options.NodeId ?? DefaultNodeId(store));
        if (options.CommandThreads > 0) builder.Services.AddSingleton(_ => new CommandLane(options.CommandThreads, options.CommandQueue));
        builder.Services.AddSingleton(sp => new Health.ReadinessProbe(store, sp.GetService<JobExecutor>()?.Options.Owner ?? options.NodeId ?? DefaultNodeId(store), sp.GetService<JobExecutor>, SystemClock.Instance,
            sp.GetService<CommandLane>()));
        builder.Services.AddEGovAuth(options, identity, address);
        Citizens.CitizenSignIn.AddEGovCitizens(builder.Services, options, identity, address);
        // Life-chain cases started by a message are linked to the parents' citizen accounts (buerger-konto) in the same index.
        citizenAccounts.Links = new Citizens.StoredCitizenCaseLinks(new Identity.Citizens.CitizenCaseStore(identity));
        // The parents' online consent (einwilligung-eltern, /buerger/einwilligung): code hashes in the identity database (0037).
        citizenAccounts.Consents = new Identity.Citizens.CitizenConsentStore(identity);
        citizenAccounts.PublicAddress = () => address.Public;
        builder.Services.AddSingleton(citizenAccounts);
        if (store.Store is IJobLeaseStore leases)
        {
            builder.Services.AddSingleton(sp => new JobExecutor(leases, tenant => engines.Get(tenant).Engine, SystemClock.Instance,
                new JobExecutorOptions
                {
                    Owner = options.NodeId ?? DefaultNodeId(store),
                    PollInterval = options.JobPollInterval,
                    Lease = NodaTime.Duration.FromTimeSpan(options.JobLease),
                    SyncDeployments = engines.Deployments is null ? null : engine => { engines.Deployments.Restore(engines.Get(engine.Options.TenantId)); return 1; },
                }, sp.GetService<ILogger<JobExecutor>>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<JobExecutor>());
        }
        else builder.Services.AddHostedService<DueWorkLoop>();
        if (engines.Deployments is not null)
        {
            builder.Services.AddHostedService<IdleEngineSweeper>();
            builder.Services.AddHostedService<DeploymentWatch>();
        }
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemExceptionHandler.FillIn);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // Request bodies: a property named twice is an error (not "last one wins"), and free-form values are read strictly.
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.MaxDepth = options.MaxJsonDepth;
            o.SerializerOptions.Converters.Add(new Api.StrictJsonNodeConverter<System.Text.Json.Nodes.JsonObject>());
            o.SerializerOptions.Converters.Add(new Api.StrictJsonNodeConverter<System.Text.Json.Nodes.JsonNode>());
            o.SerializerOptions.Converters.Add(new Api.StrictJsonNodeConverter<System.Text.Json.Nodes.JsonArray>());
        });
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "EGov.Workflows";
            doc.Info.Description = "BPMN 2.0 engine for municipal e-government: REST API under /api (errors as RFC 9457 problem details), " +
                "Camunda-7-compatible external tasks under /engine-rest. Every request needs an identity: a bearer token (POST /connect/token), a worker's Basic credentials on /engine-rest, or a web session. The tenant comes from the identity; X-Tenant selects among its tenants.";
            return Task.CompletedTask;
        }));

        builder.Services.AddSingleton(timings);
        timings.Mark("services");
        var app = builder.Build();
        timings.Mark("host built");
        if (app.Services.GetService<JobExecutor>() is { } jobExecutor) engines.WakeJobs = _ => jobExecutor.Wake();
        engines.Directory = new TenantDirectory(ConfiguredTenants(options), IdentityTenants(app.Services),
            engines.Deployments is { } stored ? stored.HasVersions : null);
        address.Attach(app.Services.GetRequiredService<IServer>());
        app.Lifetime.ApplicationStarted.Register(() => RegisterWebClient(app.Services, address));
        app.Lifetime.ApplicationStopped.Register(() => (store.Store as IDisposable)?.Dispose());
        app.Lifetime.ApplicationStopped.Register(identity.Dispose);
        app.Lifetime.ApplicationStopped.Register(site.Dispose);
        app.Lifetime.ApplicationStopped.Register(packLogging.Dispose);
        app.UseGracefulShutdown();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        app.UseMiddleware<PermissionEnforcement>();
        if (options.LogFormat == LogFormat.Json) app.UseEGovLogScope(); // only JSON lines write scopes: no per-request cost otherwise
        app.UseRateLimiter();
        app.MapOpenApi().RequirePermission(Permission.Public);
        app.MapGet("/", () => Results.Ok(new
        {
            name = "EGov.Workflows", api = "/api", health = "/api/health", live = "/health/live", ready = "/health/ready", openApi = "/openapi/v1.json", engineRest = "/engine-rest", signIn = "/anmelden",
        })).RequirePermission(Permission.Public).ExcludeFromDescription();
        app.MapHealthEndpoints();
        app.MapEGovMetrics();
        app.MapEGovApi();
        app.MapSignIn();
        app.MapAccountEndpoints();
        app.MapCamundaEngineRest();
        app.MapWebPages(site);
        Citizens.CitizenSignIn.MapCitizens(app);
        if (options.Out is { } o)
            app.Lifetime.ApplicationStarted.Register(() => PrintBanner(app, options, store, deployed, packs, site, address, adminPassword, o));
        // The hot queries translated and the store and identity models built before the node listens (issue 21, item 6).
        storeWarmup.GetAwaiter().GetResult();
        Health.ColdStartWarmup.Run(app.Services, engines, options.Tenant);
        timings.Mark("warm-up");
        app.Lifetime.ApplicationStarted.Register(() => timings.Mark("listening"));
        var startLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EGov.Workflows.Host.Start");
        if (startLog.IsEnabled(LogLevel.Debug)) startLog.LogDebug("start: {Phases}", timings.ToString());
        return app;
    }

    /// <summary>Runs until SIGTERM/Ctrl+C. Exit code: 0 after a graceful stop, 1 when it could not start, 2 for wrong options.</summary>
    public static async Task<int> RunAsync(ServeOptions options, CancellationToken cancel = default)
    {
        var err = options.Error ?? TextWriter.Null;
        WebApplication app;
        try { app = Build(options); }
        catch (ServerStartException e)
        {
            foreach (var line in e.Lines) await err.WriteLineAsync(line);
            if (!e.Usage && !e.Store && !e.Pack) await err.WriteLineAsync("egov serve: not started: fix the model(s) above, or start with --processes pointing elsewhere");
            return e.Usage ? 2 : 1;
        }
        try
        {
            await app.RunAsync(cancel);
        }
        catch (IOException e)
        {
            await err.WriteLineAsync($"egov serve: cannot listen on {options.Urls}: {e.Message}");
            return 1;
        }
        finally
        {
            await app.DisposeAsync();
        }
        options.Out?.WriteLine("egov serve: stopped");
        return 0;
    }

    /// <summary>Starts the server in this process and answers its base address (tests pass http://127.0.0.1:0 for a free port).</summary>
    public static async Task<RunningServer> StartAsync(ServeOptions options)
    {
        var app = Build(options);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>
    /// SQLite is one node, so its name can stay the same across restarts: a server restarted after a crash then takes back the
    /// jobs its killed predecessor had leased, instead of leaving them for the lease time (5 minutes). Nodes sharing PostgreSQL
    /// need names unique per process unless --node-id gives each a stable one.
    /// </summary>
    private static string DefaultNodeId(StoreChoice store) =>
        store.Store is Persistence.EfRuntimeStore { Options.Provider: Persistence.StoreProvider.Sqlite }
            ? $"{Environment.MachineName}:sqlite"
            : new JobExecutorOptions().Owner;

    private static IReadOnlyList<DeployedDefinition> DeployProcesses(TenantEngine tenant, string? directory)
    {
        if (directory is null || !Directory.Exists(directory)) return [];
        var files = ModelDeployer.FindModels(directory);
        if (files.Count == 0) return [];
        try
        {
            var deployed = ModelDeployer.DeployFiles(tenant, files);
            var decisions = tenant.Engine.Decisions.Latest().Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
            tenant.Services.Replace(Catalogue.ServiceRegistry.Load(directory, deployed, decisions));
            return deployed;
        }
        catch (DeploymentException e)
        {
            throw new ServerStartException(e.Messages);
        }
    }

    /// <summary>
    /// The packs of <c>--activities</c> and of the configuration's <c>Packs:Paths</c> (a list, or one value with paths separated
    /// by ';'), each with its options from <c>Packs:&lt;PackName&gt;</c> and a console logger. A pack that cannot be loaded
    /// stops the start with its file and the reason.
    /// </summary>
    private static (Packs.PackCatalog Packs, ILoggerFactory Logging) LoadPacks(ServeOptions options, Ratsinfo.RatsinfoRegister ratsinfo, Reservierungen.ReservierungRegister reservierungen,
        Zeit.ZeitRegister zeit, Mobilfunk.MobilfunkRegister mobilfunk, Termine.TerminRegister termine, Kita.KitaRegister kita,
        Stadtplanung.StadtplanungRegister stadtplanung, Citizens.CitizenAccountRegister citizenAccounts)
    {
        var configuration = options.Configuration ?? new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        var paths = options.Packs.Concat(PackPaths(configuration)).ToList();
        if (paths.Count == 0 && (options.DefaultPacksDirectory ?? ServeOptions.BuiltPacksDirectory) is var builtIn
            && Directory.Exists(builtIn) && Directory.EnumerateFiles(builtIn, "*.deps.json", SearchOption.AllDirectories).Any())
            paths.Add(builtIn); // the repository's own packs (src/Activities), as ./egov built them
        var logging = LoggerFactory.Create(b =>
        {
            b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
            b.SetMinimumLevel(LogLevel.Information);
            b.AddFilter("System.Net.Http", LogLevel.Warning);
        });
        try
        {
            var loaded = paths.Count == 0 ? Packs.PackCatalog.Empty : Packs.PackLoader.Load(paths, new Packs.PackHostServices(configuration, logging));
            return (loaded.With(BuiltInPacks.Load(configuration, logging, ratsinfo, reservierungen, zeit, mobilfunk, termine, kita, stadtplanung, citizenAccounts)), logging);
        }
        catch (Packs.PackException e)
        {
            logging.Dispose();
            throw new ServerStartException([.. e.Message.Split(Environment.NewLine), "egov serve: not started: fix or remove the pack(s) above"], pack: true);
        }
    }

    /// <summary>The configuration's <c>Packs:Paths</c>: an array (<c>EGOV_Packs__Paths__0</c>) or one value with ';' between paths.</summary>
    public static IReadOnlyList<string> PackPaths(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Packs:Paths");
        var children = section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (children.Count > 0) return children;
        return section.Value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
    }

    /// <summary>Raises the thread pool's minimum of worker threads (never lowers it; a process-wide setting).</summary>
    private static void RaiseThreadPoolFloor(int workers)
    {
        ThreadPool.GetMinThreads(out var current, out var io);
        if (workers > current) ThreadPool.SetMinThreads(workers, io);
    }

    /// <summary>The tenants the options and the configuration name: the default one, <c>--tenants</c> and every <c>Tenants:&lt;id&gt;</c> section.</summary>
    private static IEnumerable<string> ConfiguredTenants(ServeOptions options) =>
        new[] { options.Tenant }.Concat(options.Tenants).Concat(OverlayTenants(options))
            .Concat(options.Configuration?.GetSection("Tenants").GetChildren().Select(c => c.Key) ?? []);

    /// <summary>The tenants folder of the overlays: --tenants-dir, else tenants/ beside the processes folder.</summary>
    internal static string? TenantsDirectory(ServeOptions options) =>
        options.TenantsDirectory ?? (options.ProcessesDirectory is { } p ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(p)) ?? ".", "tenants") : null);

    /// <summary>The tenants that have overlays (a folder under the tenants folder): tenants of this installation.</summary>
    private static IEnumerable<string> OverlayTenants(ServeOptions options) =>
        TenantsDirectory(options) is { } dir && Directory.Exists(dir)
            ? Directory.EnumerateDirectories(dir).Select(Path.GetFileName).OfType<string>().Where(TenantEngines.IsValidId)
            : [];

    /// <summary>Reads the tenants of every account and client (the identities define the installation's tenants).</summary>
    private static Func<CancellationToken, Task<IReadOnlyCollection<string>>> IdentityTenants(IServiceProvider services) => async cancel =>
    {
        var tenants = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in await services.GetRequiredService<Identity.Accounts.AccountStore>().ListAsync(cancel)) tenants.UnionWith(a.Tenants);
        using var scope = services.CreateScope();
        foreach (var c in await scope.ServiceProvider.GetRequiredService<Identity.Clients.ClientStore>().ListAsync(cancel)) tenants.UnionWith(c.Tenants);
        return tenants;
    };

    /// <summary>On the very first start (no account yet) an <c>admin</c> with a one-time password; answered for the banner.</summary>
    /// <summary>The identity tables opened (created or upgraded) and the first administrator made when there is none.</summary>
    private static (Identity.IdentityDatabase Identity, string? AdminPassword) OpenIdentity(ServeOptions options)
    {
        var identity = Identity.IdentityDatabase.Open(options.Store);
        try { return (identity, FirstAdmin(identity, options)); }
        catch { identity.Dispose(); throw; }
    }

    private static string? FirstAdmin(Identity.IdentityDatabase identity, ServeOptions options)
    {
        if (options.OidcAuthority is { Length: > 0 }) return null; // people sign in at the external provider
        var accounts = new Identity.Accounts.AccountStore(identity);
        if (accounts.AnyAsync().GetAwaiter().GetResult()) return null;
        try
        {
            return accounts.CreateAsync(new Identity.Accounts.NewAccount("admin", "Administrator", [Caller.Admin], [], ["*"]), null).GetAwaiter().GetResult();
        }
        catch (Identity.Accounts.NameTakenException) { return null; } // another node was first
    }

    /// <summary>The web pages' client at the embedded provider, with this server's sign-in callback.</summary>
    private static void RegisterWebClient(IServiceProvider services, ServerAddress address)
    {
        Identity.Clients.ClientStore.EnsureWebClientAsync(services.GetRequiredService<IServiceScopeFactory>(),
            [new Uri(address.Public, "signin-oidc")], [new Uri(address.Public, "anmelden?abgemeldet=1")]).GetAwaiter().GetResult();
    }

    private static void PrintBanner(WebApplication app, ServeOptions options, StoreChoice store, IReadOnlyList<DeployedDefinition> deployed, Packs.PackCatalog packs, WebSite site,
        ServerAddress address, string? adminPassword, TextWriter o)
    {
        var url = (app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Urls).TrimEnd('/');
        var publicUrl = address.Public.AbsoluteUri.TrimEnd('/');
        o.WriteLine($"egov serve: listening on {url}");
        o.WriteLine($"  store      {store.Description}{(store.Durable ? "  (durable: cases survive a restart)" : "")}");
        if (store.Note is { } note) o.WriteLine($"             note: {note}");
        if (store.Created is { } created) o.WriteLine($"             {created}");
        o.WriteLine($"  tenant     {options.Tenant} (the default; an identity of several tenants picks one with the header X-Tenant: ID)");
        var land = TenantFristen.For(options.Configuration, options.Tenant).Land ?? Time.Bundesland.HE;
        o.WriteLine($"  Fristen    {land} ({Time.Bundeslaender.Name(land)}): BGB §§187–193 with its public holidays (Fristen:Land, per tenant Tenants:<id>:Fristen:Land; docs/fristen.md)");
        if (options.ProcessesDirectory is null) o.WriteLine("  processes  none (no --processes folder)");
        else if (!Directory.Exists(options.ProcessesDirectory)) o.WriteLine($"  processes  none ({options.ProcessesDirectory}/ does not exist)");
        else
        {
            o.WriteLine($"  processes  {deployed.Count} deployed from {options.ProcessesDirectory}/");
            var width = deployed.Count == 0 ? 0 : deployed.Max(d => d.ProcessId.Length);
            foreach (var d in deployed)
                o.WriteLine($"             {d.ProcessId.PadRight(width)}  v{d.Version}  {d.Name ?? ""}".TrimEnd());
        }
        if (app.Services.GetService<Catalogue.TenantOverlays>() is { All.Count: > 0 } overlays)
        {
            var rows = overlays.All;
            o.WriteLine($"  overlays   {rows.Count(r => r.State == "deployed")} deployed, {rows.Count(r => r.State != "deployed")} refused for {rows.Select(r => r.Tenant).Distinct().Count()} tenants from {TenantsDirectory(options)}/ (GET /api/services/overlays)");
            foreach (var r in rows.Where(r => r.State != "deployed").Take(20))
                foreach (var problem in r.Problems.Take(5)) o.WriteLine($"             refused {r.Tenant}/{r.Service}: {problem}");
        }
        var builtIn = packs.Packs.Where(p => p.Info.File is null).ToList();
        var plugIns = packs.Packs.Where(p => p.Info.File is not null).ToList();
        if (builtIn.Count > 0)
            o.WriteLine($"  built in   {string.Join("; ", builtIn.Select(p => $"{p.Info.Name} {p.Info.Version}: {string.Join(", ", p.Activities.Select(a => a.Name))}"))}  (settings: Packs:<Pack>, per tenant Tenants:<id>:<Pack>)");
        if (plugIns.Count == 0) o.WriteLine("  packs      none (custom activities: --activities PATH or Packs:Paths, see docs/sdk.md)");
        else
        {
            o.WriteLine($"  packs      {plugIns.Count} loaded (trusted code in this process)");
            var nameWidth = plugIns.Max(p => p.Info.Name.Length);
            var versionWidth = plugIns.Max(p => p.Info.Version.Length);
            foreach (var p in plugIns)
                o.WriteLine($"             {p.Info.Name.PadRight(nameWidth)}  {p.Info.Version.PadRight(versionWidth)}  {string.Join(", ", p.Activities.Select(a => a.Name))}  ({p.Info.File})");
        }
        if (options.OidcAuthority is { Length: > 0 } authority)
            o.WriteLine($"  sign-in    {publicUrl}/signin  (at {authority}; machine clients: ./egov clients add)");
        else
        {
            o.WriteLine($"  sign-in    {publicUrl}/anmelden  (accounts: ./egov users add NAME --roles clerk --groups G; workers: ./egov clients add)");
            if (adminPassword is not null)
                o.WriteLine($"  first start: account 'admin', one-time password {adminPassword}  (a new password is asked at the first sign-in)");
        }
        o.WriteLine($"  API        {url}/api  (every request needs an identity: a bearer token from {publicUrl}/connect/token or a web session)");
        o.WriteLine($"  OpenAPI    {url}/openapi/v1.json");
        o.WriteLine($"  health     {url}/health/live  {url}/health/ready  (503 with the reason when not ready)");
        o.WriteLine($"  metrics    {url}/metrics  (Prometheus; role monitoring or operator){(options.OtlpEndpoint is { } otlp ? $"; OTLP to {otlp} ({options.OtlpProtocol})" : "")}; log {options.LogFormat.ToString().ToLowerInvariant()} from {options.LogLevel}");
        o.WriteLine(site.IsBuilt
            ? $"  Postkorb   {url}/aufgaben  (the clerks' task inbox in the browser); analysts: {url}/prozesse, {url}/designer/PROCESS_ID; operators: {url}/betrieb"
            : $"  Postkorb   not built ({site.Directory}): ./egov builds the web pages with npm");
        o.WriteLine($"  workers    {url}/engine-rest  (Camunda 7 external tasks: fetchAndLock, complete, failure, bpmnError)");
        o.WriteLine("  Ctrl+C stops the server.");
        o.Flush();
    }
}

/// <summary>What was deployed and loaded at start (for the banner and tests).</summary>
public sealed record StartupReport(IReadOnlyList<DeployedDefinition> Deployed, IReadOnlyList<Packs.LoadedPack> Packs);

/// <summary>A server started in this process (tests): its base address; disposing stops it gracefully.</summary>
public sealed class RunningServer(WebApplication app, Uri baseAddress) : IAsyncDisposable
{
    public WebApplication App { get; } = app;
    public Uri BaseAddress { get; } = baseAddress;
    public TenantEngines Engines => App.Services.GetRequiredService<TenantEngines>();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>The server cannot start: each line is printable as it is (models: <c>file:line:column: error: message</c>).</summary>
public sealed class ServerStartException(IReadOnlyList<string> lines, bool usage = false, bool store = false, bool pack = false) : Exception(string.Join(Environment.NewLine, lines))
{
    public IReadOnlyList<string> Lines { get; } = lines;
    public bool Usage { get; } = usage;
    public bool Store { get; } = store;
    /// <summary>A pack could not be loaded (the lines say which and why, and what to do).</summary>
    public bool Pack { get; } = pack;
}

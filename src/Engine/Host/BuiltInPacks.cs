using EGov.Workflows.Activities.Dokumente;
using EGov.Workflows.Activities.ERechnung;
using EGov.Workflows.Activities.FitConnect;
using EGov.Workflows.Activities.Melderegister;
using EGov.Workflows.Activities.Notifications;
using EGov.Workflows.Activities.Payment;
using EGov.Workflows.Activities.Xdomea;
using EGov.Workflows.Packs;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EGov.Workflows.Host;

/// <summary>
/// The domain activity packs the host is built with (src/Activities, referenced by the host): each registered with its
/// one call, with its settings per tenant from the configuration (<c>Packs:&lt;Pack&gt;</c>, <c>Tenants:&lt;id&gt;:&lt;Pack&gt;</c>).
/// <c>./egov serve</c>, <c>validate</c> and <c>test</c> put them into their <see cref="PackCatalog"/> beside the plug-in packs.
/// </summary>
public static class BuiltInPacks
{
    private static readonly string Version = typeof(BuiltInPacks).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";

    /// <summary>The name of the built-in pack of the citizen side (<c>eid-check</c>, <c>buerger-konto</c>).</summary>
    public const string CitizenPack = "Buerger";

    /// <summary>The name of the built-in pack of the Ratsinformationssystem (<c>ratsinfo-vorlage</c>).</summary>
    public const string RatsinfoPack = "Ratsinfo";

    /// <summary>The name of the built-in pack of the reservations and the staff directory (<c>ressource-buchung</c>, <c>adressbuch-auskunft</c>).</summary>
    public const string ReservierungenPack = "Reservierungen";

    /// <summary>The name of the built-in pack of the Online-Terminierung (<c>termin-buchung</c>).</summary>
    public const string TerminePack = "Termine";

    /// <summary>The name of the built-in pack of the Kita registration (<c>kita-platz</c>).</summary>
    public const string KitaPack = "Kita";

    /// <summary>The name of the built-in pack of Zeitmanagement (<c>urlaubskonto</c>, <c>fortbildungsbudget</c>).</summary>
    public const string ZeitPack = "Zeitmanagement";

    /// <summary>The name of the built-in pack of the Mobilfunk contracts (<c>mobilfunk-vertrag</c>).</summary>
    public const string MobilfunkPack = "Mobilfunk";

    /// <summary>The name of the built-in pack of the eAkte Stadtplanung (<c>bauleitplan-akte</c>).</summary>
    public const string StadtplanungPack = "Stadtplanung";

    /// <summary>The built-in packs, each with its activities created from its own container.</summary>
    /// <param name="ratsinfo">Where the Ratsinfo tables are (the server's store); without it, a register in memory.</param>
    /// <param name="reservierungen">Where the reservation and directory tables are (the server's store); without it, in memory.</param>
    /// <param name="zeit">Where the Zeitmanagement tables are (the server's store); without it, a register in memory.</param>
    /// <param name="mobilfunk">Where the Mobilfunk tables are (the server's store); without it, a register in memory.</param>
    /// <param name="termine">Where the appointment tables are (the server's store); without it, in memory.</param>
    /// <param name="kita">Where the Kita tables are (the server's store); without it, in memory.</param>
    /// <param name="citizens">Where buerger-konto records its links (the server's citizen case index); without it, in memory.</param>
    public static IReadOnlyList<LoadedPack> Load(IConfiguration configuration, ILoggerFactory? logging = null, Ratsinfo.RatsinfoRegister? ratsinfo = null,
        Reservierungen.ReservierungRegister? reservierungen = null, Zeit.ZeitRegister? zeit = null, Mobilfunk.MobilfunkRegister? mobilfunk = null,
        Termine.TerminRegister? termine = null, Kita.KitaRegister? kita = null, Stadtplanung.StadtplanungRegister? stadtplanung = null,
        Citizens.CitizenAccountRegister? citizens = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var register = ratsinfo ?? new Ratsinfo.RatsinfoRegister();
        var resources = reservierungen ?? new Reservierungen.ReservierungRegister();
        var zeitRegister = zeit ?? new Zeit.ZeitRegister();
        var mobilfunkRegister = mobilfunk ?? new Mobilfunk.MobilfunkRegister();
        var terminRegister = termine ?? new Termine.TerminRegister();
        var kitaRegister = kita ?? new Kita.KitaRegister();
        var stadtplanungRegister = stadtplanung ?? new Stadtplanung.StadtplanungRegister();
        var citizenRegister = citizens ?? new Citizens.CitizenAccountRegister();
        return
        [
            Pack(NotificationOptions.Section, configuration, logging, (s, c) => s.AddEgovNotifications(c)),
            Pack(PaymentOptions.Section, configuration, logging, (s, c) => s.AddEgovPayment(c)),
            Pack(XdomeaOptions.Section, configuration, logging, (s, c) => s.AddEgovXdomea(c)),
            Pack(FitConnectOptions.Section, configuration, logging, (s, c) => s.AddEgovFitConnect(c)),
            Pack(ERechnungOptions.Section, configuration, logging, (s, c) => s.AddEgovERechnung(c)),
            Pack(MelderegisterOptions.Section, configuration, logging, (s, c) => s.AddEgovMelderegister(c)),
            Pack(DokumenteOptions.Section, configuration, logging, (s, c) => s.AddEgovDokumente(c)),
            // The citizen side's own activities (eid-check: a trust level later in the case, step-up by the citizen's sign-in;
            // buerger-konto: a case started by a message is linked to the citizen account it concerns, see "Meine Vorgänge").
            // einwilligung-eltern: the parents consent online, signed in, with a one-time code from the case's notice.
            Pack(CitizenPack, configuration, logging, (s, c) => s.AddSingleton(citizenRegister).AddSingleton(new Citizens.Consent.ConsentMail(c, new MailKitTransport()))
                .AddEgovActivity<Citizens.EidCheckActivity>().AddEgovActivity<Citizens.BuergerKontoActivity>().AddEgovActivity<Citizens.Consent.EinwilligungElternActivity>()),
            // The Ratsinformationssystem's register of papers (issue 17): the case keeps its table row in step.
            Pack(RatsinfoPack, configuration, logging, (s, _) => s.AddSingleton(register).AddEgovActivity<Ratsinfo.VorlageActivity>()),
            // Reservierungen und Adressbuch (issue 17): bookings of rooms and cars, the staff directory's answers for a case.
            Pack(ReservierungenPack, configuration, logging, (s, _) => s.AddSingleton(resources)
                .AddEgovActivity<Reservierungen.BuchungActivity>().AddEgovActivity<Adressbuch.AuskunftActivity>()),
            // Zeitmanagement (issue 17): leave accounts and training budgets in tables; the cases book on them.
            Pack(ZeitPack, configuration, logging, (s, _) => s.AddSingleton(zeitRegister).AddEgovActivity<Zeit.UrlaubskontoActivity>().AddEgovActivity<Zeit.FortbildungsbudgetActivity>()),
            // Mobilfunkverträge (issue 17): catalogue, contracts and devices in tables; the case orders, hands over, terminates.
            Pack(MobilfunkPack, configuration, logging, (s, _) => s.AddSingleton(mobilfunkRegister).AddEgovActivity<Mobilfunk.VertragActivity>()),
            // eAkte Stadtplanung (issue 17): Bauleitplan procedures and their documents in tables; the case files each step.
            Pack(StadtplanungPack, configuration, logging, (s, _) => s.AddSingleton(stadtplanungRegister).AddEgovActivity<Stadtplanung.BauleitplanAkteActivity>()),
            // Online-Terminierung (issue 17): the Bürgerbüro's appointments in tables; the case books and marks them.
            Pack(TerminePack, configuration, logging, (s, _) => s.AddSingleton(terminRegister).AddEgovActivity<Termine.TerminActivity>()),
            // Lebenskette (issue 17): the Kitas' places and the waiting list in tables; the Kita case registers, is offered, accepts.
            Pack(KitaPack, configuration, logging, (s, _) => s.AddSingleton(kitaRegister).AddEgovActivity<Kita.PlatzActivity>()),
        ];
    }

    /// <summary>
    /// The settings <c>./egov test</c> gives the built-in packs: never a real outside system unless the environment says so.
    /// E-mails go as .eml files into <c>$TMPDIR/egov-test-mail</c> (sender <c>noreply@egov-test.invalid</c>); eAkte filings
    /// as xdomea containers into <c>$TMPDIR/egov-test-eakte</c>, Aussonderung messages into <c>$TMPDIR/egov-test-archiv</c> (the archive's
    /// answers come by hand: a scenario's <c>complete:</c> of the waiting task with <c>bewertung</c>, then <c>erfolgreich</c>), payment orders (pain.001) into <c>$TMPDIR/egov-test-zahlungen</c>, checked against the schema in <c>EGOV_XDOMEA_SCHEMAS</c> or the
    /// shared corpus beside the repository; payments are created offline (no provider; a scenario's <c>complete:</c> of the
    /// waiting task gives the provider's status), and so are Melderegister requests (<c>complete:</c> with the register's
    /// <c>ergebnis</c>, <c>wohnungsstatus</c>, <c>anschriftStimmtUeberein</c>).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> TestDefaults { get; } = new Dictionary<string, string?>
    {
        ["Packs:Xdomea:Behoerde"] = "egov test",
        ["Packs:Xdomea:Delivery"] = "Directory",
        ["Packs:Xdomea:Directory"] = Path.Combine(Path.GetTempPath(), "egov-test-eakte"),
        ["Packs:Xdomea:SchemaDirectory"] = XdomeaTestSchema(),
        ["Packs:Xdomea:Archiv:Name"] = "Archiv (Test)",
        ["Packs:Xdomea:Archiv:Delivery"] = "Directory",
        ["Packs:Xdomea:Archiv:Directory"] = Path.Combine(Path.GetTempPath(), "egov-test-archiv"),
        ["Packs:Notifications:From"] = "noreply@egov-test.invalid",
        ["Packs:Notifications:FromName"] = "egov test",
        ["Packs:Notifications:Delivery"] = "Directory",
        ["Packs:Notifications:Directory"] = Path.Combine(Path.GetTempPath(), "egov-test-mail"),
        ["Packs:Payment:Provider"] = "Offline",
        ["Packs:Melderegister:Provider"] = "Offline",
        ["Packs:Melderegister:Behoerde"] = "egov test",
        ["Packs:Dokumente:Behoerde"] = "egov test",
        ["Packs:ERechnung:ExportDirectory"] = Path.Combine(Path.GetTempPath(), "egov-test-zahlungen"),
        ["Packs:ERechnung:Kasse"] = "Stadtkasse (Test)",
        ["Packs:ERechnung:KasseIban"] = "DE02120300000000202051",
    };

    /// <summary>The xdomea schema <c>./egov test</c> checks against: <c>EGOV_XDOMEA_SCHEMAS</c>, else <c>shared/corpora/xdomea/schemas/3.1.0</c> in a folder above.</summary>
    private static string? XdomeaTestSchema()
    {
        if (Environment.GetEnvironmentVariable("EGOV_XDOMEA_SCHEMAS") is { Length: > 0 } env) return env;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "corpora", "xdomea", "schemas", "3.1.0");
                if (File.Exists(Path.Combine(candidate, "xdomea.xsd"))) return candidate;
            }
        return null;
    }

    private static LoadedPack Pack(string name, IConfiguration configuration, ILoggerFactory? logging, Action<IServiceCollection, IConfiguration> add)
    {
        var services = new ServiceCollection();
        services.AddSingleton(logging ?? NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        add(services, configuration);
        var info = new ActivityPackInfo(name, Version, null);
        var provider = services.BuildServiceProvider(); // lives as long as the process, as a plug-in pack's does
        return LoadedPack.From(info, new ActivityRegistry().AddFrom(provider, info));
    }
}

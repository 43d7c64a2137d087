using EGov.Workflows.Simulators;
using Microsoft.Extensions.Configuration;
using EGov.Workflows.Host;
using Microsoft.Playwright;

namespace EGov.Workflows.Browser.Tests;

/// <summary>Debian's Chromium, started by Playwright with the flags this machine's closed network needs.</summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>No sandbox (tests run as root), no GPU, and no background connections (they would be refused, many at a time).</summary>
    public static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true, Args = Flags });
}

/// <summary>
/// One server and one browser for all browser tests (a collection fixture: they run one after another, which suits a
/// two-core machine). The server is the real one in this process, on a free loopback port, serving the built pages.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;
    private RunningServer? server;
    private PaymentSimulator? payment;
    private MelderegisterSimulator? melderegister;

    public Uri BaseAddress => server!.BaseAddress;
    public RunningServer Server => server!;

    /// <summary>The e-payment platform the Anwohnerparkausweis takes its fee at (the XBezahldienste simulator on loopback).</summary>
    public PaymentSimulator Payment => payment!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium.ExecutablePath)) return; // every test is skipped
        if (Repository.EnsureWebBuilt() is { } problem) throw new InvalidOperationException(problem);
        payment = await PaymentSimulator.StartAsync();
        payment.Secret = PaymentSecret;
        // The Anwohnerparkausweis asks the Melderegister before its fee: without a register the case stops at an incident.
        melderegister = await MelderegisterSimulator.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Packs:Payment:BaseUrl"] = payment.BaseUrl,
            ["Packs:Payment:OriginatorId"] = "anwohnerparken",
            ["Packs:Payment:EndpointId"] = "06412000",
            ["Packs:Payment:NotificationSecret"] = PaymentSecret,
            ["Packs:Melderegister:BaseUrl"] = melderegister.BaseUrl,
            ["Packs:Melderegister:ApiKey"] = melderegister.ApiKey,
            ["Packs:Melderegister:Behoerde"] = "Stadt Musterstadt, Straßenverkehrsbehörde",
        }).Build();
        server = await EGovServer.StartAsync(new ServeOptions
        {
            Urls = "http://127.0.0.1:0", Store = "memory", ProcessesDirectory = Repository.ProcessesDirectory,
            WebDirectory = Repository.WebDirectory, JobPollInterval = TimeSpan.FromMilliseconds(200), Configuration = configuration,
            // Every browser test signs its people in from the same loopback address to this one server: the production limit
            // (10 a minute per address) would refuse a fast run's sign-ins ("Zu viele Anmeldeversuche"). The limit itself is
            // tested by the host's sign-in tests.
            SignInAttemptsPerMinute = 1000,
        });
        payment.NotifyUrl = new Uri(server.BaseAddress, "api/callbacks/default/payment/notify").ToString();
        playwright = await Playwright.CreateAsync();
        browser = await Chromium.LaunchAsync(playwright);
    }

    /// <summary>A fresh browser context (own cookies and storage), German and in the administration's time zone.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(), Locale = "de-DE", TimezoneId = "Europe/Berlin", ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.CloseAsync();
        playwright?.Dispose();
        if (server is not null) await server.DisposeAsync();
        if (payment is not null) await payment.DisposeAsync();
        if (melderegister is not null) await melderegister.DisposeAsync();
    }

    private const string PaymentSecret = "browser-test-notification-secret";
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

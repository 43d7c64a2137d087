using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace EGov.Workflows.Simulators;

/// <summary>
/// A mail server on loopback that speaks SMTP (the SmtpServer library): it accepts every message and keeps it, except
/// that it refuses for good (550) any recipient in the domain <c>unzustellbar.example</c> or whose name starts with
/// <c>unzustellbar</c> — the "undeliverable address" of the tests. Started with a certificate it offers STARTTLS; with a
/// user and password it requires AUTH (PLAIN/LOGIN, only after STARTTLS) and refuses mail without it. Each arrival
/// records whether it came over TLS and which user signed in (<see cref="Arrivals"/>).
/// </summary>
public sealed class SmtpSimulator : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly ConcurrentQueue<MimeMessage> _messages = new();
    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private int _failedLogins;

    /// <summary>One message as it arrived: over TLS or not, and the user that signed in (null: none).</summary>
    public sealed record Arrival(MimeMessage Message, bool Secure, string? User);

    private SmtpSimulator(int port, X509Certificate2? certificate, string? user, string? password)
    {
        Port = port;
        Certificate = certificate;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(b =>
        {
            b.Endpoint(new IPEndPoint(IPAddress.Loopback, port));
            if (certificate is not null) b.Certificate(certificate).AllowUnsecureAuthentication(false);
            if (user is not null) b.AuthenticationRequired(true);
        }).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store((m, secure, who) => { _messages.Enqueue(m); _arrivals.Enqueue(new Arrival(m, secure, who)); Received?.Invoke(m); }));
        services.Add(new DelegatingMailboxFilter((_, to, _) => !IsUndeliverable(to)) as IMailboxFilter);
        if (user is not null)
            services.Add(new DelegatingUserAuthenticator((u, p) =>
            {
                var ok = u == user && p == password;
                if (!ok) Interlocked.Increment(ref _failedLogins);
                return ok;
            }) as IUserAuthenticator);
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>The server's certificate when it offers STARTTLS (self-signed for localhost and 127.0.0.1), else null.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Every message received with how it arrived, in order.</summary>
    public IReadOnlyList<Arrival> Arrivals => _arrivals.ToArray();

    /// <summary>AUTH attempts with a wrong user or password.</summary>
    public int FailedLogins => Volatile.Read(ref _failedLogins);

    /// <summary>Every message received, in order.</summary>
    public IReadOnlyList<MimeMessage> Messages => _messages.ToArray();

    /// <summary>Raised for each message received (the command-line simulator prints it).</summary>
    public event Action<MimeMessage>? Received;

    /// <summary>Starts on <paramref name="port"/> (0: a free port).</summary>
    public static SmtpSimulator Start(int port = 0) => new(port == 0 ? FreePort() : port, null, null, null);

    /// <summary>
    /// Starts a server that offers STARTTLS with a new self-signed certificate and, when <paramref name="user"/> is given,
    /// requires AUTH with that user and password (only over TLS).
    /// </summary>
    public static SmtpSimulator StartSecure(string? user = null, string? password = null, int port = 0) =>
        new(port == 0 ? FreePort() : port, SelfSignedCertificate(), user, password);

    /// <summary>Writes the server's certificate (PEM) to <paramref name="path"/>, for a client's trust setting.</summary>
    public void ExportCertificate(string path) =>
        File.WriteAllText(path, (Certificate ?? throw new InvalidOperationException("the server has no certificate")).ExportCertificatePem());

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    public static bool IsUndeliverable(IMailbox to) =>
        to.Host.Equals("unzustellbar.example", StringComparison.OrdinalIgnoreCase) || to.User.StartsWith("unzustellbar", StringComparison.OrdinalIgnoreCase);

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _server.Shutdown();
        try { await _running.ConfigureAwait(false); } catch (OperationCanceledException) { }
        _stop.Dispose();
    }

    private sealed class Store(Action<MimeMessage, bool, string?> received) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
            received(message, context.Pipe?.IsSecure == true, context.Authentication?.IsAuthenticated == true ? context.Authentication.User : null);
            return SmtpResponse.Ok;
        }
    }
}

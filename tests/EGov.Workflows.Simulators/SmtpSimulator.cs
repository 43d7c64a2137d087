using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace EGov.Workflows.Simulators;

/// <summary>
/// A mail server on loopback that speaks SMTP (the SmtpServer library): it accepts every message and keeps it, except
/// that it refuses for good (550) any recipient in the domain <c>unzustellbar.example</c> or whose name starts with
/// <c>unzustellbar</c> — the "undeliverable address" of the tests.
/// </summary>
public sealed class SmtpSimulator : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly ConcurrentQueue<MimeMessage> _messages = new();

    private SmtpSimulator(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder().ServerName("smtp-simulator.localhost").Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(m => { _messages.Enqueue(m); Received?.Invoke(m); }));
        services.Add(new DelegatingMailboxFilter((_, to, _) => !IsUndeliverable(to)) as IMailboxFilter);
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Every message received, in order.</summary>
    public IReadOnlyList<MimeMessage> Messages => _messages.ToArray();

    /// <summary>Raised for each message received (the command-line simulator prints it).</summary>
    public event Action<MimeMessage>? Received;

    /// <summary>Starts on <paramref name="port"/> (0: a free port).</summary>
    public static SmtpSimulator Start(int port = 0) => new(port == 0 ? FreePort() : port);

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

    private sealed class Store(Action<MimeMessage> received) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
            received(message);
            return SmtpResponse.Ok;
        }
    }
}

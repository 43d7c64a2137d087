using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Lifecycle;

/// <summary>
/// A graceful stop on SIGTERM (or Ctrl+C): from the moment the host begins to stop, every new request is answered 503 with
/// <c>Retry-After</c> and <c>Connection: close</c> (a load balancer sends it to another node; nothing of it is done), while the
/// requests already running are answered; the job executor acquires nothing new, lets its running job finish and releases the
/// leases it still holds; Kestrel waits for the requests in flight. All of it within the host's shutdown timeout
/// (<c>serve --shutdown-timeout SECONDS</c>), after which the process exits anyway (a job still running then is handed back by
/// its lease, which expires: never lost, at worst run again by another node, as after a crash).
/// </summary>
public sealed class GracefulShutdown
{
    private int _draining;
    private long _inFlight;
    private long _refused;

    /// <summary>True once the host has begun to stop: new requests are refused.</summary>
    public bool Draining => Volatile.Read(ref _draining) != 0;

    /// <summary>Requests being answered now (those that arrived before the stop began).</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Requests refused with 503 since the stop began.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Starts draining (the host calls this when it begins to stop; tests may call it directly).</summary>
    public void BeginDraining() => Interlocked.Exchange(ref _draining, 1);

    /// <summary>
    /// Waits (blocking the stop, as the host's stopping callbacks do) until no request is in flight and at least
    /// <paramref name="period"/> has passed, at most <paramref name="limit"/>: clients on kept-alive connections get their 503
    /// before the listener closes.
    /// </summary>
    public void Drain(TimeSpan period, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < limit && (clock.Elapsed < period || InFlight > 0)) Thread.Sleep(20);
    }

    /// <summary>The middleware: counts requests in flight, answers 503 once draining.</summary>
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (Draining)
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            context.Response.Headers.Connection = "close";
            if (HttpMethods.IsHead(context.Request.Method)) return;
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsync("""{"type":"about:blank","title":"Server stopping","status":503,"detail":"Dieser Server wird gerade beendet; nichts von der Anfrage wurde ausgeführt. Bitte in einigen Sekunden erneut senden (ein anderer Knoten oder der neu gestartete Server antwortet)."}""");
            return;
        }
        Interlocked.Increment(ref _inFlight);
        try { await next(context); }
        finally { Interlocked.Decrement(ref _inFlight); }
    }
}

/// <summary>Registration of <see cref="GracefulShutdown"/> in the server.</summary>
public static class GracefulShutdownSetup
{
    /// <summary>The gate as a singleton, and the host's shutdown timeout.</summary>
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services, TimeSpan timeout)
    {
        services.AddSingleton<GracefulShutdown>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
        return services;
    }

    /// <summary>
    /// How long a stopping node keeps answering 503 before its listener closes: a client that sends on a kept-alive connection
    /// gets the 503 (with <c>Connection: close</c>) instead of a connection closed under its request. A second, or a quarter
    /// of a short shutdown timeout.
    /// </summary>
    private static TimeSpan DrainPeriod(TimeSpan timeout) => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, timeout.Ticks / 4));

    /// <summary>The middleware (first in the pipeline), closed when the host begins to stop, and a log line of how the stop went.</summary>
    public static WebApplication UseGracefulShutdown(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var gate = app.Services.GetRequiredService<GracefulShutdown>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EGov.Workflows.Host.Shutdown");
        var started = 0L;
        var timeout = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HostOptions>>().Value.ShutdownTimeout;
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            gate.BeginDraining();
            started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (log.IsEnabled(LogLevel.Warning))
                log.LogWarning("stopping: new requests are answered 503, {InFlight} requests in flight are answered, running jobs finish and leases are released", gate.InFlight);
            gate.Drain(DrainPeriod(timeout), timeout / 2);
        });
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            if (log.IsEnabled(LogLevel.Warning))
                log.LogWarning("stopped after {Seconds:0.0} s: {Refused} requests refused while stopping, {InFlight} still in flight",
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, gate.Refused, gate.InFlight);
        });
        app.Use((context, next) => gate.InvokeAsync(context, next));
        return app;
    }
}

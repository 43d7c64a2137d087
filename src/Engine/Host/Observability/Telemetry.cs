using System.Text.RegularExpressions;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EGov.Workflows.Host.Observability;

/// <summary>
/// Where the engine's metrics, traces and logs go (docs/operations/observability.md). The engine's layers report with the
/// framework's types only (meter and activity source <see cref="EngineTelemetry.Name"/>); here the OpenTelemetry SDK takes
/// them: metrics on <c>/metrics</c> (Prometheus text, permission <see cref="Permission.MetricsRead"/>) and, with an OTLP
/// endpoint, by OTLP; spans (HTTP request → command → commit, outgoing HTTP calls with <c>traceparent</c>) by OTLP; logs as
/// plain lines or as JSON with their scopes (tenant, instance, trace id).
/// </summary>
public static partial class Telemetry
{
    /// <summary>The service name in every exported resource.</summary>
    public const string ServiceName = "egov-workflows";

    /// <summary>Logging: plain single lines or JSON (one object per line, scopes included), and the trace id of the current span.</summary>
    public static void AddEGovLogging(this ILoggingBuilder logging, ServeOptions options)
    {
        logging.ClearProviders();
        if (options.LogFormat == LogFormat.Json)
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        else logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        logging.SetMinimumLevel(options.LogLevel);
        // Every line written while a span is current carries its trace and span id (in the scopes of a JSON line).
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (options.Configuration?.GetSection("Logging") is { } section && section.Exists())
            logging.AddConfiguration(section);
    }

    /// <summary>
    /// The OpenTelemetry SDK: the engine's meter (and ASP.NET Core's, the runtime's) for Prometheus and OTLP; spans of the
    /// engine, of incoming requests and of outgoing HTTP calls when they go somewhere (an OTLP endpoint) or feed the log's
    /// trace ids (JSON logs).
    /// </summary>
    public static void AddEGovTelemetry(this IServiceCollection services, ServeOptions options, string nodeId)
    {
        var otlp = options.OtlpEndpoint is { Length: > 0 } endpoint ? new Uri(endpoint) : null;
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString(), serviceInstanceId: nodeId));
        var storeMeter = OperationalMetrics.NextMeterName();
        otel.WithMetrics(m =>
        {
            m.AddMeter(EngineTelemetry.Name, storeMeter, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
            m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            if (otlp is not null) m.AddOtlpExporter(o => Configure(o, otlp, "v1/metrics", options.OtlpProtocol));
        });
        if (otlp is not null || options.LogFormat == LogFormat.Json || options.Tracing)
            otel.WithTracing(t =>
            {
                t.AddSource(EngineTelemetry.Name);
                // No query strings or headers as attributes: a path may name an instance, never a value.
                t.AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"));
                t.AddHttpClientInstrumentation();
                if (otlp is not null) t.AddOtlpExporter(o => Configure(o, otlp, "v1/traces", options.OtlpProtocol));
            });
        services.AddSingleton(sp => new OperationalMetrics(sp.GetRequiredService<StoreChoice>(), storeMeter));
    }

    private static void Configure(OtlpExporterOptions o, Uri endpoint, string signalPath, string protocol)
    {
        if (protocol == "http/protobuf")
        {
            o.Protocol = OtlpExportProtocol.HttpProtobuf;
            // With HTTP the endpoint is the signal's own URL (the SDK does not add the path when it is set in code).
            o.Endpoint = endpoint.AbsolutePath.Trim('/').Length > 0 ? endpoint : new Uri(endpoint, signalPath);
        }
        else
        {
            o.Protocol = OtlpExportProtocol.Grpc;
            o.Endpoint = endpoint;
        }
    }

    /// <summary>
    /// <c>GET /metrics</c>: the Prometheus text format, for identities holding <see cref="Permission.MetricsRead"/> (the role
    /// <c>monitoring</c>, operators) — deny by default like every other route. Also starts the store's gauges.
    /// </summary>
    public static void MapEGovMetrics(this WebApplication app)
    {
        app.Services.GetRequiredService<OperationalMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics").RequirePermission(Permission.MetricsRead)
            .WithTags("operations").WithName("Metrics");
    }

    /// <summary>
    /// A log scope for every request: the tenant it acts for and, on routes of an instance or task, the instance id — so each
    /// line logged while it is served names them (JSON logs show scopes; the server adds it for <c>--log-format json</c> only). Ids only.
    /// </summary>
    public static void UseEGovLogScope(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EGov.Workflows.Host.Requests");
        app.Use(async (http, next) =>
        {
            var tenant = http.Request.Headers[Tenancy.TenantEngines.Header].ToString();
            if (tenant.Length == 0 && http.FindCaller() is { } caller) tenant = caller.Tenants.FirstOrDefault(t => t != "*") ?? "";
            var instance = InstanceOf(http.Request.RouteValues);
            var hasTenant = tenant.Length > 0 && Tenancy.TenantEngines.IsValidId(tenant);
            if (!hasTenant && instance is null) { await next(http); return; }
            var scope = new Dictionary<string, object?>(2);
            if (hasTenant) scope["TenantId"] = tenant;
            if (instance is not null) scope["InstanceId"] = instance;
            using (log.BeginScope(scope)) await next(http);
        });
    }

    /// <summary>The instance a route names: a value of 32 lower-case hex digits, or the instance part of a task or job id (<c>ID.u3</c>).</summary>
    internal static string? InstanceOf(RouteValueDictionary values)
    {
        foreach (var (_, value) in values)
            if (value is string text && InstanceId().Match(text) is { Success: true } m) return m.Groups[1].Value;
        return null;
    }

    [GeneratedRegex(@"^([0-9a-f]{32})(?:\.[a-z][0-9]+)?$")]
    private static partial Regex InstanceId();
}

/// <summary>How the server writes its log.</summary>
public enum LogFormat
{
    /// <summary>One line per entry, for people.</summary>
    Text,
    /// <summary>One JSON object per line with its scopes (tenant, instance, trace id), for log collectors.</summary>
    Json,
}

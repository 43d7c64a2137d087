using EGov.Workflows.Host;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov serve [--urls URL] [--store sqlite:PATH|postgres:CONNECTION|memory] [--processes DIR] [--tenant ID] [--tenants A,B] [--node-id ID] [--job-lease SECONDS] [--shutdown-timeout SECONDS] [--command-threads N] [--web DIR] [--create] [--attachments DIR] [--attachment-limit-mb N] [--activities PATH]... [--config FILE]</c>:
/// runs the server (REST API, OpenAPI, Camunda-compatible external tasks, job loop) until SIGTERM or Ctrl+C.
/// Deploys every model under the processes folder first and does not start when one is broken.
/// </summary>
public sealed class ServeCommand : ICliCommand
{
    public string Name => "serve";
    public string Summary => "run the engine as a server: REST API under /api, OpenAPI, Camunda external tasks, timers and jobs";
    public string Usage => "serve [--urls URL] [--store sqlite:PATH|postgres:CONNECTION|memory] [--processes DIR] [--tenant ID] [--tenants A,B] [--node-id ID] [--job-lease SECONDS] [--shutdown-timeout SECONDS] [--command-threads N] [--web DIR] [--create] [--attachments DIR] [--attachment-limit-mb N]\n" +
        "             [--log-format text|json] [--log-level LEVEL] [--otlp-endpoint URL] [--otlp-protocol grpc|http/protobuf] [--max-request-mb N] [--max-variable-kb N]\n" +
        "             [--activities PACK.dll|DIR]... [--config FILE]   (also Packs:Paths in the configuration: --config JSON and EGOV_ environment variables)\n" +
        "             [--public-url URL] [--oidc-authority URL --oidc-client-id ID [--oidc-client-secret-file FILE] [--oidc-audience AUD]\n" +
        "              [--oidc-claim-roles PATH] [--oidc-claim-groups PATH] [--oidc-claim-tenant PATH]]   (secret also from EGOV_OIDC_CLIENT_SECRET)";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var options = new ServeOptions { Out = stdout, Error = stderr };
        var packs = new List<string>();
        string? config = null;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--urls" => options with { Urls = Value() },
                "--store" => options with { Store = Value() },
                "--processes" => options with { ProcessesDirectory = Value() },
                "--tenant" => options with { Tenant = Value() },
                "--tenants" => options with { Tenants = [.. options.Tenants, .. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] },
                "--node-id" => options with { NodeId = Value() },
                "--web" => options with { WebDirectory = Value() },
                "--attachments" => options with { AttachmentDirectory = Value() },
                "--attachment-limit-mb" => options with { AttachmentMaxBytes = Megabytes(Value()) },
                "--create" => options with { Create = true },
                "--activities" => Add(packs, Value(), options),
                "--config" => Set(ref config, Value(), options),
                "--job-lease" => options with { JobLease = Seconds(Value(), "--job-lease", min: 5) },
                "--shutdown-timeout" => options with { ShutdownTimeout = Seconds(Value(), "--shutdown-timeout", min: 1) },
                "--command-threads" => options with { CommandThreads = Threads(Value(), "--command-threads") },
                "--log-format" => options with { LogFormat = Value() switch
                {
                    "json" => Host.Observability.LogFormat.Json, "text" => Host.Observability.LogFormat.Text,
                    var f => throw new UsageException($"--log-format {f}: expected text or json"),
                } },
                "--log-level" => options with { LogLevel = Level(Value()) },
                "--max-request-mb" => options with { MaxRequestBodyBytes = Megabytes(Value(), "--max-request-mb") },
                "--max-variable-kb" => options with { VariableLimits = options.VariableLimits with { MaxValueLength = Kilo(Value(), "--max-variable-kb") } },
                "--otlp-endpoint" => options with { OtlpEndpoint = Url(Value(), "--otlp-endpoint") },
                "--otlp-protocol" => options with { OtlpProtocol = Value() is "grpc" or "http/protobuf" ? args[i] : throw new UsageException($"--otlp-protocol {args[i]}: expected grpc or http/protobuf") },
                "--public-url" => options with { PublicUrl = Url(Value(), "--public-url") },
                "--oidc-authority" => options with { OidcAuthority = Url(Value(), "--oidc-authority") },
                "--oidc-client-id" => options with { OidcClientId = Value() },
                "--oidc-client-secret-file" => options with { OidcClientSecret = ReadSecret(Value()) },
                "--oidc-audience" => options with { OidcAudience = Value() },
                "--oidc-claim-roles" => options with { OidcClaimRoles = Value() },
                "--oidc-claim-groups" => options with { OidcClaimGroups = Value() },
                "--oidc-claim-tenant" => options with { OidcClaimTenant = Value() },
                var a when a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal) =>
                    throw new UsageException($"write '{a.Replace("=", " ", StringComparison.Ordinal)}' (option and value as two words)"),
                var a => throw new UsageException($"unknown option '{a}'"),
            };
        }
        static TimeSpan Seconds(string text, string option, int min) =>
            int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= 86_400
                ? TimeSpan.FromSeconds(n) : throw new UsageException($"{option} {text}: expected whole seconds, {min} to 86400");
        options = options with { Packs = packs, Configuration = PackConfiguration.Read(config) };
        // Observability from the configuration when the command line did not say (docs/operations/observability.md).
        if (!args.Contains("--log-format") && options.Configuration["Logging:Format"] is { } format)
            options = options with { LogFormat = format.Equals("json", StringComparison.OrdinalIgnoreCase) ? Host.Observability.LogFormat.Json : Host.Observability.LogFormat.Text };
        // Limits of bad input (README, Limits) from the configuration when the command line did not set them.
        if (!args.Contains("--max-request-mb") && options.Configuration["Limits:MaxRequestBodyMb"] is { } mb)
            options = options with { MaxRequestBodyBytes = Megabytes(mb, "Limits:MaxRequestBodyMb") };
        if (!args.Contains("--command-threads") && options.Configuration["Server:CommandThreads"] is { } lane)
            options = options with { CommandThreads = Threads(lane, "Server:CommandThreads") };
        if (int.TryParse(options.Configuration["Limits:MaxJsonDepth"], out var depth) && depth is >= 8 and <= 1000)
            options = options with { MaxJsonDepth = depth };
        if (!args.Contains("--max-variable-kb") && int.TryParse(options.Configuration["Limits:MaxVariableChars"], out var chars) && chars > 0)
            options = options with { VariableLimits = options.VariableLimits with { MaxValueLength = chars } };
        if (int.TryParse(options.Configuration["Limits:MaxVariablesPerCommand"], out var perCommand) && perCommand > 0)
            options = options with { VariableLimits = options.VariableLimits with { MaxVariablesPerCommand = perCommand } };
        if (options.OtlpEndpoint is null && options.Configuration["Observability:Otlp:Endpoint"] is { Length: > 0 } otlp)
            options = options with { OtlpEndpoint = Url(otlp, "Observability:Otlp:Endpoint") };
        if (!args.Contains("--otlp-protocol") && options.Configuration["Observability:Otlp:Protocol"] is "grpc" or "http/protobuf")
            options = options with { OtlpProtocol = options.Configuration["Observability:Otlp:Protocol"]! };
        if (options.OidcAuthority is not null)
        {
            if (options.OidcClientId is null) throw new UsageException("--oidc-authority needs --oidc-client-id (the client registered for this server at the provider)");
            options = options with { OidcClientSecret = options.OidcClientSecret ?? Environment.GetEnvironmentVariable("EGOV_OIDC_CLIENT_SECRET") };
        }
        if (options.ProcessesDirectory is { } dir && !Directory.Exists(dir) && dir != "processes")
            throw new UsageException($"--processes {dir}: no such folder");
        var code = EGovServer.RunAsync(options).GetAwaiter().GetResult();
        if (code == 2) stderr.WriteLine($"usage: ./egov {Usage}");
        return code;
    }

    /// <summary>The command lane's threads: 0 switches it off (handlers on the thread pool).</summary>
    private static int Threads(string text, string option) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 256
            ? n : throw new UsageException($"{option} {text}: expected a whole number of threads, 0 (off) to 256");

    private static int Kilo(string text, string option) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var kb) && kb is >= 1 and <= 1024 * 1024
            ? kb * 1024 : throw new UsageException($"{option} {text}: expected whole kilobytes, 1 to 1048576");

    private static Microsoft.Extensions.Logging.LogLevel Level(string text) =>
        !int.TryParse(text, out _) && Enum.TryParse<Microsoft.Extensions.Logging.LogLevel>(text, ignoreCase: true, out var level) && level != Microsoft.Extensions.Logging.LogLevel.None
            ? level : throw new UsageException($"--log-level {text}: expected Trace, Debug, Information, Warning, Error or Critical");

    private static ServeOptions Add(List<string> list, string value, ServeOptions options) { list.Add(value); return options; }

    private static ServeOptions Set(ref string? field, string value, ServeOptions options) { field = value; return options; }

    private static string Url(string value, string option) =>
        Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
            ? value.TrimEnd('/') : throw new UsageException($"{option} '{value}': an absolute http(s) URL is needed");

    /// <summary>The secret from a file (its first line), so it appears in no command line or process list.</summary>
    private static long Megabytes(string value, string option = "--attachment-limit-mb") =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var mb) && mb is > 0 and <= 1024
            ? mb * 1024 * 1024 : throw new UsageException($"{option} '{value}': a whole number of megabytes from 1 to 1024");

    private static string ReadSecret(string file)
    {
        if (!File.Exists(file)) throw new UsageException($"--oidc-client-secret-file {file}: no such file");
        var secret = File.ReadLines(file).FirstOrDefault()?.Trim();
        return string.IsNullOrEmpty(secret) ? throw new UsageException($"--oidc-client-secret-file {file}: the file is empty") : secret;
    }
}

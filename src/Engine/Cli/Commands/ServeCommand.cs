using EGov.Workflows.Host;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov serve [--urls URL] [--store sqlite:PATH|postgres:CONNECTION|memory] [--processes DIR] [--tenant ID] [--node-id ID] [--job-lease SECONDS] [--web DIR] [--create]</c>:
/// runs the server (REST API, OpenAPI, Camunda-compatible external tasks, job loop) until SIGTERM or Ctrl+C.
/// Deploys every model under the processes folder first and does not start when one is broken.
/// </summary>
public sealed class ServeCommand : ICliCommand
{
    public string Name => "serve";
    public string Summary => "run the engine as a server: REST API under /api, OpenAPI, Camunda external tasks, timers and jobs";
    public string Usage => "serve [--urls URL] [--store sqlite:PATH|postgres:CONNECTION|memory] [--processes DIR] [--tenant ID] [--node-id ID] [--job-lease SECONDS] [--web DIR] [--create]";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var options = new ServeOptions { Out = stdout, Error = stderr };
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
                "--node-id" => options with { NodeId = Value() },
                "--web" => options with { WebDirectory = Value() },
                "--create" => options with { Create = true },
                "--job-lease" => options with { JobLease = Seconds(Value(), "--job-lease", min: 5) },
                var a when a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal) =>
                    throw new UsageException($"write '{a.Replace("=", " ", StringComparison.Ordinal)}' (option and value as two words)"),
                var a => throw new UsageException($"unknown option '{a}'"),
            };
        }
        static TimeSpan Seconds(string text, string option, int min) =>
            int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= 86_400
                ? TimeSpan.FromSeconds(n) : throw new UsageException($"{option} {text}: expected whole seconds, {min} to 86400");
        if (options.ProcessesDirectory is { } dir && !Directory.Exists(dir) && dir != "processes")
            throw new UsageException($"--processes {dir}: no such folder");
        var code = EGovServer.RunAsync(options).GetAwaiter().GetResult();
        if (code == 2) stderr.WriteLine($"usage: ./egov {Usage}");
        return code;
    }
}

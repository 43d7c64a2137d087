using EGov.Workflows.Identity.Accounts;
using EGov.Workflows.Identity.Clients;
using Microsoft.Extensions.DependencyInjection;
using static EGov.Workflows.Cli.Commands.IdentityCommandBase;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov clients add|list|disable</c>: machine clients (Camunda workers, other systems) that get tokens with the client
/// credentials grant, or send their id and secret as HTTP Basic to /engine-rest. The secret is printed once.
/// </summary>
public sealed class ClientsCommand : ICliCommand
{
    public string Name => "clients";
    public string Summary => "manage machine clients (workers, other systems): add (prints the secret once), list, disable";
    public string Usage => "clients add NAME --roles worker[,...] [--topics a,b|*] [--tenant T] [--store S]\n       ./egov clients list|disable NAME [--store S]";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var (words, options) = Parse(args);
        if (words.Count == 0) throw new UsageException("say what to do: add, list or disable");
        using var services = Open(options);
        using var scope = services.CreateScope();
        var clients = scope.ServiceProvider.GetRequiredService<ClientStore>();
        switch (words[0])
        {
            case "add":
            {
                Only(options, "--roles", "--topics", "--tenant", "--store");
                var name = Name1(words);
                var roles = CheckRoles(List(options, "--roles"));
                var topics = List(options, "--topics");
                var tenants = CheckTenants(List(options, "--tenant"));
                string secret;
                try { secret = clients.CreateAsync(name, roles, tenants, topics).GetAwaiter().GetResult(); }
                catch (NameTakenException e) { stderr.WriteLine($"egov clients: {e.Message}"); return 1; }
                catch (ArgumentException e) { stderr.WriteLine($"egov clients: {e.Message}"); return 1; }
                stdout.WriteLine($"egov clients: created '{name}' (roles {Show(roles)}; topics {Show(topics)}; tenant {(tenants.Count == 0 ? "the server's default" : Show(tenants))})");
                if (roles.Contains(Host.Security.Caller.Worker) && topics.Count == 0)
                    stdout.WriteLine("  note: no --topics: this worker may fetch no external task (give --topics a,b or --topics '*')");
                stdout.WriteLine($"  secret: {secret}");
                stdout.WriteLine("  (shown only now; a token: POST /connect/token grant_type=client_credentials, or HTTP Basic on /engine-rest)");
                return 0;
            }
            case "list":
            {
                Only(options, "--store");
                var list = clients.ListAsync().GetAwaiter().GetResult();
                if (list.Count == 0) { stdout.WriteLine("no clients"); return 0; }
                var width = Math.Max(4, list.Max(c => c.ClientId.Length));
                stdout.WriteLine($"{"name".PadRight(width)}  {"state",-8}  roles / topics / tenants");
                foreach (var c in list)
                    stdout.WriteLine($"{c.ClientId.PadRight(width)}  {(c.Disabled ? "disabled" : "active"),-8}  {Show(c.Roles)} / {Show(c.Topics)} / {(c.Tenants.Count == 0 ? "default" : Show(c.Tenants))}");
                return 0;
            }
            case "disable":
            {
                Only(options, "--store");
                var name = Name1(words);
                if (!clients.SetDisabledAsync(name, true).GetAwaiter().GetResult()) { stderr.WriteLine($"egov clients: no client '{name}'"); return 1; }
                stdout.WriteLine($"egov clients: '{name}' disabled");
                return 0;
            }
            default: throw new UsageException($"unknown action '{words[0]}': add, list or disable");
        }
    }

    private static string Name1(List<string> words) =>
        words.Count == 2 ? words[1] : throw new UsageException(words.Count < 2 ? "a client name is needed" : $"one client name only (got {string.Join(" ", words.Skip(1))})");
}

using EGov.Workflows.Identity.Accounts;
using Microsoft.Extensions.DependencyInjection;
using static EGov.Workflows.Cli.Commands.IdentityCommandBase;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// <c>egov users add|list|disable|enable|password</c>: the local accounts of the embedded provider, in the same
/// <c>--store</c> as <c>serve</c>. Without <c>--password-stdin</c> a new account gets a one-time password, printed once,
/// that must be replaced at the first sign-in.
/// </summary>
public sealed class UsersCommand : ICliCommand
{
    public string Name => "users";
    public string Summary => "manage the sign-in accounts (people): add, list, disable, enable, password";
    public string Usage => "users add NAME [--roles clerk,...] [--groups g1,g2] [--tenant T] [--display-name TEXT] [--password-stdin] [--store S]\n" +
        "       ./egov users list|disable NAME|enable NAME|password NAME [--password-stdin] [--store S]";

    public int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var (words, options) = Parse(args, "--password-stdin");
        if (words.Count == 0) throw new UsageException("say what to do: add, list, disable, enable or password");
        using var services = Open(options);
        var accounts = services.GetRequiredService<AccountStore>();
        switch (words[0])
        {
            case "add":
            {
                Only(options, "--roles", "--groups", "--tenant", "--display-name", "--password-stdin", "--store");
                var name = Name1(words);
                var roles = CheckRoles(List(options, "--roles"));
                var groups = List(options, "--groups");
                var tenants = CheckTenants(List(options, "--tenant"));
                var password = options.ContainsKey("--password-stdin") ? ReadPasswordFromStdin() : null;
                string? oneTime;
                try
                {
                    oneTime = accounts.CreateAsync(new NewAccount(name, options.GetValueOrDefault("--display-name"), roles, groups, tenants), password).GetAwaiter().GetResult();
                }
                catch (NameTakenException e) { stderr.WriteLine($"egov users: {e.Message}"); return 1; }
                catch (ArgumentException e) { stderr.WriteLine($"egov users: {e.Message}"); return 1; }
                stdout.WriteLine($"egov users: created '{name}' (roles {Show(roles)}; groups {Show(groups)}; tenant {(tenants.Count == 0 ? "the server's default" : Show(tenants))})");
                if (roles.Count == 0) stdout.WriteLine("  note: no roles: the account can sign in but may do nothing (--roles clerk, teamlead, analyst, ...)");
                if (oneTime is not null) stdout.WriteLine($"  one-time password: {oneTime}  (a new password is asked at the first sign-in)");
                return 0;
            }
            case "list":
            {
                Only(options, "--store");
                var list = accounts.ListAsync().GetAwaiter().GetResult();
                if (list.Count == 0) { stdout.WriteLine("no accounts (./egov serve creates 'admin' at the first start)"); return 0; }
                var width = Math.Max(4, list.Max(a => a.Name.Length));
                stdout.WriteLine($"{"name".PadRight(width)}  {"state",-9}  roles / groups / tenants");
                foreach (var a in list)
                {
                    var state = a.Disabled ? "disabled" : a.LockedOut ? "locked" : a.MustChangePassword ? "one-time" : "active";
                    stdout.WriteLine($"{a.Name.PadRight(width)}  {state,-9}  {Show(a.Roles)} / {Show(a.Groups)} / {(a.Tenants.Count == 0 ? "default" : Show(a.Tenants))}");
                }
                return 0;
            }
            case "disable" or "enable":
            {
                Only(options, "--store");
                var name = Name1(words);
                if (!accounts.SetDisabledAsync(name, words[0] == "disable").GetAwaiter().GetResult()) { stderr.WriteLine($"egov users: no account '{name}'"); return 1; }
                stdout.WriteLine($"egov users: '{name}' {words[0]}d");
                return 0;
            }
            case "password":
            {
                Only(options, "--password-stdin", "--store");
                var name = Name1(words);
                var password = options.ContainsKey("--password-stdin") ? ReadPasswordFromStdin() : null;
                (bool found, string? oneTime) result;
                try { result = accounts.SetPasswordAsync(name, password).GetAwaiter().GetResult(); }
                catch (ArgumentException e) { stderr.WriteLine($"egov users: {e.Message}"); return 1; }
                if (!result.found) { stderr.WriteLine($"egov users: no account '{name}'"); return 1; }
                stdout.WriteLine(result.oneTime is null ? $"egov users: new password set for '{name}'"
                    : $"egov users: '{name}' has a new one-time password: {result.oneTime}  (a new password is asked at the next sign-in)");
                return 0;
            }
            default: throw new UsageException($"unknown action '{words[0]}': add, list, disable, enable or password");
        }
    }

    private static string Name1(List<string> words) =>
        words.Count == 2 ? words[1] : throw new UsageException(words.Count < 2 ? "a user name is needed" : $"one user name only (got {string.Join(" ", words.Skip(1))})");
}

using EGov.Workflows.Cli.Commands;

namespace EGov.Workflows.Cli;

/// <summary>Dispatches to the subcommands. Users never see a stack trace: unexpected failures print one line and exit 70.</summary>
public static class CommandLine
{
    public static IReadOnlyList<ICliCommand> Commands { get; } =
    [
        new ValidateCommand(),
        new FormatCommand(),
        new TestCommand(),
        new NewCommand(),
        new ServeCommand(),
        new UsersCommand(),
        new ClientsCommand(),
        new BenchCommand(),
        new DecideCommand(),
        new TckCommand(),
        new CatalogueCommand(),
        new PaymentsCommand(),
        new CasesCommand(),
        new ImportCommand(),
        new XRechnungCommand(),
        new BackupCommand(),
        new RestoreCommand(),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            PrintHelp(stdout);
            return args.Length == 0 ? 2 : 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"egov: unknown command '{args[0]}'. Run './egov --help' for the list.");
            return 2;
        }
        var rest = args.Skip(1).ToList();
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            stdout.WriteLine($"usage: ./egov {command.Usage}");
            stdout.WriteLine(command.Summary);
            return 0;
        }
        try
        {
            return command.Run(rest, stdout, stderr);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"egov {command.Name}: {e.Message}");
            stderr.WriteLine($"usage: ./egov {command.Usage}");
            return 2;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stderr.WriteLine($"egov {command.Name}: internal error: {e.GetType().Name}: {e.Message}");
            // The stack trace only when an operator asks for it (a bug report); a user sees the one line above.
            if (Environment.GetEnvironmentVariable("EGOV_DEBUG") == "1") stderr.WriteLine(e.ToString());
            return 70;
        }
    }

    private static void PrintHelp(TextWriter o)
    {
        o.WriteLine("egov — BPMN 2.0 workflow engine for municipal e-government");
        o.WriteLine();
        o.WriteLine("usage: ./egov <command> [options]");
        o.WriteLine();
        o.WriteLine("commands:");
        foreach (var c in Commands) o.WriteLine($"  {c.Name,-10} {c.Summary}");
        o.WriteLine();
        o.WriteLine("Run './egov <command> --help' for a command's options.");
    }
}

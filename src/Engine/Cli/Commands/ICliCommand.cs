namespace EGov.Workflows.Cli.Commands;

/// <summary>One subcommand of <c>egov</c>: a name, a one-line summary for <c>--help</c>, and what it does.</summary>
public interface ICliCommand
{
    string Name { get; }
    string Summary { get; }
    string Usage { get; }
    int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr);
}

/// <summary>Raised for wrong command-line usage; printed as one line plus the command's usage, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

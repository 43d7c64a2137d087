using EGov.Workflows.Cli;
using EGov.Workflows.Cli.Commands;

return CommandLine.Run(args, Console.Out, Console.Error);

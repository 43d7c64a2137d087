using EGov.Workflows.Packs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace EGov.Workflows.Cli.Commands;

/// <summary>
/// The configuration the commands give packs: a JSON file (<c>--config FILE</c>, optional) and environment variables with
/// the prefix <c>EGOV_</c> (<c>EGOV_Packs__Paths=/opt/egov/packs</c>, <c>EGOV_Packs__Melderegister__BaseUrl=…</c>; the
/// environment wins). Nothing else is read.
/// </summary>
internal static class PackConfiguration
{
    public static IConfiguration Read(string? file)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            var full = Path.GetFullPath(file);
            if (!File.Exists(full)) throw new UsageException($"--config {file}: no such file");
            builder.AddJsonFile(full, optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables("EGOV_");
        try { return builder.Build(); }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            throw new UsageException($"--config {file}: not valid JSON: {e.Message}");
        }
    }

    /// <summary>For validate and test: the configuration of the environment, no logging.</summary>
    public static PackHostServices Host() => new(Read(null), NullLoggerFactory.Instance);
}

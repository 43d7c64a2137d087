using EGov.Workflows.Activities.Notifications;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EGov.Workflows.Host.Packs;

/// <summary>
/// The domain activity packs the host is built with (src/Activities): each registered with its one call, configured per
/// tenant from the pack settings (<see cref="LoadSettings"/>). <c>./egov serve</c> and <c>./egov test</c> both use this.
/// </summary>
public static class BuiltInPacks
{
    /// <summary>The settings file read when present (working directory), unless <c>--settings FILE</c> names another.</summary>
    public const string DefaultSettingsFile = "egov.settings.json";

    /// <summary>Environment variables with this prefix override the file: <c>EGOV_Packs__Notifications__Smtp__Password</c>.</summary>
    public const string EnvironmentPrefix = "EGOV_";

    /// <summary>The settings: <paramref name="defaults"/>, then <paramref name="file"/> (required when given), else
    /// <see cref="DefaultSettingsFile"/> if it exists and <paramref name="readDefaultFile"/>; then the environment.</summary>
    public static IConfigurationRoot LoadSettings(string? file, IEnumerable<KeyValuePair<string, string?>>? defaults = null, bool readDefaultFile = true)
    {
        var builder = new ConfigurationBuilder();
        if (defaults is not null) builder.AddInMemoryCollection(defaults);
        if (file is not null)
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"--settings {file}: no such file", file);
            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }
        else if (readDefaultFile) builder.AddJsonFile(Path.GetFullPath(DefaultSettingsFile), optional: true, reloadOnChange: false);
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        return builder.Build();
    }

    /// <summary>The packs' services: each pack's one registration call.</summary>
    public static IServiceCollection AddBuiltInPacks(this IServiceCollection services, IConfiguration settings)
    {
        services.AddEgovNotifications(settings);
        return services;
    }

    /// <summary>A registry with the built-in packs' activities, created from their own container (logging to <paramref name="logging"/>).</summary>
    public static ActivityRegistry CreateRegistry(IConfiguration settings, ILoggerFactory? logging = null, ActivityRegistry? into = null)
    {
        var services = new ServiceCollection();
        if (logging is not null) services.AddSingleton(logging).AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddBuiltInPacks(settings);
        var provider = services.BuildServiceProvider();
        return (into ?? new ActivityRegistry()).AddFromServices(provider);
    }
}

using EGov.Workflows.Time;
using Microsoft.Extensions.Configuration;

namespace EGov.Workflows.Host.Tenancy;

/// <summary>
/// Whose public holidays count for a tenant's Fristen: <c>Fristen:Land</c> (every tenant; default HE) and
/// <c>Fristen:Feiertage</c> (the municipality's own days, see <see cref="LocalHolidays"/>), overlaid per tenant by
/// <c>Tenants:{id}:Fristen:Land</c> and <c>Tenants:{id}:Fristen:Feiertage</c> — in the <c>--config</c> file or as
/// <c>EGOV_Fristen__Land=BY</c>. Checked at start: a wrong Land or holiday stops the server with the key that is wrong.
/// </summary>
public static class TenantFristen
{
    /// <summary>The calculator for <paramref name="tenantId"/>; throws <see cref="FormatException"/> naming the key when a setting is wrong.</summary>
    public static FristCalculator For(IConfiguration? configuration, string tenantId)
    {
        if (configuration is null) return FristCalculator.Hessen;
        var tenant = configuration.GetSection($"Tenants:{tenantId}:Fristen");
        var all = configuration.GetSection("Fristen");
        var (landKey, landText) = tenant["Land"] is { } t ? ($"Tenants:{tenantId}:Fristen:Land", t) : ("Fristen:Land", all["Land"]);
        var land = Bundesland.HE;
        if (landText is not null && !Bundeslaender.TryParse(landText, out land))
            throw new FormatException($"{landKey}: '{landText}' is not a Land; expected one of {Bundeslaender.Codes} (or the Land's German name)");
        var (holidaysKey, entries) = tenant.GetSection("Feiertage").GetChildren().Any()
            ? ($"Tenants:{tenantId}:Fristen:Feiertage", Entries(tenant.GetSection("Feiertage")))
            : ("Fristen:Feiertage", Entries(all.GetSection("Feiertage")));
        try { return FristCalculator.For(land, LocalHolidays.Parse(entries)); }
        catch (FormatException e) { throw new FormatException($"{holidaysKey}: {e.Message}", e); }
    }

    /// <summary>Checks the settings of every tenant named in the configuration (and <paramref name="defaultTenant"/>); the messages of the wrong ones.</summary>
    public static IReadOnlyList<string> Check(IConfiguration? configuration, string defaultTenant)
    {
        if (configuration is null) return [];
        var tenants = configuration.GetSection("Tenants").GetChildren().Select(c => c.Key).Append(defaultTenant).Distinct(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var id in tenants)
        {
            try { For(configuration, id); }
            catch (FormatException e) { problems.Add(e.Message); }
        }
        return problems.Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string> Entries(IConfigurationSection section) =>
        section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
}

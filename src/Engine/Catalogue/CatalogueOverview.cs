using EGov.Workflows.Catalogue.Leistungen;
using EGov.Workflows.Catalogue.Services;

namespace EGov.Workflows.Catalogue;

/// <summary>Whether a Leistung runs as a process here.</summary>
public enum ServiceState
{
    /// <summary>A process implements it (a service.yaml names it).</summary>
    Digital,
    /// <summary>In the catalogue, but no process implements it yet.</summary>
    NichtDigital,
}

/// <summary>One line of the catalogue overview: a Leistung and, when it is digital, its service and deployed version.</summary>
public sealed record CatalogueEntry(
    string Key, string? Leika, string Name, string? OzgId, string? OzgLeistung, string? Themenfeld, string? Lebenslage,
    ServiceState State, int? Reifegrad, string? ProcessId, int? Version, ServiceDescription? Service)
{
    /// <summary>"digital" or "nicht digital", as the overview prints it.</summary>
    public string StateName => Names.Of(State);
}

/// <summary>The words for <see cref="ServiceState"/>, in lists and in <c>?state=</c>.</summary>
public static class Names
{
    public static string Of(ServiceState s) => s == ServiceState.Digital ? "digital" : "nicht digital";

    /// <summary>Reads a state filter: digital, nicht-digital (or "nicht digital", nicht_digital); null when unknown.</summary>
    public static ServiceState? Parse(string? text) => text?.Trim().ToLowerInvariant().Replace('_', ' ').Replace('-', ' ') switch
    {
        "digital" => ServiceState.Digital,
        "nicht digital" => ServiceState.NichtDigital,
        _ => null,
    };
}

/// <summary>
/// All services of a municipality: every imported Leistung (those without a process are "nicht digital") and every
/// described service (service.yaml), merged by LeiKa key; internal procedures (no key) are listed under their folder name.
/// </summary>
public static class CatalogueOverview
{
    /// <param name="versionOf">The latest deployed version of a process id, or null when it is not deployed.</param>
    public static IReadOnlyList<CatalogueEntry> Merge(IEnumerable<Leistung> imported, IEnumerable<ServiceDescription> services, Func<string, int?> versionOf)
    {
        ArgumentNullException.ThrowIfNull(imported);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(versionOf);
        // Several versions of one service (validFrom/validTo) are one line: the one valid last.
        var byKey = services.GroupBy(s => s.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.ValidFrom ?? NodaTime.LocalDate.MinIsoValue).Last(), StringComparer.Ordinal);
        var entries = new List<CatalogueEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var l in imported)
        {
            if (!seen.Add(l.Leika)) continue;
            entries.Add(byKey.TryGetValue(l.Leika, out var s)
                ? FromService(s, versionOf, l)
                : new CatalogueEntry(l.Leika, l.Leika, l.Name, l.OzgId, l.OzgLeistung, l.Themenfeld, l.Lebenslage, ServiceState.NichtDigital, null, null, null, null));
        }
        foreach (var s in byKey.Values.Where(s => !seen.Contains(s.Key)))
            entries.Add(FromService(s, versionOf, null));
        return entries.OrderBy(e => e.Themenfeld ?? "\uffff", StringComparer.Ordinal).ThenBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
    }

    private static CatalogueEntry FromService(ServiceDescription s, Func<string, int?> versionOf, Leistung? l) => new(
        s.Key, s.Leika, s.Name.De, s.Ozg?.Id ?? l?.OzgId, s.Ozg?.Leistung ?? l?.OzgLeistung, s.Ozg?.Themenfeld ?? l?.Themenfeld ?? (s.Internal ? "Intern" : null),
        s.Ozg?.Lebenslage ?? l?.Lebenslage, ServiceState.Digital, s.Reifegrad, s.ProcessId, versionOf(s.ProcessId), s);
}

namespace EGov.Workflows.Time;

/// <summary>
/// The sixteen Länder, by their ISO 3166-2 code without "DE-" (the code a tenant's settings and a scenario's <c>land:</c>
/// name). Whose public holidays count for a Frist is a question of the Land where the authority sits (§31 (3) VwVfG).
/// </summary>
public enum Bundesland
{
    /// <summary>Baden-Württemberg.</summary>
    BW,
    /// <summary>Bayern.</summary>
    BY,
    /// <summary>Berlin.</summary>
    BE,
    /// <summary>Brandenburg.</summary>
    BB,
    /// <summary>Bremen.</summary>
    HB,
    /// <summary>Hamburg.</summary>
    HH,
    /// <summary>Hessen (the default of a tenant without a Land).</summary>
    HE,
    /// <summary>Mecklenburg-Vorpommern.</summary>
    MV,
    /// <summary>Niedersachsen.</summary>
    NI,
    /// <summary>Nordrhein-Westfalen.</summary>
    NW,
    /// <summary>Rheinland-Pfalz.</summary>
    RP,
    /// <summary>Saarland.</summary>
    SL,
    /// <summary>Sachsen.</summary>
    SN,
    /// <summary>Sachsen-Anhalt.</summary>
    ST,
    /// <summary>Schleswig-Holstein.</summary>
    SH,
    /// <summary>Thüringen.</summary>
    TH,
}

/// <summary>Reading a Land from configuration or a scenario.</summary>
public static class Bundeslaender
{
    private static readonly Dictionary<string, Bundesland> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Baden-Württemberg"] = Bundesland.BW, ["Bayern"] = Bundesland.BY, ["Berlin"] = Bundesland.BE, ["Brandenburg"] = Bundesland.BB,
        ["Bremen"] = Bundesland.HB, ["Hamburg"] = Bundesland.HH, ["Hessen"] = Bundesland.HE, ["Mecklenburg-Vorpommern"] = Bundesland.MV,
        ["Niedersachsen"] = Bundesland.NI, ["Nordrhein-Westfalen"] = Bundesland.NW, ["Rheinland-Pfalz"] = Bundesland.RP,
        ["Saarland"] = Bundesland.SL, ["Sachsen"] = Bundesland.SN, ["Sachsen-Anhalt"] = Bundesland.ST,
        ["Schleswig-Holstein"] = Bundesland.SH, ["Thüringen"] = Bundesland.TH,
    };

    /// <summary>The German name of a Land (Hessen, Bayern, …).</summary>
    public static string Name(Bundesland land) => Names.First(n => n.Value == land).Key;

    /// <summary>
    /// A Land from its code (<c>HE</c>, <c>DE-HE</c>, any case) or its German name (<c>Hessen</c>); false for anything else
    /// (a number is not a Land, even though the enumeration has numeric values).
    /// </summary>
    public static bool TryParse(string? text, out Bundesland land)
    {
        land = Bundesland.HE;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        if (t.StartsWith("DE-", StringComparison.OrdinalIgnoreCase)) t = t[3..];
        if (t.Length == 2 && char.IsAsciiLetter(t[0]) && char.IsAsciiLetter(t[1]) && Enum.TryParse(t, ignoreCase: true, out land)) return true;
        return Names.TryGetValue(t, out land);
    }

    /// <summary>The codes, for messages: BW, BY, BE, …</summary>
    public static string Codes => string.Join(", ", Enum.GetNames<Bundesland>());
}

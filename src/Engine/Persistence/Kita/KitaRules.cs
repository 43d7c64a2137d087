namespace EGov.Workflows.Persistence.Kita;

/// <summary>The allocation rule and the input checks both stores share.</summary>
internal static class KitaRules
{
    /// <summary>The waiting list's order: more points first, then who registered earlier, then the id (stable).</summary>
    public static IOrderedEnumerable<Anmeldung> Ordered(IEnumerable<Anmeldung> items) =>
        items.OrderByDescending(a => a.Punkte).ThenBy(a => a.AngelegtAm).ThenBy(a => a.Id, StringComparer.Ordinal);

    /// <summary>
    /// The Kita whose free place <paramref name="a"/> gets, by its wishes in order: the first wished Kita with more free places of
    /// its age group than registrations ranked above it that wait for the same Kita and group; null when there is none.
    /// </summary>
    public static string? Waehle(Anmeldung a, IReadOnlyList<Anmeldung> wartendGeordnet, Func<string, string, int> frei)
    {
        var gruppe = a.Altersgruppe;
        var vorher = wartendGeordnet.TakeWhile(x => x.Id != a.Id).Where(x => x.Altersgruppe == gruppe).ToList();
        foreach (var kita in a.Wuensche)
            if (frei(kita, gruppe) > vorher.Count(x => x.Wuensche.Contains(kita, StringComparer.Ordinal)))
                return kita;
        return null;
    }

    public static void Check(NeueAnmeldung n)
    {
        ArgumentNullException.ThrowIfNull(n);
        if (string.IsNullOrWhiteSpace(n.Id) || n.Id.Length > 200) throw Eingabe("the registration id is missing or longer than 200 characters");
        if (string.IsNullOrWhiteSpace(n.Kind) || n.Kind.Length > 200) throw Eingabe("the child's name is missing or longer than 200 characters");
        if (n.Wuensche.Count is < 1 or > 3 || n.Wuensche.Any(string.IsNullOrWhiteSpace) || n.Wuensche.Distinct(StringComparer.Ordinal).Count() != n.Wuensche.Count)
            throw Eingabe("one to three different Kitas are wished");
        if (n.Punkte is < 0 or > 1000) throw Eingabe("points are 0–1000");
        if (n.Beginn < n.Geburtsdatum) throw Eingabe("care cannot begin before the birth");
    }

    public static KitaConstraintException Eingabe(string message) => new(KitaFehler.Eingabe, message);
    public static KitaConstraintException Unbekannt(string id) => new(KitaFehler.AnmeldungUnbekannt, $"no registration '{id}' on the waiting list");
    public static KitaConstraintException Status(Anmeldung a, string step) => new(KitaFehler.Status, $"registration '{a.Id}' is {a.Status}: cannot {step}");

    public static void CheckEinrichtung(Einrichtung e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.PlaetzeU3 is < 0 or > 500 || e.PlaetzeUe3 is < 0 or > 500) throw Eingabe("places per age group are 0–500");
    }
}

namespace EGov.Workflows.Persistence.Mobilfunk;

/// <summary>
/// The rules of the contract's life that the SQL and the in-memory store share: which step fits which state, and when a step
/// asked again is answered unchanged (a retried service task writes once). Each check answers true when nothing is to be written.
/// </summary>
internal static class MobilfunkRules
{
    private static MobilfunkConstraintException Falsch(Vertrag v, string schritt) =>
        new(MobilfunkFehler.FalscherStatus, $"Der Vertrag „{v.Id}“ ist {v.Status}; er kann nicht {schritt} werden.");

    public static Vertrag Same(Vertrag existing, Bestellung asked) =>
        existing.Mitarbeiter == asked.Mitarbeiter && existing.Kostenstelle == asked.Kostenstelle && existing.TarifId == asked.TarifId && existing.GeraetId == asked.GeraetId
            ? existing
            : throw new MobilfunkConstraintException(MobilfunkFehler.IdVergeben, $"Den Vertrag „{asked.Id}“ gibt es schon, mit anderem Tarif, Gerät, Kostenstelle oder für eine andere Person.");

    public static void CheckCatalogue(Bestellung b, Tarif? tarif, Geraet? geraet)
    {
        if (tarif is not { Aktiv: true })
            throw new MobilfunkConstraintException(MobilfunkFehler.TarifUnbekannt, $"Den Tarif „{b.TarifId}“ gibt es im Standardkatalog nicht (mehr).");
        if (b.GeraetId is not null && geraet is not { Aktiv: true })
            throw new MobilfunkConstraintException(MobilfunkFehler.GeraetUnbekannt, $"Das Gerät „{b.GeraetId}“ gibt es im Standardkatalog nicht (mehr).");
    }

    public static bool CheckUebergabe(Vertrag v, string? seriennummer)
    {
        if (v.Status == VertragStatus.Aktiv) return true;
        if (v.Status != VertragStatus.Bestellt) throw Falsch(v, "übergeben");
        if (v.GeraetId is not null && string.IsNullOrWhiteSpace(seriennummer))
            throw new MobilfunkConstraintException(MobilfunkFehler.SeriennummerFehlt, $"Zum Vertrag „{v.Id}“ gehört ein Gerät: die Übergabe braucht seine Seriennummer (IMEI).");
        return false;
    }

    public static bool CheckLaufend(Vertrag v, string schritt) =>
        v.Status == VertragStatus.Aktiv ? false : throw Falsch(v, schritt);

    public static bool CheckKuendigung(Vertrag v) => v.Status switch
    {
        VertragStatus.Gekuendigt or VertragStatus.Beendet => true,
        VertragStatus.Aktiv => false,
        _ => throw Falsch(v, "gekündigt"),
    };

    public static bool CheckRuecknahme(Vertrag v)
    {
        if (v.Status is VertragStatus.Bestellt or VertragStatus.Storniert) throw Falsch(v, "zurückgenommen");
        return v.GeraetStatus != GeraetStatus.Ausgegeben && v.Status != VertragStatus.Gekuendigt;
    }

    public static bool CheckStorno(Vertrag v) => v.Status switch
    {
        VertragStatus.Storniert => true,
        VertragStatus.Bestellt => false,
        _ => throw Falsch(v, "storniert"),
    };
}

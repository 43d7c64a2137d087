namespace EGov.Workflows.Host.Citizens;

/// <summary>
/// How sure the identity provider is of who signed in (Vertrauensniveau). BundID speaks the STORK-QAA levels on the wire
/// (requested in the AuthnRequest's RequestedAuthnContext, reported as AuthnContextClassRef and in the attribute
/// EID-CITIZEN-QAA-LEVEL); eIDAS names three of them: low (Level-1 and -2: user name and password), substantial
/// (Level-3: ELSTER certificate, Smart-eID) and high (Level-4: the identity card's eID, a notified eIDAS eID).
/// </summary>
public enum TrustLevel
{
    /// <summary>STORK-QAA-Level-1: user name and password (eIDAS low, "niedrig").</summary>
    Low = 1,
    /// <summary>STORK-QAA-Level-2 (eIDAS low as well; BundID does not issue it today).</summary>
    Normal = 2,
    /// <summary>STORK-QAA-Level-3: ELSTER certificate, Smart-eID (eIDAS substantial, "substanziell").</summary>
    Substantial = 3,
    /// <summary>STORK-QAA-Level-4: the identity card's eID, eIDAS notified eID, FINK (eIDAS high, "hoch").</summary>
    High = 4,
}

/// <summary>Names of the trust levels: on the wire, in models and configuration, and in German for people.</summary>
public static class TrustLevels
{
    private const string Stork = "STORK-QAA-Level-";

    /// <summary>The AuthnContextClassRef of a level, e.g. <c>STORK-QAA-Level-3</c>.</summary>
    public static string ClassRef(this TrustLevel level) => Stork + (int)level;

    /// <summary>The word for people: niedrig, substanziell, hoch.</summary>
    public static string German(this TrustLevel level) => level switch
    {
        TrustLevel.Low or TrustLevel.Normal => "niedrig",
        TrustLevel.Substantial => "substanziell",
        _ => "hoch",
    };

    /// <summary>The eIDAS word used in models and the API: low, substantial, high.</summary>
    public static string Eidas(this TrustLevel level) => level switch
    {
        TrustLevel.Low or TrustLevel.Normal => "low",
        TrustLevel.Substantial => "substantial",
        _ => "high",
    };

    /// <summary>
    /// Reads a level from a model, the configuration, a query string or a response: <c>STORK-QAA-Level-N</c>, the eIDAS
    /// words and URIs (<c>low</c>, <c>substantial</c>, <c>high</c>, <c>http://eidas.europa.eu/LoA/…</c>), the German words
    /// (niedrig, normal, substanziell/substantiell, hoch) or 1–4. Null for anything else.
    /// </summary>
    public static TrustLevel? Parse(string? text)
    {
        var t = text?.Trim();
        if (string.IsNullOrEmpty(t)) return null;
        if (t.StartsWith(Stork, StringComparison.OrdinalIgnoreCase)) t = t[Stork.Length..];
        if (t.StartsWith("http://eidas.europa.eu/LoA/", StringComparison.OrdinalIgnoreCase)) t = t["http://eidas.europa.eu/LoA/".Length..];
        return t.ToLowerInvariant() switch
        {
            "1" or "low" or "niedrig" or "untergeordnet" => TrustLevel.Low,
            "2" or "normal" => TrustLevel.Normal,
            "3" or "substantial" or "substanziell" or "substantiell" => TrustLevel.Substantial,
            "4" or "high" or "hoch" => TrustLevel.High,
            _ => null,
        };
    }
}

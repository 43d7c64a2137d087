namespace EGov.Workflows.Host.Citizens.Saml;

/// <summary>Why a SAML response was refused. Each has a German text for the citizen's page; the detail goes to the log only.</summary>
public enum SamlRefusal
{
    Malformed,
    SignatureInvalid,
    NotSigned,
    NotEncrypted,
    WrongIssuer,
    WrongDestination,
    WrongAudience,
    UnknownRequest,
    Expired,
    NotYetValid,
    Replayed,
    LevelTooLow,
    Cancelled,
    MissingPseudonym,
    NotConfigured,
}

/// <summary>A refused response: the reason (for the page) and the detail (for the log; never shown, never a secret).</summary>
public sealed class SamlException(SamlRefusal reason, string detail) : Exception(detail)
{
    public SamlRefusal Reason { get; } = reason;

    /// <summary>The heading and the sentence the citizen reads.</summary>
    public static (string Title, string Text) German(SamlRefusal reason) => reason switch
    {
        SamlRefusal.LevelTooLow => ("Vertrauensniveau nicht ausreichend",
            "Für diese Leistung müssen Sie sich mit einem höheren Vertrauensniveau anmelden, zum Beispiel mit der Online-Ausweisfunktion Ihres Personalausweises oder einem ELSTER-Zertifikat."),
        SamlRefusal.Cancelled => ("Anmeldung abgebrochen", "Die Anmeldung bei der BundID wurde abgebrochen. Sie können es noch einmal versuchen."),
        SamlRefusal.Expired or SamlRefusal.NotYetValid => ("Anmeldung abgelaufen",
            "Die Anmeldedaten der BundID sind nicht mehr gültig. Bitte melden Sie sich noch einmal an."),
        SamlRefusal.Replayed => ("Anmeldung bereits verwendet",
            "Diese Anmeldung wurde schon einmal verwendet. Aus Sicherheitsgründen gilt jede Anmeldung nur einmal. Bitte melden Sie sich neu an."),
        SamlRefusal.UnknownRequest => ("Anmeldung nicht zuzuordnen",
            "Zu dieser Antwort der BundID gibt es keine offene Anmeldung aus diesem Browser, oder sie ist schon abgeschlossen. Bitte melden Sie sich neu an."),
        SamlRefusal.NotConfigured => ("Anmeldung nicht eingerichtet",
            "Die Anmeldung mit der BundID ist bei dieser Stelle noch nicht eingerichtet. Bitte versuchen Sie es später noch einmal."),
        SamlRefusal.MissingPseudonym => ("Anmeldung unvollständig",
            "Die BundID hat nicht alle nötigen Angaben übermittelt. Bitte melden Sie sich noch einmal an."),
        _ => ("Anmeldung abgelehnt",
            "Die Antwort der BundID konnte nicht als echt und für diese Stelle bestimmt bestätigt werden. Sie sind nicht angemeldet. Bitte melden Sie sich noch einmal an."),
    };
}

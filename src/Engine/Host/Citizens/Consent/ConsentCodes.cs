using System.Security.Cryptography;
using System.Text;

namespace EGov.Workflows.Host.Citizens.Consent;

/// <summary>A purpose the parents may consent to: who receives which data (the page shows exactly this).</summary>
public sealed record ConsentPurpose(string Id, string Titel, string Empfaenger, IReadOnlyList<string> Daten)
{
    /// <summary>The variable the answer goes to: einwilligung + the id with a capital (einwilligungKindergeld).</summary>
    public string Variable => "einwilligung" + char.ToUpperInvariant(Id[0]) + Id[1..];
}

/// <summary>
/// The one-time Einwilligungscode of the parents' online consent: 20 characters from 31 without look-alikes (about 99
/// random bits), shown in groups of four in the Standesamt's notice and nowhere else. Only a SHA-256 over tenant and the
/// normalised code is stored (<see cref="Identity.Citizens.IConsentCodes"/>); at that entropy a slow hash adds nothing.
/// </summary>
public static class ConsentCodes
{
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int Length = 20;

    /// <summary>Wrong codes one citizen may enter within <see cref="Window"/>; then nothing is checked until it has passed.</summary>
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>The purposes a case may ask the parents about (the life chain: Kindergeld and the Kita registration).</summary>
    public static readonly IReadOnlyList<ConsentPurpose> Purposes =
    [
        new("kindergeld", "Kindergeld", "Familienkasse der Bundesagentur für Arbeit (Ihr Kindergeldantrag wird vorbereitet)",
        [
            "Vorname, Familienname, Geburtsdatum und Geburtsort des Kindes",
            "Name, Anschrift und E-Mail-Adresse des antragstellenden Elternteils",
            "Registernummer der Beurkundung und das Standesamt",
            "Ihr Bürgerkonto, damit Sie den Antrag unter „Meine Vorgänge“ sehen",
        ]),
        new("kita", "Kita-Anmeldung", "Kita-Verwaltung der Stadt (Angebot zur Anmeldung für einen Kita-Platz)",
        [
            "Vorname, Familienname und Geburtsdatum des Kindes",
            "Name, Anschrift und E-Mail-Adresse der Mutter als Kontakt",
            "Ihr Bürgerkonto, damit Sie die Anmeldung unter „Meine Vorgänge“ sehen",
        ]),
    ];

    public static ConsentPurpose? Purpose(string id) => Purposes.FirstOrDefault(p => p.Id == id);

    /// <summary>A new code, e.g. <c>K7QM-2XHD-9RTA-PW3N-ECB5</c>.</summary>
    public static string NewCode()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, Length);
        return string.Join('-', Enumerable.Range(0, Length / 4).Select(i => new string(chars, i * 4, 4)));
    }

    /// <summary>The stored form: upper case without blanks and dashes, hashed with the tenant.</summary>
    public static string Hash(string tenant, string code)
    {
        var normalized = new string((code ?? "").Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"egov-einwilligung\n{tenant}\n{normalized}")));
    }

    /// <summary>Whether the text can be a code at all (checked before any lookup; a wrong form still counts as a wrong attempt).</summary>
    public static bool Plausible(string? code) =>
        code is { Length: > 0 and <= 64 } && code.Count(char.IsLetterOrDigit) == Length;

    /// <summary>The citizen as counted for the guessing limit: a hash of the account id.</summary>
    public static string Who(string owner) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("egov-einwilligung-who\n" + owner)))[..32];

    /// <summary>The key the citizen's consent resumes the waiting case by (one open request per instance).</summary>
    public static string CallbackKey(string instanceId) => EinwilligungElternActivity.Name + ":" + instanceId;
}

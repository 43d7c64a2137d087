using System.Text.Json.Nodes;
using EGov.Workflows.Host.Reservierungen;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Host.Adressbuch;

/// <summary>
/// <c>adressbuch-auskunft</c>: what the staff directory says about a person, for routing a case: their unit and its Postkorb
/// group, their lead (the unit's, or for a lead the next one above) and the lead's first standing deputy (Vertretung), their
/// own first deputy, phone, e-mail and room. A person the directory does not know: <c>bekannt</c> false and the rest empty —
/// the model decides (e.g. a gateway to the Personalstelle). With <c>gruppe</c> instead of <c>person</c>: the lead of the unit
/// whose Postkorb group it is (<c>gruppenleitung</c>; a unit without a lead: the next lead above) and that lead's first deputy.
/// </summary>
[Activity(Name, Description = "Person im Adressbuch nachschlagen: Organisationseinheit, Gruppe, Vorgesetzte/r mit Vertretung, Telefon, Raum")]
public sealed class AuskunftActivity(ReservierungRegister register) : WorkflowActivity
{
    public const string Name = "adressbuch-auskunft";

    public override IReadOnlyList<ActivityParameter> Inputs =>
    [
        new("person", ActivityValueType.String, Description: "Benutzerkennung der Person"),
        new("gruppe", ActivityValueType.String, Description: "Postkorb-Gruppe einer Organisationseinheit (statt person): liefert deren Leitung"),
    ];

    public override IReadOnlyList<ActivityParameter> Outputs =>
    [
        new("bekannt", ActivityValueType.Boolean, Description: "die Person steht (aktiv) im Adressbuch"),
        new("personName", ActivityValueType.String, Description: "Vor- und Nachname"),
        new("orgEinheit", ActivityValueType.String, Description: "Id der Organisationseinheit"),
        new("gruppe", ActivityValueType.String, Description: "Postkorb-Gruppe der Organisationseinheit"),
        new("vorgesetzt", ActivityValueType.String, Description: "Benutzerkennung der Leitung"),
        new("vorgesetztVertretung", ActivityValueType.String, Description: "erste ständige Vertretung der Leitung"),
        new("vertretung", ActivityValueType.String, Description: "erste ständige Vertretung der Person"),
        new("telefon", ActivityValueType.String),
        new("email", ActivityValueType.String),
        new("raum", ActivityValueType.String),
        new("gruppenleitung", ActivityValueType.String, Description: "bei gruppe: Leitung der Organisationseinheit mit dieser Gruppe (sonst der nächsten darüber)"),
        new("gruppenleitungVertretung", ActivityValueType.String, Description: "bei gruppe: erste ständige Vertretung dieser Leitung"),
    ];

    public override Task<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var person = context.GetString("person");
        var verzeichnis = register.Verzeichnis;
        if (string.IsNullOrWhiteSpace(person) && context.GetString("gruppe") is { Length: > 0 } gruppe)
        {
            var leitung = verzeichnis.Gruppenleitung(context.TenantId, gruppe.Trim());
            return Task.FromResult(ActivityResult.Complete(new JsonObject
            {
                ["bekannt"] = leitung is not null,
                ["gruppenleitung"] = leitung,
                ["gruppenleitungVertretung"] = leitung is null ? null : verzeichnis.Vertreter(context.TenantId, leitung).FirstOrDefault(),
            }));
        }
        var z = string.IsNullOrWhiteSpace(person) ? null : verzeichnis.Zuordnung(context.TenantId, person.Trim());
        if (z is null)
            return Task.FromResult(ActivityResult.Complete(new JsonObject
            {
                ["bekannt"] = false, ["personName"] = null, ["orgEinheit"] = null, ["gruppe"] = null, ["vorgesetzt"] = null,
                ["vorgesetztVertretung"] = null, ["vertretung"] = null, ["telefon"] = null, ["email"] = null, ["raum"] = null,
            }));
        return Task.FromResult(ActivityResult.Complete(new JsonObject
        {
            ["bekannt"] = true,
            ["personName"] = z.Person.Anzeigename,
            ["orgEinheit"] = z.Einheit.Id,
            ["gruppe"] = z.Einheit.Gruppe,
            ["vorgesetzt"] = z.Leitung,
            ["vorgesetztVertretung"] = z.Leitung is { } l ? verzeichnis.Vertreter(context.TenantId, l).FirstOrDefault() : null,
            ["vertretung"] = verzeichnis.Vertreter(context.TenantId, z.Person.Id).FirstOrDefault(),
            ["telefon"] = z.Person.Telefon,
            ["email"] = z.Person.Email,
            ["raum"] = z.Person.Raum,
        }));
    }
}

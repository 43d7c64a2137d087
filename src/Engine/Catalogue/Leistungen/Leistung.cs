namespace EGov.Workflows.Catalogue.Leistungen;

/// <summary>
/// One Leistung of an imported list (the LeiKa/OZG catalogue): what a municipality offers, whether or not a process
/// implements it yet.
/// </summary>
/// <param name="Leika">The LeiKa key, 14 digits.</param>
/// <param name="Name">The Leistung's name (LeiKa "Leistungsbezeichnung").</param>
/// <param name="Typ">LeiKa Leistungstyp (1, 2/3, 4, 5, …), where the list gives it.</param>
/// <param name="OzgId">The OZG-ID of the OZG-Leistung it belongs to.</param>
public sealed record Leistung(
    string Leika, string Name, string? Typ, string? OzgId, string? OzgLeistung, string? Lebenslage, string? Themenfeld, string? Rechtsgrundlage);

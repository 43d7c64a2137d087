namespace EgovPack;

/// <summary>The pack's settings, bound from the configuration section <c>Packs:EgovPack</c> (e.g. <c>EGOV_Packs__EgovPack__Anrede=Sehr geehrte Damen und Herren</c>).</summary>
public sealed class EgovPackOptions
{
    /// <summary>How the letter greets when no name is known.</summary>
    public string Anrede { get; set; } = "Guten Tag";
}

using EGov.Workflows.Host.Citizens;
using EGov.Workflows.Host.Security;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>A citizen holds the citizen permission and nothing of staff; staff, whatever their roles, hold no citizen permission.</summary>
public sealed class CitizenPermissionTests
{
    [Fact]
    public void Citizen_HoldsOnlyCitizenSelf()
    {
        var citizen = new Caller("buerger:x", "Maria Neumann", CallerKind.Citizen, new HashSet<string> { Caller.Citizen }, new HashSet<string>(), ["default"]);
        foreach (var p in Enum.GetValues<Permission>())
            RolePermissions.Allows(citizen, p).ShouldBe(p is Permission.Public or Permission.CitizenSelf, p.ToString());
    }

    [Fact]
    public void Staff_WithEveryRole_HoldNoCitizenPermission_AndCitizenIsNoRoleToGive()
    {
        var staff = new Caller("admin", null, CallerKind.Person, RolePermissions.Roles.ToHashSet(), new HashSet<string>(), ["*"]);
        RolePermissions.Allows(staff, Permission.CitizenSelf).ShouldBeFalse();
        RolePermissions.Roles.ShouldNotContain(Caller.Citizen);
    }

    [Theory]
    [InlineData("STORK-QAA-Level-3", TrustLevel.Substantial)]
    [InlineData("substanziell", TrustLevel.Substantial)]
    [InlineData("substantial", TrustLevel.Substantial)]
    [InlineData("http://eidas.europa.eu/LoA/high", TrustLevel.High)]
    [InlineData("niedrig", TrustLevel.Low)]
    [InlineData(" STORK-QAA-Level-1 ", TrustLevel.Low)]
    [InlineData("4", TrustLevel.High)]
    public void TrustLevel_IsReadFromEveryNaming(string text, TrustLevel expected) => TrustLevels.Parse(text).ShouldBe(expected);

    [Theory]
    [InlineData("STORK-QAA-Level-5")]
    [InlineData("mittel")]
    [InlineData("")]
    public void TrustLevel_Unknown_IsNull(string text) => TrustLevels.Parse(text).ShouldBeNull();

    [Fact]
    public void AttributeNames_WithABlankAfterUrnOid_AreNormalized() =>
        EGov.Workflows.Host.Citizens.Saml.BundIdAttributes.Normalize("urn:oid: 1.2.40.0.10.2.1.1.261.94").ShouldBe("urn:oid:1.2.40.0.10.2.1.1.261.94");
}

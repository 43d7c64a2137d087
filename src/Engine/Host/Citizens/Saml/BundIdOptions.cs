using Microsoft.Extensions.Configuration;

namespace EGov.Workflows.Host.Citizens.Saml;

/// <summary>
/// The BundID service provider's settings, from the configuration section <c>BundId</c> (<c>--config FILE</c> or
/// environment variables such as <c>EGOV_BundId__IdpMetadata</c>). Without <see cref="IdpMetadata"/> citizen sign-in is
/// off and the citizen pages say so.
/// </summary>
public sealed record BundIdOptions
{
    /// <summary>The identity provider's SAML metadata: a file path or an http(s) URL (its entity id, SSO endpoint and signing certificates).</summary>
    public string? IdpMetadata { get; init; }

    /// <summary>This service provider's entity id; null: the address of <c>/saml/metadata</c>.</summary>
    public string? EntityId { get; init; }

    /// <summary>The level requested when a page asks for none (BundID: STORK-QAA-Level-1 … 4).</summary>
    public TrustLevel DefaultLevel { get; init; } = TrustLevel.Low;

    /// <summary>Refuse assertions that are not encrypted to this service provider (BundID encrypts; tests may switch it off).</summary>
    public bool RequireEncryptedAssertions { get; init; } = true;

    /// <summary>Tolerance for the clocks of the identity provider and this server (NotBefore, NotOnOrAfter).</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an AuthnRequest can be answered.</summary>
    public TimeSpan RequestLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a citizen session lasts without a request (sliding).</summary>
    public TimeSpan SessionIdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Shown at BundID (akdb DisplayInformation): the authority's name.</summary>
    public string? OrganizationDisplayName { get; init; }

    /// <summary>The OnlineServiceId the BundID operator assigned to this service provider (akdb DisplayInformation).</summary>
    public string? OnlineServiceId { get; init; }

    public bool Enabled => !string.IsNullOrWhiteSpace(IdpMetadata);

    /// <summary>The section <c>BundId</c> of the configuration; invalid values stop the start with the key named.</summary>
    public static BundIdOptions From(IConfiguration? configuration)
    {
        var s = configuration?.GetSection("BundId");
        if (s is null || !s.Exists()) return new BundIdOptions();
        var o = new BundIdOptions
        {
            IdpMetadata = s["IdpMetadata"], EntityId = s["EntityId"],
            OrganizationDisplayName = s["OrganizationDisplayName"], OnlineServiceId = s["OnlineServiceId"],
        };
        if (s["DefaultLevel"] is { Length: > 0 } level)
            o = o with { DefaultLevel = TrustLevels.Parse(level) ?? throw new ServerStartException([$"BundId:DefaultLevel '{level}': expected niedrig, substanziell, hoch or STORK-QAA-Level-1..4"], usage: true) };
        if (s["RequireEncryptedAssertions"] is { Length: > 0 } enc)
            o = o with { RequireEncryptedAssertions = bool.TryParse(enc, out var b) ? b : throw new ServerStartException([$"BundId:RequireEncryptedAssertions '{enc}': expected true or false"], usage: true) };
        if (s["ClockSkewSeconds"] is { Length: > 0 } skew)
            o = o with { ClockSkew = int.TryParse(skew, out var sec) && sec is >= 0 and <= 300 ? TimeSpan.FromSeconds(sec) : throw new ServerStartException([$"BundId:ClockSkewSeconds '{skew}': expected 0–300"], usage: true) };
        if (s["SessionMinutes"] is { Length: > 0 } minutes)
            o = o with { SessionIdleTimeout = int.TryParse(minutes, out var m) && m is >= 1 and <= 720 ? TimeSpan.FromMinutes(m) : throw new ServerStartException([$"BundId:SessionMinutes '{minutes}': expected 1–720"], usage: true) };
        return o;
    }
}

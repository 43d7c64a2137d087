using System.Net;
using System.Text.Json.Nodes;
using System.Xml;
using EGov.Workflows.Host.Citizens;
using EGov.Workflows.Identity.Citizens;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests.Citizens;

/// <summary>
/// Citizen sign-in with BundID against the simulator (samlify): a valid sign-in becomes a citizen session with the mapped
/// identity and the level reached; every attack is refused with a German page and leaves nothing behind — no session,
/// no used assertion id, the request still open.
/// </summary>
public sealed class SamlSignInTests(BundIdEnvironment env) : IClassFixture<BundIdEnvironment>
{
    private const string Saml = "urn:oasis:names:tc:SAML:2.0:assertion", Ds = "http://www.w3.org/2000/09/xmldsig#";

    [BundIdFact]
    public async Task ValidSignIn_Substantial_Encrypted_GivesACitizenSession_WithTheIdentity_AndNothingOfStaff()
    {
        var (client, cookies) = env.Browser();
        var (request, action) = await BundIdEnvironment.BeginAsync(client, "substanziell", "/buerger?von=antrag");
        action.ShouldBe(new Uri(env.Simulator, "sso").AbsoluteUri);
        var requestXml = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(request));
        requestXml.ShouldContain("<saml:AuthnContextClassRef>STORK-QAA-Level-3</saml:AuthnContextClassRef>");
        requestXml.ShouldContain("<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">", Case.Sensitive, "the AuthnRequest is signed (samlify checks it against our metadata)");

        using var acs = await BundIdEnvironment.PostAcsAsync(client, await env.AnswerAsync(request, "U04", "STORK-QAA-Level-3"));
        ((int)acs.StatusCode).ShouldBe(302, await acs.Content.ReadAsStringAsync());
        acs.Headers.Location!.OriginalString.ShouldBe("/buerger?von=antrag");
        cookies.GetCookies(env.Server.BaseAddress)["egov.buerger"].ShouldNotBeNull();

        var me = JsonNode.Parse(await client.GetStringAsync("/api/citizen/me"))!;
        me["displayName"]!.GetValue<string>().ShouldBe("Johanna Kleinschmidt");
        me["trustLevel"]!.GetValue<string>().ShouldBe("substantial");
        me["trustLevelStork"]!.GetValue<string>().ShouldBe("STORK-QAA-Level-3");
        me["attributes"]!["birthDate"]!.GetValue<string>().ShouldBe("1981-10-19");
        me["attributes"]!["birthName"]!.GetValue<string>().ShouldBe("Sonnenmeier");
        me["attributes"]!["street"]!.GetValue<string>().ShouldBe("Frauentorgraben 5");
        me["attributes"]!["postalCode"]!.GetValue<string>().ShouldBe("90443");
        me["attributes"]!["email"]!.GetValue<string>().ShouldBe("j.kleinschm@example.com");
        me["attributes"]!["provedBy"]!.GetValue<string>().ShouldBe("Elster");
        me["attributes"]!["pseudonym"].ShouldBeNull("the bPK2 itself is never handed out");
        me["owner"]!.GetValue<string>().ShouldBe(CitizenIdentity.OwnerOf("BUNDIDSIM-U04"));

        (await client.GetStringAsync("/buerger")).ShouldContain("Johanna Kleinschmidt");
        (await client.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the citizen session is not read on staff endpoints");
        (await client.GetAsync("/api/tasks")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [BundIdFact]
    public async Task Verifier_ReadsTheSimulatorsResponse_DirectlyWithItsDetail()
    {
        var (client, _) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client, "substanziell");
        var response = await env.AnswerAsync(request, "U01", "STORK-QAA-Level-3");
        var services = env.Server.App.Services;
        var options = services.GetRequiredService<EGov.Workflows.Host.Citizens.Saml.BundIdOptions>();
        var (entityId, acs) = CitizenSignIn.Endpoints(options, services.GetRequiredService<EGov.Workflows.Host.Security.ServerAddress>());
        var idp = await services.GetRequiredService<EGov.Workflows.Host.Citizens.Saml.IdpMetadataSource>().GetAsync();
        var verified = new EGov.Workflows.Host.Citizens.Saml.SamlResponseVerifier(options).Verify(response,
            new(entityId, acs, idp, services.GetRequiredService<EGov.Workflows.Host.Citizens.Saml.SpCredentials>(), DateTimeOffset.UtcNow));
        verified.Citizen.Surname.ShouldBe("Neumann");
        verified.Citizen.Level.ShouldBe(TrustLevel.Substantial);
    }

    [BundIdFact]
    public async Task ValidSignIn_WithAesGcm_AndLevelHigh()
    {
        var (client, _) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client, "hoch");
        using var acs = await BundIdEnvironment.PostAcsAsync(client, await env.AnswerAsync(request, "U07", "STORK-QAA-Level-4", gcm: true));
        ((int)acs.StatusCode).ShouldBe(302, await acs.Content.ReadAsStringAsync());
        var me = JsonNode.Parse(await client.GetStringAsync("/api/citizen/me"))!;
        me["displayName"]!.GetValue<string>().ShouldBe("Dr. Rosa Mauser", "personalTitle arrives as 'urn:oid: 0.9…' with a blank");
        me["trustLevel"]!.GetValue<string>().ShouldBe("high");
    }

    [BundIdFact]
    public async Task TamperedSignature_IsRefused_NothingStored()
    {
        var (client, cookies) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client);
        var doc = BundIdEnvironment.Decode(await env.AnswerAsync(request, encrypt: false));
        var surname = Attribute(Assertion(doc), "urn:oid:2.5.4.4");
        surname.InnerText = "Mallory";
        BundIdEnvironment.EncryptAssertion(doc, env.SpEncryption);
        await RefusedAsync(client, cookies, BundIdEnvironment.Encode(doc), 403, "Anmeldung abgelehnt", doc);
    }

    [BundIdFact]
    public async Task WrappedSignature_SameId_EvilAssertionOutside_OriginalHidden_IsRefused()
    {
        var (client, cookies) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client);
        var doc = BundIdEnvironment.Decode(await env.AnswerAsync(request, encrypt: false));
        var original = Assertion(doc);
        // XSW: a forged copy (another person, same ID, the original signature kept) takes the assertion's place; the signed
        // original hides inside the forged Subject, where a careless verifier finds the ID and checks the right digest.
        var evil = (XmlElement)original.CloneNode(true);
        Attribute(evil, "urn:oid:1.3.6.1.4.1.25484.494450.3").InnerText = "BUNDIDSIM-U02";
        Attribute(evil, "urn:oid:2.5.4.4").InnerText = "Schmidt";
        doc.DocumentElement!.ReplaceChild(evil, original);
        var subject = evil.GetElementsByTagName("Subject", Saml)[0]!;
        subject.AppendChild(original);
        BundIdEnvironment.EncryptAssertion(doc, env.SpEncryption);
        await RefusedAsync(client, cookies, BundIdEnvironment.Encode(doc), 403, "Anmeldung abgelehnt", doc);
    }

    [BundIdFact]
    public async Task WrappedSignature_NewId_SignatureOfTheOriginalCopied_IsRefused()
    {
        var (client, cookies) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client);
        var doc = BundIdEnvironment.Decode(await env.AnswerAsync(request, encrypt: false));
        var original = Assertion(doc);
        var evil = (XmlElement)original.CloneNode(true);
        evil.SetAttribute("ID", "_evil");
        Attribute(evil, "urn:oid:1.3.6.1.4.1.25484.494450.3").InnerText = "BUNDIDSIM-U02";
        // The original (still validly signed) is moved into the forged assertion's signature as an Object.
        var signature = (XmlElement)evil.GetElementsByTagName("Signature", Ds)[0]!;
        var obj = doc.CreateElement("ds", "Object", Ds);
        obj.AppendChild(original.CloneNode(true));
        signature.AppendChild(obj);
        doc.DocumentElement!.ReplaceChild(evil, original);
        BundIdEnvironment.EncryptAssertion(doc, env.SpEncryption);
        await RefusedAsync(client, cookies, BundIdEnvironment.Encode(doc), 403, "Anmeldung abgelehnt", doc);
    }

    [BundIdFact]
    public async Task UnsignedAssertion_IsRefused()
    {
        var (client, cookies) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client);
        var doc = BundIdEnvironment.Decode(await env.AnswerAsync(request, encrypt: false));
        var assertion = Assertion(doc);
        assertion.RemoveChild(assertion.GetElementsByTagName("Signature", Ds)[0]!);
        BundIdEnvironment.EncryptAssertion(doc, env.SpEncryption);
        await RefusedAsync(client, cookies, BundIdEnvironment.Encode(doc), 403, "Anmeldung abgelehnt", doc);
    }

    [BundIdFact]
    public async Task UnencryptedAssertion_IsRefused_WhenEncryptionIsRequired()
    {
        var (client, cookies) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client);
        var response = await env.AnswerAsync(request, encrypt: false);
        await RefusedAsync(client, cookies, response, 403, "Anmeldung abgelehnt", BundIdEnvironment.Decode(response));
    }

    [BundIdFact]
    public async Task ExpiredAssertion_IsRefused()
    {
        var (client, cookies) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client);
        var response = await env.AnswerAsync(request, encrypt: false, offsetSeconds: -10 * 60); // valid for 5 minutes, issued 10 minutes ago
        var doc = BundIdEnvironment.Decode(response);
        BundIdEnvironment.EncryptAssertion(doc, env.SpEncryption); // still signed: only the time is wrong
        await RefusedAsync(client, cookies, BundIdEnvironment.Encode(doc), 403, "Anmeldung abgelaufen", BundIdEnvironment.Decode(response));
    }

    [BundIdFact]
    public async Task ReplayedAssertion_IsRefused_AlsoFromAnotherBrowser()
    {
        var (client, _) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client);
        var response = await env.AnswerAsync(request);
        using (var first = await BundIdEnvironment.PostAcsAsync(client, response)) ((int)first.StatusCode).ShouldBe(302);

        using var again = await BundIdEnvironment.PostAcsAsync(client, response);
        ((int)again.StatusCode).ShouldBe(403);
        (await again.Content.ReadAsStringAsync()).ShouldContain("Anmeldung bereits verwendet");

        var (thief, thiefCookies) = env.Browser();
        using var stolen = await BundIdEnvironment.PostAcsAsync(thief, response);
        ((int)stolen.StatusCode).ShouldBe(403);
        (await stolen.Content.ReadAsStringAsync()).ShouldContain("Anmeldung bereits verwendet");
        thiefCookies.GetCookies(env.Server.BaseAddress)["egov.buerger"].ShouldBeNull();
        (await thief.GetAsync("/api/citizen/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [BundIdFact]
    public async Task WrongAudience_IsRefused()
    {
        var (client, cookies) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client);
        var response = await env.AnswerAsync(request, audience: "https://andere-stelle.example/saml/metadata");
        var plain = BundIdEnvironment.Decode(await env.AnswerAsync((await BundIdEnvironment.BeginAsync(env.Browser().Client)).SamlRequest, encrypt: false));
        await RefusedAsync(client, cookies, response, 403, "Anmeldung abgelehnt", plain, checkAssertion: false);
    }

    [BundIdFact]
    public async Task LevelLowerThanRequired_IsRefused_WithAStepUpLink()
    {
        var (client, cookies) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client, "substanziell", "/buerger/leistungen/parken");
        var response = await env.AnswerAsync(request, level: "STORK-QAA-Level-1");
        using var acs = await BundIdEnvironment.PostAcsAsync(client, response);
        var html = await acs.Content.ReadAsStringAsync();
        ((int)acs.StatusCode).ShouldBe(403, html);
        html.ShouldContain("Vertrauensniveau nicht ausreichend");
        html.ShouldContain("/buerger/anmelden?niveau=substantial&amp;returnUrl=%2Fbuerger%2Fleistungen%2Fparken");
        cookies.GetCookies(env.Server.BaseAddress)["egov.buerger"].ShouldBeNull();
        (await client.GetAsync("/api/citizen/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [BundIdFact]
    public async Task CancelledAtBundId_ShowsAGermanPage()
    {
        var (client, _) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(client);
        using var acs = await BundIdEnvironment.PostAcsAsync(client, await env.AnswerAsync(request, status: "AuthnFailed"));
        ((int)acs.StatusCode).ShouldBe(403);
        (await acs.Content.ReadAsStringAsync()).ShouldContain("Anmeldung abgebrochen");
    }

    [BundIdFact]
    public async Task ResponseToAnotherBrowsersRequest_IsRefused()
    {
        var (victim, _) = env.Browser();
        var (request, _) = await BundIdEnvironment.BeginAsync(victim);
        var response = await env.AnswerAsync(request);
        var (other, otherCookies) = env.Browser();
        using var acs = await BundIdEnvironment.PostAcsAsync(other, response);
        ((int)acs.StatusCode).ShouldBe(403);
        (await acs.Content.ReadAsStringAsync()).ShouldContain("Anmeldung nicht zuzuordnen");
        otherCookies.GetCookies(env.Server.BaseAddress)["egov.buerger"].ShouldBeNull();
    }

    [BundIdFact]
    public async Task Metadata_NamesEntityAcsAndBothCertificates()
    {
        using var http = new HttpClient { BaseAddress = env.Server.BaseAddress };
        using var response = await http.GetAsync("/saml/metadata");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/samlmetadata+xml");
        var doc = new XmlDocument();
        doc.LoadXml(await response.Content.ReadAsStringAsync());
        doc.DocumentElement!.GetAttribute("entityID").ShouldBe(new Uri(env.Server.BaseAddress, "saml/metadata").AbsoluteUri);
        var sp = (XmlElement)doc.GetElementsByTagName("SPSSODescriptor", "urn:oasis:names:tc:SAML:2.0:metadata")[0]!;
        sp.GetAttribute("AuthnRequestsSigned").ShouldBe("true");
        sp.GetAttribute("WantAssertionsSigned").ShouldBe("true");
        doc.GetElementsByTagName("KeyDescriptor", "urn:oasis:names:tc:SAML:2.0:metadata").Count.ShouldBe(2);
        ((XmlElement)doc.GetElementsByTagName("AssertionConsumerService", "urn:oasis:names:tc:SAML:2.0:metadata")[0]!).GetAttribute("Location")
            .ShouldBe(new Uri(env.Server.BaseAddress, "saml/acs").AbsoluteUri);
    }

    [BundIdFact]
    public async Task CitizenApi_RefusesStaff_AndTheAnonymous()
    {
        using var anonymous = new HttpClient { BaseAddress = env.Server.BaseAddress };
        (await anonymous.GetAsync("/api/citizen/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var identities = new Identities(env.Server);
        var token = await identities.ClientTokenAsync("staff-" + Guid.NewGuid().ToString("N")[..8], Identities.AllRoles, ["*"], ["*"]);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/citizen/me");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        (await anonymous.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "staff roles hold no citizen permission");
        using var page = await anonymous.GetAsync("/buerger");
        (await page.Content.ReadAsStringAsync()).ShouldContain("Mit BundID anmelden");
    }

    /// <summary>The refusal page, no session, and the assertion id not recorded (nothing stored).</summary>
    private async Task RefusedAsync(HttpClient client, CookieContainer cookies, string response, int status, string title, XmlDocument plain, bool checkAssertion = true)
    {
        using var acs = await BundIdEnvironment.PostAcsAsync(client, response);
        var html = await acs.Content.ReadAsStringAsync();
        ((int)acs.StatusCode).ShouldBe(status, html);
        html.ShouldContain(title);
        html.ShouldContain("Es wurden keine Daten gespeichert.");
        html.ShouldContain("lang=\"de\"");
        cookies.GetCookies(env.Server.BaseAddress)["egov.buerger"].ShouldBeNull();
        (await client.GetAsync("/api/citizen/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        if (checkAssertion)
        {
            var assertion = plain.DocumentElement!.ChildNodes.OfType<XmlElement>().FirstOrDefault(e => e.LocalName == "Assertion");
            if (assertion is not null)
            {
                var issuer = assertion.GetElementsByTagName("Issuer", Saml)[0]!.InnerText;
                (await env.Server.App.Services.GetRequiredService<SamlStateStore>().WasUsedAsync(issuer, assertion.GetAttribute("ID"))).ShouldBeFalse();
            }
        }
    }

    private static XmlElement Assertion(XmlDocument doc) => doc.DocumentElement!.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "Assertion");

    private static XmlElement Attribute(XmlElement assertion, string name) =>
        (XmlElement)assertion.GetElementsByTagName("Attribute", Saml).OfType<XmlElement>().First(a => a.GetAttribute("Name") == name)
            .GetElementsByTagName("AttributeValue", Saml)[0]!;
}

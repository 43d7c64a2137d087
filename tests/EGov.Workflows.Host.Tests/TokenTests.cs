using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EGov.Workflows.Identity;
using EGov.Workflows.Identity.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EGov.Workflows.Host.Tests;

/// <summary>Bearer tokens: only the provider's signed, current tokens for this API count; the tenant comes from the token.</summary>
public sealed class TokenTests
{
    [Fact]
    public async Task Token_FromClientCredentials_IsASignedJwtForThisApi_With30MinutesLifetime()
    {
        await using var s = await TestServer.StartAsync();
        var token = await s.Identities.ClientTokenAsync("kasse", ["worker"], ["06412000"], ["gebuehr-einziehen"]);
        var jwt = new JsonWebToken(token);
        jwt.Issuer.ShouldBe(s.BaseAddress.AbsoluteUri);
        jwt.Audiences.ShouldContain("egov-api");
        jwt.Subject.ShouldBe("kasse");
        (jwt.ValidTo - jwt.IssuedAt).ShouldBe(TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(5));
        jwt.GetClaim("tenant").Value.ShouldBe("06412000");
    }

    [Fact]
    public async Task ForgedSignature_Is401()
    {
        await using var s = await TestServer.StartAsync();
        var token = await s.Identities.ClientTokenAsync("leser", ["auditor"]);
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"leser\"", "\"admin\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        (await GetAsync(s, forged, "api/process-definitions")).ShouldBe(HttpStatusCode.Unauthorized);
        (await GetAsync(s, token, "api/process-definitions")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ForeignIssuer_Expired_WrongAudience_OrForeignKey_Are401()
    {
        await using var s = await TestServer.StartAsync();
        var (ours, _) = await ServerKeys.LoadOrCreateAsync(s.Server.App.Services.GetRequiredService<IdentityDatabase>());
        var issuer = s.BaseAddress.AbsoluteUri;
        var now = DateTime.UtcNow;
        using var foreignRsa = RSA.Create(2048);
        var foreign = new RsaSecurityKey(foreignRsa) { KeyId = ours.KeyId };

        Sign(ours, issuer, "egov-api", now.AddMinutes(-1), now.AddMinutes(10)).ShouldNotBeNull();
        (await GetAsync(s, Sign(ours, issuer, "egov-api", now.AddMinutes(-1), now.AddMinutes(10)), "api/process-definitions")).ShouldBe(HttpStatusCode.OK, "the control: a token as the provider makes it");
        (await GetAsync(s, Sign(ours, "http://evil.example/", "egov-api", now.AddMinutes(-1), now.AddMinutes(10)), "api/process-definitions")).ShouldBe(HttpStatusCode.Unauthorized, "foreign issuer");
        (await GetAsync(s, Sign(ours, issuer, "egov-api", now.AddHours(-2), now.AddHours(-1)), "api/process-definitions")).ShouldBe(HttpStatusCode.Unauthorized, "expired");
        (await GetAsync(s, Sign(ours, issuer, "other-api", now.AddMinutes(-1), now.AddMinutes(10)), "api/process-definitions")).ShouldBe(HttpStatusCode.Unauthorized, "audience");
        (await GetAsync(s, Sign(foreign, issuer, "egov-api", now.AddMinutes(-1), now.AddMinutes(10)), "api/process-definitions")).ShouldBe(HttpStatusCode.Unauthorized, "foreign key");
        (await GetAsync(s, "not-a-token", "api/process-definitions")).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TokenOfTenantA_AskingForTenantB_Is403_AndBsInstancesAreUnknownToA()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("antrag.bpmn", tenant: "B");
        var bInstance = await s.StartProcessAsync("Antrag", tenant: "B");
        var tokenA = await s.Identities.ClientTokenAsync("leser-a", ["auditor", "operator"], ["A"]);

        using var asB = new HttpRequestMessage(HttpMethod.Get, $"api/process-instances/{bInstance}");
        asB.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokenA);
        asB.Headers.Add("X-Tenant", "B");
        using var refused = await s.Anonymous.SendAsync(asB);
        (await TestServer.ShouldBeProblemAsync(refused, 403))["detail"]!.GetValue<string>().ShouldNotContain(bInstance);

        (await GetAsync(s, tokenA, $"api/process-instances/{bInstance}")).ShouldBe(HttpStatusCode.NotFound);
        (await GetAsync(s, tokenA, "api/process-instances/nope")).ShouldBe(HttpStatusCode.NotFound, "the same answer as for an id that never existed");
        var me = await GetJsonAsync(s, tokenA, "api/me");
        me["tenant"]!.GetValue<string>().ShouldBe("A");
    }

    [Fact]
    public async Task DisabledClient_GetsNoMoreTokens()
    {
        await using var s = await TestServer.StartAsync();
        var secret = await s.Identities.CreateClientAsync("alt", ["auditor"]);
        (await s.Identities.TokenAsync("alt", secret)).ShouldNotBeNullOrEmpty();
        using (var scope = s.Server.App.Services.CreateScope())
            (await scope.ServiceProvider.GetRequiredService<Identity.Clients.ClientStore>().SetDisabledAsync("alt", true)).ShouldBeTrue();
        using var http = new HttpClient { BaseAddress = s.BaseAddress };
        using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "alt", ["client_secret"] = secret,
        }));
        ((int)response.StatusCode).ShouldBeOneOf(400, 401, 403);
    }

    private static string Sign(SecurityKey key, string issuer, string audience, DateTime notBefore, DateTime expires) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, NotBefore = notBefore, IssuedAt = notBefore, Expires = expires, TokenType = "at+jwt",
            Subject = new ClaimsIdentity([new Claim("sub", "mallory"), new Claim("role", "auditor")]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });

    private static async Task<HttpStatusCode> GetAsync(TestServer s, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await s.Anonymous.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<JsonNode> GetJsonAsync(TestServer s, string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await s.Anonymous.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}

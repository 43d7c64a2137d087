using System.Net;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Security;

namespace EGov.Workflows.Host.Tests;

/// <summary>The web sign-in through the embedded provider (code flow with PKCE, server-side session), sign-out, CSRF.</summary>
public sealed class SignInTests
{
    [Fact]
    public async Task Person_SignsInThroughTheCodeFlow_AndMeSaysWhoItIs()
    {
        await using var s = await TestServer.StartAsync();
        var erika = await s.Identities.PersonAsync("erika", ["clerk"], ["buergerbuero", "kfz"], "06412000");
        var me = JsonNode.Parse(await erika.GetStringAsync("/api/me"))!;
        me["id"]!.GetValue<string>().ShouldBe("erika");
        me["displayName"]!.GetValue<string>().ShouldBe("ERIKA");
        me["kind"]!.GetValue<string>().ShouldBe("Person");
        me["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["clerk"]);
        me["groups"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["buergerbuero", "kfz"], ignoreOrder: true);
        me["tenant"]!.GetValue<string>().ShouldBe("06412000");
    }

    [Fact]
    public async Task Session_CookieIsHttpOnlyAndLax_AndHoldsNoToken()
    {
        await using var s = await TestServer.StartAsync();
        await s.Identities.CreatePersonAsync("erika", ["clerk"]);
        var (http, cookies) = s.Identities.Browser();
        using var _ = await s.Identities.SignInAsync(http, cookies, "erika", Identities.Password);
        var session = cookies.GetCookies(s.BaseAddress)["egov.session"];
        session.ShouldNotBeNull();
        session.HttpOnly.ShouldBeTrue();
        session.Value.Length.ShouldBeLessThan(600, "the cookie holds a session id, not the tokens");
        cookies.GetCookies(s.BaseAddress)[Csrf.CookieName]!.HttpOnly.ShouldBeFalse();
    }

    [Fact]
    public async Task WrongPassword_SendsBackToTheSignInPageWithAnError_AndNoSession()
    {
        await using var s = await TestServer.StartAsync();
        await s.Identities.CreatePersonAsync("erika", ["clerk"]);
        var (http, cookies) = s.Identities.Browser();
        using var response = await s.Identities.SignInAsync(http, cookies, "erika", "falsch-falsch-falsch");
        response.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/anmelden");
        response.RequestMessage.RequestUri.Query.ShouldContain("fehler=1");
        (await http.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_EvenTheRightOneIsRefusedThen()
    {
        await using var s = await TestServer.StartAsync();
        await s.Identities.CreatePersonAsync("erika", ["clerk"]);
        var (http, cookies) = s.Identities.Browser();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await s.Identities.SignInAsync(http, cookies, "erika", $"falsch-falsch-{i}");
            wrong.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/anmelden");
        }
        using var right = await s.Identities.SignInAsync(http, cookies, "erika", Identities.Password);
        right.RequestMessage!.RequestUri!.Query.ShouldContain("fehler=gesperrt");
        (await http.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SignInAttempts_PastTheLimitPerMinuteFromOneAddress_AreRefused_EvenWithTheRightPassword()
    {
        await using var s = await TestServer.StartAsync(configure: o => o with { SignInAttemptsPerMinute = 3 });
        foreach (var name in new[] { "anna", "bernd", "carla", "dieter" }) await s.Identities.CreatePersonAsync(name, ["clerk"]);
        var (http, cookies) = s.Identities.Browser();
        // Three people tried from one address (another account each, so no account is locked): the form answers them.
        foreach (var name in new[] { "anna", "bernd", "carla" })
        {
            using var wrong = await s.Identities.SignInAsync(http, cookies, name, "falsch-falsch-falsch");
            wrong.RequestMessage!.RequestUri!.Query.ShouldContain("fehler=1");
        }
        // The fourth within the minute is not checked at all: guessing passwords across accounts is slowed down.
        using var fourth = await s.Identities.SignInAsync(http, cookies, "dieter", Identities.Password);
        fourth.RequestMessage!.RequestUri!.Query.ShouldContain("fehler=zuviele");
        (await http.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task OneTimePassword_MustBeReplacedAtTheFirstSignIn_ThenTheNewOneWorks()
    {
        await using var s = await TestServer.StartAsync();
        var oneTime = await s.Identities.CreatePersonAsync("erika", ["clerk"], oneTime: true);
        oneTime.ShouldNotBeNull();
        var (http, cookies) = s.Identities.Browser();
        using var asked = await s.Identities.SignInAsync(http, cookies, "erika", oneTime);
        asked.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/anmelden/passwort");
        var page = await asked.Content.ReadAsStringAsync();
        page.ShouldContain("Neues Passwort");
        var back = System.Web.HttpUtility.ParseQueryString(asked.RequestMessage.RequestUri.Query)["ReturnUrl"]!;
        var csrf = cookies.GetCookies(s.BaseAddress)[Csrf.CookieName]!.Value;

        using var mismatch = await http.PostAsync("/anmelden/passwort", Form(("neu", "ein-neues-Passwort-9"), ("wiederholung", "anders-als-oben-9"), ("ReturnUrl", back), (Csrf.FormField, csrf)));
        (await mismatch.Content.ReadAsStringAsync()).ShouldContain("stimmen nicht überein");

        using var done = await http.PostAsync("/anmelden/passwort", Form(("neu", "ein-neues-Passwort-9"), ("wiederholung", "ein-neues-Passwort-9"), ("ReturnUrl", back), (Csrf.FormField, csrf)));
        ((int)done.StatusCode).ShouldBe(200, await done.Content.ReadAsStringAsync());
        done.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/api/me");

        var (other, otherCookies) = s.Identities.Browser();
        using var again = await s.Identities.SignInAsync(other, otherCookies, "erika", "ein-neues-Passwort-9");
        again.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/api/me");
    }

    [Fact]
    public async Task SignOut_EndsTheSession_TheOldCookieIsWorthlessAfterwards()
    {
        await using var s = await TestServer.StartAsync();
        await s.Identities.CreatePersonAsync("erika", ["clerk"]);
        var (http, cookies) = s.Identities.Browser();
        using var _ = await s.Identities.SignInAsync(http, cookies, "erika", Identities.Password);
        var stolen = cookies.GetCookies(s.BaseAddress)["egov.session"]!.Value;

        using var signedOut = await http.PostAsync("/abmelden", new FormUrlEncodedContent([]));
        signedOut.RequestMessage!.RequestUri!.PathAndQuery.ShouldBe("/anmelden?abgemeldet=1");
        (await http.GetAsync("/api/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        using var replay = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        replay.Headers.Add("Cookie", $"egov.session={stolen}");
        (await s.Anonymous.SendAsync(replay)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ChangeWithTheSessionCookie_WithoutTheCsrfToken_Is403()
    {
        await using var s = await TestServer.StartAsync();
        await s.Identities.CreatePersonAsync("erika", ["clerk"]);
        var (http, cookies) = s.Identities.Browser(sendCsrfHeader: false);
        using var _ = await s.Identities.SignInAsync(http, cookies, "erika", Identities.Password);
        using var missing = await http.PutAsync("/api/me/settings", System.Net.Http.Json.JsonContent.Create(new { emailOnAssignment = false }));
        (await TestServer.ShouldBeProblemAsync(missing, 403))["detail"]!.GetValue<string>().ShouldContain("CSRF");

        using var wrong = new HttpRequestMessage(HttpMethod.Put, "/api/me/settings") { Content = System.Net.Http.Json.JsonContent.Create(new { emailOnAssignment = false }) };
        wrong.Headers.Add(Csrf.HeaderName, "not-the-cookie");
        await TestServer.ShouldBeProblemAsync(await http.SendAsync(wrong), 403);

        using var right = new HttpRequestMessage(HttpMethod.Put, "/api/me/settings") { Content = System.Net.Http.Json.JsonContent.Create(new { emailOnAssignment = true, email = "erika@stadt.de" }) };
        right.Headers.Add(Csrf.HeaderName, cookies.GetCookies(s.BaseAddress)[Csrf.CookieName]!.Value);
        (await http.SendAsync(right)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        JsonNode.Parse(await http.GetStringAsync("/api/me"))!["email"]!.GetValue<string>().ShouldBe("erika@stadt.de");
    }

    [Fact]
    public async Task SignInForm_WithoutTheCsrfField_IsRefused()
    {
        await using var s = await TestServer.StartAsync();
        await s.Identities.CreatePersonAsync("erika", ["clerk"]);
        using var response = await s.Anonymous.PostAsync("/anmelden", Form(("username", "erika"), ("password", Identities.Password), ("ReturnUrl", "/aufgaben")));
        await TestServer.ShouldBeProblemAsync(response, 403);
    }

    [Fact]
    public async Task SignIn_SendsOnlyToLocalAddresses()
    {
        await using var s = await TestServer.StartAsync();
        SignInEndpoints.LocalUrl("https://evil.example/").ShouldBeNull();
        SignInEndpoints.LocalUrl("//evil.example/").ShouldBeNull();
        SignInEndpoints.LocalUrl("/\\evil.example/").ShouldBeNull();
        SignInEndpoints.LocalUrl("/aufgaben?view=group").ShouldBe("/aufgaben?view=group");
    }

    [Fact]
    public async Task Page_WithoutSession_RedirectsIntoSignIn_AndApiAnswers401Problem()
    {
        await using var s = await TestServer.StartAsync();
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = s.BaseAddress };
        using var page = await noRedirect.GetAsync("/aufgaben?view=group");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldBe("/signin?returnUrl=%2Faufgaben%3Fview%3Dgroup");
        using var api = await noRedirect.GetAsync("/api/process-definitions");
        await TestServer.ShouldBeProblemAsync(api, 401);
        api.Headers.WwwAuthenticate.ToString().ShouldContain("Bearer");
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));
}

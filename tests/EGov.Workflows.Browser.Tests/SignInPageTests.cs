using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>The embedded provider's sign-in page (/anmelden) and the accessibility statement: public pages.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInPageTests(BrowserFixture fixture)
{
    [BrowserFact]
    public async Task SignInPage_HasLabelledFields_AndTheAnmeldenButton_AndIsAxeClean()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/anmelden?ReturnUrl=%2Faufgaben%3Fview%3Dgroup");

        var user = page.GetByLabel("Benutzername", new() { Exact = true });
        var password = page.GetByLabel("Passwort", new() { Exact = true });
        await Expect(user).ToBeVisibleAsync();
        await Expect(user).ToHaveAttributeAsync("name", "username");
        await Expect(user).ToHaveAttributeAsync("autocomplete", "username");
        await Expect(password).ToHaveAttributeAsync("type", "password");
        await Expect(password).ToHaveAttributeAsync("name", "password");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true })).ToBeVisibleAsync();
        await Expect(page.Locator("form input[name=ReturnUrl]")).ToHaveValueAsync("/aufgaben?view=group");
        await Expect(page.Locator("form input[name=__RequestVerificationToken]")).ToHaveCountAsync(1);
        await Expect(page).ToHaveTitleAsync("Anmelden – EGov Workflows");
        (await page.GetAttributeAsync("html", "lang")).ShouldBe("de");
        await page.ShouldHaveNoSeriousViolationsAsync();
    }

    [BrowserFact]
    public async Task SignInPage_AfterAFailedAttempt_SaysSoInAnAlert_AndMarksTheFields()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/anmelden?fehler=1&ReturnUrl=%2Faufgaben");

        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Benutzername oder Passwort ist falsch.");
        await Expect(page.GetByLabel("Benutzername", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await page.ShouldHaveNoSeriousViolationsAsync();
    }

    [BrowserFact]
    public async Task SignInForm_PostsNameAndPasswordWithTheCsrfFieldFromTheCookie()
    {
        var page = await fixture.NewPageAsync();
        await page.Context.AddCookiesAsync([new Cookie { Name = "XSRF-TOKEN", Value = "token-123", Url = fixture.BaseAddress.ToString() }]);
        string? posted = null;
        await page.RouteAsync("**/anmelden", async route =>
        {
            if (route.Request.Method != "POST") { await route.ContinueAsync(); return; }
            posted = route.Request.PostData;
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/plain", Body = "ok" });
        });
        await page.GotoAsync("/anmelden?ReturnUrl=%2Faufgaben");
        await page.GetByLabel("Benutzername", new() { Exact = true }).FillAsync("erika");
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync("geheim");
        await page.GetByLabel("Passwort", new() { Exact = true }).PressAsync("Enter");

        await Expect(page.Locator("body")).ToHaveTextAsync("ok");
        var fields = System.Web.HttpUtility.ParseQueryString(posted ?? "");
        fields["username"].ShouldBe("erika");
        fields["password"].ShouldBe("geheim");
        fields["ReturnUrl"].ShouldBe("/aufgaben");
        fields["__RequestVerificationToken"].ShouldBe("token-123");
    }

    [BrowserFact]
    public async Task SignInPage_AfterTooManyWrongPasswords_SaysTheAccountIsLocked()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/anmelden?fehler=gesperrt&ReturnUrl=%2Faufgaben");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("für 5 Minuten gesperrt");
    }

    [BrowserFact]
    public async Task Clerk_OpensThePostkorb_IsSentToSignIn_AndComesBackSignedIn()
    {
        var accounts = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<EGov.Workflows.Identity.Accounts.AccountStore>(fixture.Server.App.Services);
        var name = $"erika{Guid.NewGuid():N}"[..12];
        await accounts.CreateAsync(new(name, "Erika Muster", ["clerk"], ["buergerbuero"], []), "ein-langes-Passwort-1");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/aufgaben");
        await Expect(page).ToHaveURLAsync(new Regex("/anmelden\\?ReturnUrl="));
        await page.GetByLabel("Benutzername", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync("ein-langes-Passwort-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/aufgaben$"));
        (await page.Context.CookiesAsync()).Single(c => c.Name == "egov.session").HttpOnly.ShouldBeTrue();
        (await page.EvaluateAsync<string>("document.cookie")).ShouldNotContain("egov.session");
    }

    [BrowserFact]
    public async Task SkipLink_IsTheFirstTabStop_AndMovesFocusToTheMainContent()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/barrierefreiheit");
        await page.Keyboard.PressAsync("Tab");
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Zum Inhalt springen" });
        await Expect(skip).ToBeFocusedAsync();
        await Expect(skip).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("main#inhalt")).ToBeFocusedAsync();
    }

    [BrowserFact]
    public async Task AccessibilityStatement_IsPublic_LinkedFromTheFooter_AndAxeClean()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/anmelden");
        await page.GetByRole(AriaRole.Link, new() { Name = "Erklärung zur Barrierefreiheit" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/barrierefreiheit$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Erklärung zur Barrierefreiheit");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Feedback und Kontakt" })).ToBeVisibleAsync();
        await page.ShouldHaveNoSeriousViolationsAsync();
    }

    [BrowserFact]
    public async Task FocusedControls_ShowAVisibleFocusIndicator()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/anmelden");
        await page.Keyboard.PressAsync("Tab");
        var button = page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true });
        await button.FocusAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Tab");
        await Expect(button).ToBeFocusedAsync();
        var outline = await button.EvaluateAsync<string>("b => getComputedStyle(b).outlineStyle + ' ' + getComputedStyle(b).outlineWidth");
        outline.ShouldNotStartWith("none");
        outline.ShouldNotEndWith(" 0px");
    }
}

using System.Text.RegularExpressions;
using EGov.Workflows.Identity.Accounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// A new member of staff with the given roles and groups on the server under test, signed in through the sign-in form on
/// the way to a page, in a fresh browser context (the Mobilfunk overview's and the day view's tests start from here).
/// </summary>
internal static class Staff
{
    public const string Password = "ein-langes-Passwort-1";

    public static string NewName(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..12];

    public static async Task<IPage> SignedInAsync(BrowserFixture fixture, string name, string[] roles, string[] groups, string path)
    {
        await fixture.Server.App.Services.GetRequiredService<AccountStore>().CreateAsync(new NewAccount(name, "Person " + name, roles, groups, []), Password);
        var page = await fixture.NewPageAsync();
        page.Context.SetDefaultTimeout(30_000);
        page.Context.SetDefaultNavigationTimeout(60_000);
        await page.GotoAsync(path);
        await page.GetByLabel("Benutzername", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Passwort", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Anmelden", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(path.Split('?')[0])));
        return page;
    }
}

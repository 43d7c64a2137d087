using Microsoft.Playwright;

namespace EGov.Workflows.Browser.Tests;

/// <summary>With EGOV_SCREENSHOTS=DIR the tests leave full-page screenshots of what they saw there, for a person to look at.</summary>
public static class Screenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("EGOV_SCREENSHOTS") is not { Length: > 0 } dir) return;
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }
}

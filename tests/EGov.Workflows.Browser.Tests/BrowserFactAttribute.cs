namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// A test in real headless Chromium. Skipped, with the reason, on a machine without Debian's chromium or without
/// npm to build the pages (./test.sh installs chromium); it never downloads a browser.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium.ExecutablePath))
            Skip = $"Chromium is not installed at {Chromium.ExecutablePath} (./test.sh installs the Debian package chromium)";
        else if (!Repository.NpmAvailable && !File.Exists(Path.Combine(Repository.WebDirectory, "pages", "aufgaben.html")))
            Skip = "npm is not installed, so the web pages (src/Designer) cannot be built";
    }
}

/// <summary>A test that needs the built web pages but no browser.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class WebFactAttribute : FactAttribute
{
    public WebFactAttribute()
    {
        if (!Repository.NpmAvailable && !File.Exists(Path.Combine(Repository.WebDirectory, "pages", "aufgaben.html")))
            Skip = "npm is not installed, so the web pages (src/Designer) cannot be built";
    }
}

using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace EGov.Workflows.Browser.Tests;

/// <summary>axe-core on a page as it is now: no violation of impact "serious" or "critical" (WCAG 2.1 A and AA rules).</summary>
public static class Accessibility
{
    private static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

    public static async Task ShouldHaveNoSeriousViolationsAsync(this IPage page, string? what = null)
    {
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. Tags] } });
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        serious.ShouldBeEmpty($"axe-core on {what ?? page.Url}:\n" + string.Join("\n", serious.Select(Describe)));
    }

    private static string Describe(AxeResultItem v) =>
        $"- {v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes.Take(5).Select(n => string.Join(" ", n.Target?.ToString() ?? "?") + " " + n.Html + " — " + string.Join("; ", (n.Any ?? []).Concat(n.All ?? []).Concat(n.None ?? []).Select(c => c.Message))));
}

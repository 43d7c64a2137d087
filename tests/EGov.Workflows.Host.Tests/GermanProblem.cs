using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests;

/// <summary>Asserts a German problem: status, the German title, a detail that names what was wrong, and no English in either.</summary>
public static class GermanProblem
{
    private static readonly string[] English = [" is ", " the ", " no ", " not ", "missing", "must ", "unknown", "Bad request", "Not found", "Conflict", "Forbidden", "Unauthorized", "lacks"];

    public static async Task<JsonNode> ShouldBeAsync(HttpResponseMessage response, int status, string title, params string[] detailContains)
    {
        var problem = await TestServer.ShouldBeProblemAsync(response, status);
        var t = problem["title"]!.GetValue<string>();
        var detail = problem["detail"]!.GetValue<string>();
        t.ShouldBe(title, detail);
        foreach (var part in detailContains) detail.ShouldContain(part, Case.Sensitive, $"detail: {detail}");
        foreach (var word in English)
        {
            t.ShouldNotContain(word, Case.Sensitive, $"title in English: {t}");
            detail.ShouldNotContain(word, Case.Sensitive, $"detail in English: {detail}");
        }
        return problem;
    }
}

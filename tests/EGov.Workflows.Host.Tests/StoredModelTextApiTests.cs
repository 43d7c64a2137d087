using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// A model deployed through the API onto a durable store is kept as the text that was sent (UTF-8): its comments and layout
/// stay in the store; the version's XML download is the model as the writer writes it, as before.
/// </summary>
public sealed class StoredModelTextApiTests
{
    [Fact]
    public async Task AModelDeployedOnSqlite_IsStoredAsSent_AndAnotherEncodingIsStoredAsWritten()
    {
        var dir = Path.Combine(Path.GetTempPath(), "egov-stored-text", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "egov.db");
        try
        {
            var sent = (await File.ReadAllTextAsync(TestServer.ModelPath("antrag.bpmn"))).Replace("<bpmn:process ", "<!-- vom Fachbereich -->\n\t<bpmn:process ", StringComparison.Ordinal)
                .Replace("<process ", "<!-- vom Fachbereich -->\n\t<process ", StringComparison.Ordinal);
            sent.ShouldContain("<!-- vom Fachbereich -->");
            await using (var s = await TestServer.StartAsync(store: $"sqlite:{file}"))
            {
                var deployed = await Deploy(s, "antrag.bpmn", Encoding.UTF8.GetBytes(sent));
                var (processId, version) = (deployed["processId"]!.GetValue<string>(), deployed["version"]!.GetValue<int>());
                Stored(file, processId, version).ShouldBe(sent);

                using var xml = await s.SendAsync(HttpMethod.Get, $"api/process-definitions/{processId}/versions/{version}/xml");
                ((int)xml.StatusCode).ShouldBe(200);
                (await xml.Content.ReadAsStringAsync()).ShouldContain("vom Fachbereich");

                // Latin-1 with its declaration: kept as the writer writes the model (a stored string's declaration would lie).
                var latin = sent.Replace("UTF-8", "ISO-8859-1", StringComparison.OrdinalIgnoreCase).Replace("vom Fachbereich", "vom Fachbereich (geändert)", StringComparison.Ordinal);
                latin.ShouldStartWith("<?xml");
                var second = await Deploy(s, "antrag.bpmn", Encoding.Latin1.GetBytes(latin));
                var stored = Stored(file, processId, second["version"]!.GetValue<int>());
                stored.ShouldNotContain("ISO-8859-1");
                stored.ShouldContain("vom Fachbereich (geändert)");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task<JsonNode> Deploy(TestServer s, string name, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        using var response = await s.Http.PostAsync($"api/deployments?name={name}", content);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(201, body);
        return JsonNode.Parse(body)!.AsArray().ShouldHaveSingleItem()!;
    }

    private static string Stored(string file, string processId, int version)
    {
        using var c = new SqliteConnection($"Data Source={file};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT bpmn_xml FROM deployments WHERE process_id = $p AND version = $v";
        cmd.Parameters.AddWithValue("$p", processId);
        cmd.Parameters.AddWithValue("$v", version);
        return cmd.ExecuteScalar() as string ?? throw new InvalidOperationException($"{processId} version {version} is not stored");
    }
}

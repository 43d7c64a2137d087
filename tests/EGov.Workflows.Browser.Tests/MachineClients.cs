using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using EGov.Workflows.Identity.Clients;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// A machine client of the server under test, signed in the way real workers and other systems are: a client created in
/// its store, then a bearer token from its own token endpoint (client credentials) — never a header the test sets itself.
/// </summary>
internal static class MachineClients
{
    public static async Task<HttpClient> SignedInAsync(IServiceProvider services, Uri baseAddress, string namePrefix, string[] roles, string[] topics)
    {
        var name = $"{namePrefix}-{Guid.NewGuid():N}"[..20];
        var secret = await services.GetRequiredService<ClientStore>().CreateAsync(name, roles, [], topics);
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var token = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = name, ["client_secret"] = secret,
        }));
        var body = await token.Content.ReadAsStringAsync();
        ((int)token.StatusCode).ShouldBe(200, body);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(body)!["access_token"]!.GetValue<string>());
        return http;
    }
}

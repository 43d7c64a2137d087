using EGov.Workflows.Identity;
using EGov.Workflows.Identity.Clients;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// Nodes of one store without a common public address each register their own sign-in callback with the web pages'
/// client at start, usually all at once. Every node's address must end up registered: a node whose address was lost to a
/// concurrent write had its sign-in refused by the provider (a cluster test's "could not sign in on any node").
/// </summary>
public sealed class WebClientRegistrationTests
{
    [Fact]
    public async Task NodesRegisteringAtTheSameMoment_AllKeepTheirCallbackAddress()
    {
        const int nodes = 6;
        var dir = Path.Combine(Path.GetTempPath(), "egov-web-client", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        using var database = IdentityDatabase.Open($"sqlite:{Path.Combine(dir, "egov.db")}");
        var providers = Enumerable.Range(0, nodes).Select(_ => new ServiceCollection().AddEGovIdentityStores(database).BuildServiceProvider()).ToList();
        try
        {
            using var start = new ManualResetEventSlim();
            var registrations = providers.Select((p, i) => Task.Run(async () =>
            {
                start.Wait();
                await ClientStore.EnsureWebClientAsync(p.GetRequiredService<IServiceScopeFactory>(),
                    [new Uri($"http://127.0.0.1:{5100 + i}/signin-oidc")], [new Uri($"http://127.0.0.1:{5100 + i}/anmelden?abgemeldet=1")]);
            })).ToList();
            start.Set();
            await Task.WhenAll(registrations);

            await using var scope = providers[0].CreateAsyncScope();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var web = await applications.FindByClientIdAsync(ClientStore.WebClientId);
            web.ShouldNotBeNull();
            var registered = await applications.GetRedirectUrisAsync(web);
            registered.Order().ShouldBe(Enumerable.Range(0, nodes).Select(i => $"http://127.0.0.1:{5100 + i}/signin-oidc").Order());
            (await applications.GetPostLogoutRedirectUrisAsync(web)).Length.ShouldBe(nodes);
        }
        finally
        {
            foreach (var p in providers) await p.DisposeAsync();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }
}

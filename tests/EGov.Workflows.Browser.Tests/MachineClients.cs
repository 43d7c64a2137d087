using EGov.Workflows.Host;
using EGov.Workflows.Host.Tests;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// A machine client of the server under test, signed in the way real workers and other systems are (the host tests'
/// <see cref="Identities"/>: a client created in its store, then a bearer token from its own token endpoint) — under a
/// name of its own, as the browser tests share one server.
/// </summary>
internal static class MachineClients
{
    public static Task<HttpClient> SignedInAsync(RunningServer server, string namePrefix, string[] roles, string[] topics) =>
        new Identities(server).ClientAsync($"{namePrefix}-{Guid.NewGuid():N}"[..20], roles, topics: topics);
}

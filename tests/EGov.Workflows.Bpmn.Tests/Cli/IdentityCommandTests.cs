using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EGov.Workflows.Host;

namespace EGov.Workflows.Bpmn.Tests.Cli;

/// <summary><c>egov users</c> and <c>egov clients</c> against the same --store as <c>egov serve</c>.</summary>
public sealed partial class IdentityCommandTests
{
    [Fact]
    public void UsersAdd_PrintsAOneTimePassword_AndAnExistingName_IsAClearError_Exit1()
    {
        using var folder = new TempFolder();
        var store = $"sqlite:{folder.Path}/egov.db";
        var add = CliRun.Of("users", "add", "erika", "--groups", "buergerbuero,kfz", "--roles", "clerk", "--tenant", "06412000", "--display-name", "Erika Muster", "--store", store);
        add.ExitCode.ShouldBe(0, add.Stderr);
        add.Stdout.ShouldContain("created 'erika'");
        OneTime().IsMatch(add.Stdout).ShouldBeTrue(add.Stdout);

        var again = CliRun.Of("users", "add", "Erika", "--roles", "clerk", "--store", store);
        again.ExitCode.ShouldBe(1);
        again.Stderr.ShouldContain("exists already");

        var list = CliRun.Of("users", "list", "--store", store);
        list.ExitCode.ShouldBe(0);
        list.Stdout.ShouldContain("erika");
        list.Stdout.ShouldContain("one-time");
        list.Stdout.ShouldContain("clerk / buergerbuero,kfz / 06412000");
        list.Stdout.ShouldNotContain("AQAAAA", Case.Sensitive); // never a hash

        CliRun.Of("users", "disable", "erika", "--store", store).ExitCode.ShouldBe(0);
        CliRun.Of("users", "list", "--store", store).Stdout.ShouldContain("disabled");
        CliRun.Of("users", "enable", "erika", "--store", store).ExitCode.ShouldBe(0);
        var password = CliRun.Of("users", "password", "erika", "--store", store);
        password.ExitCode.ShouldBe(0);
        password.Stdout.ShouldContain("one-time password");
        CliRun.Of("users", "disable", "niemand", "--store", store).ExitCode.ShouldBe(1);
    }

    [Fact]
    public void UnknownRole_OrMemoryStore_IsAUsageError()
    {
        using var folder = new TempFolder();
        var role = CliRun.Of("users", "add", "erika", "--roles", "gott", "--store", $"sqlite:{folder.Path}/egov.db");
        role.ExitCode.ShouldBe(2);
        role.Stderr.ShouldContain("unknown role");
        var memory = CliRun.Of("users", "list", "--store", "memory");
        memory.ExitCode.ShouldBe(2);
        memory.Stderr.ShouldContain("running server");
    }

    [Fact]
    public async Task ClientsAdd_PrintsTheSecretOnce_AndTheServerOnTheSameStoreIssuesItATokenThen()
    {
        using var folder = new TempFolder();
        var store = $"sqlite:{folder.Path}/egov.db";
        var add = CliRun.Of("clients", "add", "kasse-worker", "--roles", "worker", "--topics", "gebuehr-einziehen", "--store", store);
        add.ExitCode.ShouldBe(0, add.Stderr);
        var secret = Secret().Match(add.Stdout).Groups[1].Value;
        secret.Length.ShouldBeGreaterThan(30);
        CliRun.Of("clients", "add", "kasse-worker", "--roles", "worker", "--store", store).ExitCode.ShouldBe(1);
        var list = CliRun.Of("clients", "list", "--store", store);
        list.Stdout.ShouldContain("kasse-worker");
        list.Stdout.ShouldNotContain(secret);

        await using var server = await EGovServer.StartAsync(new ServeOptions { Urls = "http://127.0.0.1:0", Store = store, ProcessesDirectory = null });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var token = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "kasse-worker", ["client_secret"] = secret,
        }));
        var body = await token.Content.ReadAsStringAsync();
        ((int)token.StatusCode).ShouldBe(200, body);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", JsonNode.Parse(body)!["access_token"]!.GetValue<string>());
        var me = JsonNode.Parse(await http.GetStringAsync("api/me"))!;
        me["id"]!.GetValue<string>().ShouldBe("kasse-worker");
        me["kind"]!.GetValue<string>().ShouldBe("Client");

        CliRun.Of("clients", "disable", "kasse-worker", "--store", store).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Serve_OnItsFirstStart_CreatesAdminWithAOneTimePassword_AndSaysHowToSignIn_OnlyOnce()
    {
        using var folder = new TempFolder();
        var store = $"sqlite:{folder.Path}/egov.db";
        string First()
        {
            using var banner = new StringWriter();
            var options = new ServeOptions { Urls = "http://127.0.0.1:0", Store = store, ProcessesDirectory = null, Out = banner };
            var server = EGovServer.StartAsync(options).GetAwaiter().GetResult();
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return banner.ToString();
        }
        var first = First();
        first.ShouldContain("/anmelden");
        first.ShouldContain("account 'admin', one-time password ");
        var second = First();
        second.ShouldContain("/anmelden");
        second.ShouldNotContain("one-time password");
        var list = CliRun.Of("users", "list", "--store", store);
        list.Stdout.ShouldContain("admin");
        await Task.CompletedTask;
    }

    [GeneratedRegex(@"one-time password: (\S{16})")]
    private static partial Regex OneTime();

    [GeneratedRegex(@"secret: (\S+)")]
    private static partial Regex Secret();
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EGov.Workflows.Activities.FitConnect;
using EGov.Workflows.Host.Inbox;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Simulators;
using Jose;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// FIT-Connect as a start trigger in a running server, against the FIT-Connect simulator: a submission to the tenant's
/// destination starts the process whose message start event is named after the Leistung (data as variables, attachments in
/// the case file) and is accepted in its event log; a second one of the same FIT-Connect case is correlated to it; a
/// tampered one is rejected and starts nothing; a lost confirmation starts nothing twice; a Leistung without a process
/// stays waiting.
/// </summary>
public sealed class FitConnectInboxTests : IAsyncLifetime
{
    private static readonly string MetadataSchema = FitConnectSimulator.FindCorpusMetadataSchema()
        ?? throw new InvalidOperationException("the metadata schema of ../shared/corpora/fit-connect is not there");
    private static readonly RSA SigningKey = RSA.Create(2048);
    private FitConnectSimulator _fc = null!;
    private string _folder = null!;
    private TestServer _s = null!;

    public async Task InitializeAsync()
    {
        _fc = FitConnectSimulator.Start(MetadataSchema);
        _folder = Directory.CreateTempSubdirectory("egov-fitconnect-inbox-").FullName;
        var decryption = Path.Combine(_folder, "decryption.jwk.json");
        await File.WriteAllTextAsync(decryption, FitConnectSubscriber.PrivateJwk(_fc.PrivateKey, _fc.Kid, "RSA-OAEP-256", "unwrapKey").ToJsonString());
        var signing = Path.Combine(_folder, "signing.jwk.json");
        await File.WriteAllTextAsync(signing, FitConnectSubscriber.PrivateJwk(SigningKey, "sig-1", "PS512", "sign").ToJsonString());
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Packs:FitConnect:TokenUrl"] = _fc.TokenUrl, ["Packs:FitConnect:SubmissionApiUrl"] = _fc.BaseUrl,
            ["Packs:FitConnect:ClientId"] = _fc.ClientId, ["Packs:FitConnect:ClientSecret"] = _fc.ClientSecret,
            ["Packs:FitConnect:MetadataSchema"] = MetadataSchema, ["Packs:FitConnect:RetryDelayMilliseconds"] = "1",
            ["Packs:FitConnect:DestinationId"] = _fc.DestinationId, ["Packs:FitConnect:DecryptionKeyFile"] = decryption,
            ["Packs:FitConnect:SigningKeyFile"] = signing, ["Packs:FitConnect:SigningKid"] = "sig-1",
            ["Packs:FitConnect:PollSeconds"] = "0", // the test polls itself
        }).Build();
        _s = await TestServer.StartAsync(configure: o => o with { Configuration = configuration });
    }

    public async Task DisposeAsync()
    {
        await _s.DisposeAsync();
        await _fc.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private FitConnectInbox Inbox => _s.Server.App.Services.GetRequiredService<FitConnectInbox>();

    private async Task<JsonObject> SendAsync(string kennzeichen, string? caseId = null, bool withAttachment = true)
    {
        var variables = new JsonObject
        {
            ["zustellpunkt"] = _fc.DestinationId,
            ["antrag"] = new JsonObject { ["name"] = "Erika Mustermann", ["kennzeichen"] = kennzeichen },
        };
        if (withAttachment)
            variables["anlagen"] = new JsonArray(new JsonObject { ["name"] = "Fahrzeugschein.pdf", ["contentType"] = "application/pdf", ["inhalt"] = Convert.ToBase64String("%PDF-1.7 Fahrzeugschein"u8.ToArray()) });
        if (caseId is not null) variables["caseId"] = caseId;
        var id = await _s.StartProcessAsync("Process_Senden", new { variables });
        var sent = await _s.WaitForStateAsync(id, "completed");
        return sent["variables"]!["fitconnect"]!.AsObject();
    }

    private JsonObject Event(string caseId, int index)
    {
        var set = _fc.Events(caseId)[index];
        return JsonNode.Parse(JWT.Decode(set, SigningKey, JwsAlgorithm.PS512))!.AsObject();
    }

    [Fact]
    public async Task A_submission_starts_the_case_with_its_data_and_attachments_and_is_accepted_a_second_of_its_case_is_correlated()
    {
        await _s.DeployAsync("fitconnect-inbox.bpmn");
        var first = await SendAsync("DA-EM 123");

        var report = await Inbox.PollAsync("default", default);
        report.ShouldBe(InboxReport.Empty with { Started = 1 });
        var caseId = first["caseId"]!.GetValue<string>();
        var instanceId = FitConnectInbox.InstanceId("default", first["submissionId"]!.GetValue<string>());
        var instance = await _s.InstanceAsync(instanceId);
        instance["state"]!.GetValue<string>().ShouldBe("running", instance.ToJsonString());
        instance["variables"]!["antrag"]!["kennzeichen"]!.GetValue<string>().ShouldBe("DA-EM 123");
        instance["variables"]!["fitconnect"]!["caseId"]!.GetValue<string>().ShouldBe(caseId);
        instance["variables"]!["fitconnect"]!["anlagen"]![0]!["name"]!.GetValue<string>().ShouldBe("Fahrzeugschein.pdf");
        var files = _s.Server.App.Services.GetRequiredService<PostkorbServices>().Data.Attachments("default", instanceId);
        var file = files.ShouldHaveSingleItem();
        file.Name.ShouldBe("Fahrzeugschein.pdf");
        file.ContentType.ShouldBe("application/pdf");
        file.UserId.ShouldBe(FitConnectInbox.UserId);
        Event(caseId, 0)["events"]!.AsObject().ShouldContainKey(FitConnectSubscriber.EventPrefix + "accept-submission");
        _fc.Waiting.ShouldBeEmpty();

        // A Nachreichung in the same FIT-Connect case goes to the waiting case, not into a new one.
        var second = await SendAsync("DA-EM 124", caseId, withAttachment: false);
        second["caseId"]!.GetValue<string>().ShouldBe(caseId);
        (await Inbox.PollAsync("default", default)).ShouldBe(InboxReport.Empty with { Correlated = 1 });
        var after = await _s.InstanceAsync(instanceId);
        after["variables"]!["antrag"]!["kennzeichen"]!.GetValue<string>().ShouldBe("DA-EM 124");
        (await _s.GetJsonAsync($"api/process-instances/{instanceId}/history")).AsArray()
            .Select(h => h!["elementId"]!.GetValue<string>()).ShouldContain("Catch_Nachreichung");
        _s.Server.Engines.Get("default").Engine.OpenUserTasks(instanceId).ShouldHaveSingleItem().Name.ShouldBe("Antrag prüfen");
        _fc.Events(caseId).Count.ShouldBe(2);

        // Nothing left: another poll does nothing.
        (await Inbox.PollAsync("default", default)).ShouldBe(InboxReport.Empty);
    }

    [Fact]
    public async Task A_lost_confirmation_starts_nothing_twice_the_submission_is_accepted_again()
    {
        await _s.DeployAsync("fitconnect-inbox.bpmn");
        var sent = await SendAsync("DA-EM 200");
        (await Inbox.PollAsync("default", default)).Started.ShouldBe(1);

        _fc.ForgetConfirmation(sent["submissionId"]!.GetValue<string>()); // as if the node had stopped before the accept arrived
        (await Inbox.PollAsync("default", default)).ShouldBe(InboxReport.Empty with { Started = 1 });

        var instanceId = FitConnectInbox.InstanceId("default", sent["submissionId"]!.GetValue<string>());
        var attachments = _s.Server.App.Services.GetRequiredService<PostkorbServices>().Data.Attachments("default", instanceId);
        attachments.Count.ShouldBe(1);
        _fc.Events(sent["caseId"]!.GetValue<string>()).Count.ShouldBe(2); // accepted twice, started once
        _fc.Waiting.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_tampered_submission_is_rejected_with_the_reason_and_starts_nothing()
    {
        await _s.DeployAsync("fitconnect-inbox.bpmn");
        var sent = await SendAsync("DA-EM 300");
        var submissionId = sent["submissionId"]!.GetValue<string>();
        _fc.ReplaceEncryptedData(submissionId, Jwe.Encrypt("{\"kennzeichen\":\"XX-XX 999\"}"u8.ToArray(), _fc.PublicJwk, "application/json"));

        (await Inbox.PollAsync("default", default)).ShouldBe(InboxReport.Empty with { Rejected = 1 });

        var reject = Event(sent["caseId"]!.GetValue<string>(), 0)["events"]![FitConnectSubscriber.EventPrefix + "reject-submission"]!;
        reject["problems"]![0]!["detail"]!.GetValue<string>().ShouldContain("Hashwert der Fachdaten");
        await _s.GetJsonAsync($"api/process-instances/{FitConnectInbox.InstanceId("default", submissionId)}", expectedStatus: 404);
        _fc.Submissions.Single(x => x.SubmissionId == submissionId).Status.ShouldBe("rejected"); // still there, fetchable by its id
    }

    [Fact]
    public async Task A_submission_for_a_Leistung_no_process_starts_with_stays_waiting()
    {
        var sent = await SendAsyncWithoutInboxModel();
        (await Inbox.PollAsync("default", default)).ShouldBe(InboxReport.Empty with { Waiting = 1 });
        _fc.Waiting.ShouldHaveSingleItem().SubmissionId.ShouldBe(sent);
        _fc.Events(_fc.Waiting[0].CaseId).ShouldBeEmpty();
    }

    private async Task<string> SendAsyncWithoutInboxModel()
    {
        await _s.DeployAsync("fitconnect-send-only.bpmn");
        var id = await _s.StartProcessAsync("Process_Senden", new { variables = new JsonObject
        {
            ["zustellpunkt"] = _fc.DestinationId, ["antrag"] = new JsonObject { ["kennzeichen"] = "DA-EM 400" },
        } });
        var sent = await _s.WaitForStateAsync(id, "completed");
        return sent["variables"]!["fitconnect"]!["submissionId"]!.GetValue<string>();
    }

    [Fact]
    public void Receiving_settings_that_are_missing_are_named()
    {
        FitConnectInbox.Missing(new FitConnectOptions(), "06412000")!.ShouldContain("Packs:FitConnect:TokenUrl (or, for tenant '06412000' only, Tenants:06412000:FitConnect:TokenUrl)");
        FitConnectInbox.Missing(new FitConnectOptions
        {
            TokenUrl = "http://127.0.0.1/token", SubmissionApiUrl = "http://127.0.0.1", ClientId = "c", ClientSecret = "s", DestinationId = Guid.NewGuid().ToString(),
        }, "default")!.ShouldContain("Packs:FitConnect:DecryptionKeyFile");
    }
}

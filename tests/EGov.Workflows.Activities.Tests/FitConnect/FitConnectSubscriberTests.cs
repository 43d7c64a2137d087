using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Activities.FitConnect;
using EGov.Workflows.Simulators;
using Jose;
using Microsoft.Extensions.DependencyInjection;

namespace EGov.Workflows.Activities.Tests.FitConnect;

/// <summary>The receiving side against the FIT-Connect simulator: list, fetch, decrypt, check, and confirm through the event log with a signed SET.</summary>
public sealed class FitConnectSubscriberTests : IAsyncLifetime
{
    private static readonly string MetadataSchema = FitConnectSimulator.FindCorpusMetadataSchema()
        ?? throw new InvalidOperationException("the metadata schema of ../shared/corpora/fit-connect is not there");
    private static readonly RSA SigningKey = RSA.Create(2048);
    private FitConnectSimulator _fc = null!;
    private string _folder = null!;
    private FitConnectOptions _options = null!;
    private FitConnectSubscriber _subscriber = null!;

    public Task InitializeAsync()
    {
        _fc = FitConnectSimulator.Start(MetadataSchema);
        _folder = Directory.CreateTempSubdirectory("egov-fitconnect-").FullName;
        var decryption = Path.Combine(_folder, "decryption.jwk.json");
        File.WriteAllText(decryption, FitConnectSubscriber.PrivateJwk(_fc.PrivateKey, _fc.Kid, "RSA-OAEP-256", "unwrapKey").ToJsonString());
        var signing = Path.Combine(_folder, "signing.jwk.json");
        File.WriteAllText(signing, FitConnectSubscriber.PrivateJwk(SigningKey, "sig-1", "PS512", "sign").ToJsonString());
        _options = new FitConnectOptions
        {
            TokenUrl = _fc.TokenUrl, SubmissionApiUrl = _fc.BaseUrl, ClientId = _fc.ClientId, ClientSecret = _fc.ClientSecret,
            MetadataSchema = MetadataSchema, DestinationId = _fc.DestinationId, DecryptionKeyFile = decryption, SigningKeyFile = signing,
            SigningKid = "sig-1", RetryDelayMilliseconds = 1,
        };
        var services = new ServiceCollection();
        services.AddHttpClient(SubmissionApi.ClientName);
        services.AddSingleton<SubmissionApi>();
        services.AddSingleton<FitConnectSubscriber>();
        _subscriber = services.BuildServiceProvider().GetRequiredService<FitConnectSubscriber>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _fc.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A submission sent the way fitconnect-send sends it (through the engine).</summary>
    private string Send()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Packs:FitConnect:TokenUrl"] = _fc.TokenUrl, ["Packs:FitConnect:SubmissionApiUrl"] = _fc.BaseUrl,
            ["Packs:FitConnect:ClientId"] = _fc.ClientId, ["Packs:FitConnect:ClientSecret"] = _fc.ClientSecret,
        };
        var engine = PackEngine.Create((s, c) => s.AddEgovFitConnect(c), settings, PackEngine.Clock(), "default", "FitConnect/FitConnectSendTests.bpmn");
        var id = engine.StartProcess("Process_FitConnectSend", new JsonObject
        {
            ["zustellpunkt"] = _fc.DestinationId,
            ["antrag"] = new JsonObject { ["name"] = "Erika Mustermann", ["kennzeichen"] = "DA-EM 123" },
            ["anlagen"] = new JsonArray(new JsonObject { ["name"] = "Fahrzeugschein.pdf", ["contentType"] = "application/pdf", ["inhalt"] = Convert.ToBase64String("%PDF-1.7 Fahrzeugschein"u8.ToArray()) }),
        });
        return engine.GetInstance(id).Variables["fitconnect"]!["submissionId"]!.GetValue<string>();
    }

    private JsonObject Event(string caseId, int index = 0)
    {
        var set = _fc.Events(caseId)[index];
        return JsonNode.Parse(JWT.Decode(set, SigningKey, JwsAlgorithm.PS512))!.AsObject(); // the signature verifies with the destination's signing key
    }

    [Fact]
    public async Task A_valid_submission_is_decrypted_checked_and_accepted_through_the_event_log()
    {
        var id = Send();

        var pending = (await _subscriber.PendingAsync(_options, default)).ShouldHaveSingleItem();
        pending.SubmissionId.ShouldBe(id);
        var receipt = (await _subscriber.ReceiveAsync(_options, id, default)).ShouldBeOfType<Receipt.Valid>();
        receipt.Data!["kennzeichen"]!.GetValue<string>().ShouldBe("DA-EM 123");
        receipt.ServiceIdentifier.ShouldBe("urn:de:fim:leika:leistung:99108001000000");
        var attachment = receipt.Attachments.ShouldHaveSingleItem();
        Encoding.UTF8.GetString(attachment.Content).ShouldBe("%PDF-1.7 Fahrzeugschein");
        attachment.Filename.ShouldBe("Fahrzeugschein.pdf");

        await _subscriber.AcceptAsync(_options, receipt.Submission, default);

        var set = Event(receipt.Submission.CaseId);
        set["events"]!.AsObject().ShouldContainKey("https://schema.fitko.de/fit-connect/events/accept-submission");
        set["sub"]!.GetValue<string>().ShouldBe($"submission:{id}");
        (await _subscriber.PendingAsync(_options, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Data_whose_hash_does_not_fit_the_metadata_is_rejected_with_the_reason_and_stays_fetchable()
    {
        var id = Send();
        _fc.ReplaceEncryptedData(id, Jwe.Encrypt("{\"kennzeichen\":\"XX-XX 999\"}"u8.ToArray(), _fc.PublicJwk, "application/json"));

        var receipt = (await _subscriber.ReceiveAsync(_options, id, default)).ShouldBeOfType<Receipt.Invalid>();
        receipt.Problems.ShouldContain(p => p.Contains("Hashwert der Fachdaten"));
        await _subscriber.RejectAsync(_options, receipt.Submission, receipt.Problems, default);

        var set = Event(receipt.Submission.CaseId);
        var reject = set["events"]!["https://schema.fitko.de/fit-connect/events/reject-submission"]!;
        reject["problems"]![0]!["detail"]!.GetValue<string>().ShouldContain("Hashwert der Fachdaten");
        (await _subscriber.ReceiveAsync(_options, id, default)).ShouldBeOfType<Receipt.Invalid>(); // nothing lost: still there
    }

    [Fact]
    public async Task Metadata_encrypted_for_another_key_is_not_decryptable_and_invalid()
    {
        var id = Send();
        using var other = RSA.Create(2048);
        _fc.ReplaceEncryptedMetadata(id, Jwe.Encrypt("{}"u8.ToArray(), Jwe.PublicJwk(other, "fremd"), "application/json"));

        var receipt = (await _subscriber.ReceiveAsync(_options, id, default)).ShouldBeOfType<Receipt.Invalid>();
        receipt.Problems.ShouldHaveSingleItem().ShouldContain("Metadaten lassen sich nicht entschlüsseln");
    }
}

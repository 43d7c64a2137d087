using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Persistence.Postkorb;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace EGov.Workflows.Host.Tests.Postkorb;

/// <summary>
/// Documents an activity makes (a Bescheid as PDF) land in the case file like an upload: the clerk who works the case
/// lists and downloads them, they are checked as strictly, and a task that runs again does not file them twice.
/// </summary>
public sealed class ActivityDocumentTests
{
    private static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"u8.ToArray();
    private readonly InMemoryPostkorbStore _data = new();
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 4, 9, 0));

    private void File(params NewCaseDocument[] documents) =>
        ActivityDocuments.File(_data, new AttachmentOptions { MaxBytes = 1024 }, _clock, "default", "fall-1", "Task_Pdf", documents);

    [Fact]
    public async Task The_clerk_finds_the_PDF_the_case_made_in_its_case_file_and_downloads_it()
    {
        await using var s = await TestServer.StartAsync();
        await s.DeployAsync("bescheid-pdf.bpmn");
        var id = await s.StartProcessAsync("BescheidPdf", new { variables = new { aktenzeichen = "BA-2026-7", text = "Die Baugenehmigung wird erteilt." } });
        var erika = await s.PersonAsync("erika", ["bauamt"]);

        var item = (await TestServer.GetJsonAsAsync(erika, $"api/process-instances/{id}/attachments"))["items"]!.AsArray().ShouldHaveSingleItem()!;
        item["name"]!.GetValue<string>().ShouldBe("Bescheid-BA-2026-7.pdf");
        item["contentType"]!.GetValue<string>().ShouldBe("application/pdf");
        item["userId"]!.GetValue<string>().ShouldBe("aktivitaet:Task_Pdf");
        var hash = item["hash"]!.GetValue<string>();
        (await s.InstanceAsync(id))["variables"]!["dokument"]!["sha256"]!.GetValue<string>().ShouldBe(hash);

        using var download = await TestServer.SendAsAsync(erika, HttpMethod.Get, $"api/process-instances/{id}/attachments/{hash}");
        var bytes = await download.Content.ReadAsByteArrayAsync();
        ((int)download.StatusCode).ShouldBe(200);
        Convert.ToHexStringLower(SHA256.HashData(bytes)).ShouldBe(hash);
        System.Text.Encoding.ASCII.GetString(bytes, 0, 5).ShouldBe("%PDF-");
    }

    [Fact]
    public async Task A_document_beyond_the_servers_limit_is_an_incident_with_the_reason_and_is_not_filed()
    {
        await using var s = await TestServer.StartAsync(jobPoll: TimeSpan.FromMilliseconds(100), configure: o => o with { AttachmentMaxBytes = 512 });
        await s.DeployAsync("bescheid-pdf.bpmn");
        var id = await s.StartProcessAsync("BescheidPdf", new { variables = new { aktenzeichen = "BA-2026-8", text = "Text" } });

        var instance = await s.WaitForStateAsync(id, "incident", TimeSpan.FromSeconds(30));
        instance["state"]!.GetValue<string>().ShouldBe("incident", instance.ToJsonString());
        instance.ToJsonString().ShouldContain("the case file takes at most 512");
        s.Server.App.Services.GetRequiredService<PostkorbServices>().Data.Attachments("default", id).ShouldBeEmpty();
    }

    [Fact]
    public void A_document_is_checked_like_an_upload_and_one_refused_document_files_none()
    {
        Should.Throw<ArgumentException>(() => File(new NewCaseDocument("../bescheid.pdf", "application/pdf", Pdf))).Message.ShouldContain("not a plain file name");
        Should.Throw<ArgumentException>(() => File(new NewCaseDocument("bescheid.pdf", "application/pdf", "MZ\x90\0"u8.ToArray()))).Message.ShouldContain("keine der erlaubten Dateiarten");
        Should.Throw<ArgumentException>(() => File(new NewCaseDocument("leer.pdf", "application/pdf", Array.Empty<byte>()))).Message.ShouldContain("is empty");
        Should.Throw<ArgumentException>(() => File(
            new NewCaseDocument("bescheid.pdf", "application/pdf", Pdf),
            new NewCaseDocument("gross.pdf", "application/pdf", Pdf.Concat(new byte[2048]).ToArray()))).Message.ShouldContain("at most 1024");

        _data.Attachments("default", "fall-1").ShouldBeEmpty();
    }

    [Fact]
    public void The_same_document_from_the_same_task_is_filed_once_a_changed_one_again()
    {
        File(new NewCaseDocument("bescheid.pdf", "application/pdf", Pdf));
        File(new NewCaseDocument("bescheid.pdf", "application/pdf", Pdf)); // the task ran again after a rollback
        File(new NewCaseDocument("bescheid.pdf", "application/pdf", Pdf.Append((byte)10).ToArray())); // a renewed Bescheid

        var filed = _data.Attachments("default", "fall-1");
        filed.Count.ShouldBe(2);
        filed.ShouldAllBe(a => a.UserId == "aktivitaet:Task_Pdf" && a.ContentType == "application/pdf");
        CaseFileDocuments.Read(_data, new AttachmentOptions(), "default", "fall-1").ShouldAllBe(d => d.Source == "aktivitaet");
    }
}

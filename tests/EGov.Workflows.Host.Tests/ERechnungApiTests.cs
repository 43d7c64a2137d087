using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Activities.ERechnung.Tests;
using EGov.Workflows.Host.ERechnung;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace EGov.Workflows.Host.Tests;

/// <summary>
/// The Rechnungseingang against the real server with processes/erechnung: an uploaded XRechnung is validated (XSD and every
/// Schematron rule, Saxon-HE), entered in the Eingangsbuch and starts its case; an invalid one starts the case that sends
/// it back with the rule ids; the same file twice is 409; the mailbox (a real Dovecot on loopback) is fetched into the same
/// Eingangsbuch without duplicates.
/// </summary>
public sealed class ERechnungApiTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EGov.Workflows.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    private static string Processes()
    {
        var target = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "processes");
        var source = Path.Combine(Root(), "processes", "erechnung");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => !f.Contains("scenarios", StringComparison.Ordinal)))
        {
            var to = Path.Combine(target, "erechnung", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return target;
    }

    private static byte[] Invoice(Func<string, string>? change = null)
    {
        var xml = File.ReadAllText(Activities.ERechnung.Tests.Corpus.Path("testsuite", "src", "test", "business-cases", "standard", "01.01a-INVOICE_ubl.xml"));
        return Encoding.UTF8.GetBytes(change is null ? xml : change(xml));
    }

    private static Task<TestServer> Start() => TestServer.StartAsync(Processes(), configure: o => o with
    {
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(BuiltInPacks.TestDefaults).Build(),
    });

    private static async Task<HttpResponseMessage> Upload(TestServer s, byte[] xml, string query = "?dateiname=rechnung.xml&absender=buchhaltung%40lieferant.example")
    {
        using var content = new ByteArrayContent(xml);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        return await s.Http.PostAsync("api/erechnung/rechnungen" + query, content);
    }

    [Fact]
    public async Task AValidInvoice_IsEntered_AndStartsItsCaseAtTheDepartmentOfItsLeitwegId_AndTheSameFileTwiceIs409()
    {
        await using var s = await Start();
        var xml = Invoice();
        using var response = await Upload(s, xml);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((int)response.StatusCode).ShouldBe(201, body.ToJsonString());
        body["gueltig"]!.GetValue<bool>().ShouldBeTrue();
        body["kanal"]!.GetValue<string>().ShouldBe("upload");
        body["leitwegId"]!.GetValue<string>().ShouldBe("04011000-12345-03");
        var id = body["id"]!.GetValue<string>();

        var instance = await s.InstanceAsync(body["instanceId"]!.GetValue<string>());
        instance["businessKey"]!.GetValue<string>().ShouldBe(id);
        instance["waiting"]!.AsArray().Select(w => w!.GetValue<string>()).ShouldBe(["Task_Sachliche_Pruefung"]);
        instance["variables"]!["fachbereich"]!.GetValue<string>().ShouldBe("fb-66-tiefbau");
        instance["variables"]!["pruefung"]!["gueltig"]!.GetValue<bool>().ShouldBeTrue();
        instance["variables"]!["ruecksendeAdresse"]!.GetValue<string>().ShouldBe("buchhaltung@lieferant.example");

        using (var file = await s.Http.GetAsync($"api/erechnung/rechnungen/{id}/datei"))
            (await file.Content.ReadAsByteArrayAsync()).ShouldBe(xml);
        var list = await s.GetJsonAsync("api/erechnung/rechnungen");
        list["items"]!.AsArray().ShouldContain(e => e!["id"]!.GetValue<string>() == id);

        using var again = await Upload(s, xml);
        var problem = await TestServer.ShouldBeProblemAsync(again, 409);
        problem["eingang"]!.GetValue<string>().ShouldBe(id);
    }

    [Fact]
    public async Task AnInvalidInvoice_IsEnteredWithItsRuleIds_AndItsCaseSendsItBack()
    {
        await using var s = await Start();
        var xml = Invoice(x => System.Text.RegularExpressions.Regex.Replace(x, "<cbc:BuyerReference>[^<]*</cbc:BuyerReference>", ""));
        using var response = await Upload(s, xml);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((int)response.StatusCode).ShouldBe(201, body.ToJsonString());
        body["gueltig"]!.GetValue<bool>().ShouldBeFalse();
        body["fehler"]!.AsArray().Select(f => f!["regel"]!.GetValue<string>()).ShouldContain("BR-DE-15");

        var instance = await s.WaitForStateAsync(body["instanceId"]!.GetValue<string>(), "completed");
        instance["state"]!.GetValue<string>().ShouldBe("completed", instance.ToJsonString());
        var history = (await s.GetJsonAsync($"api/process-instances/{body["instanceId"]!.GetValue<string>()}/history")).AsArray();
        history.Select(h => h!["elementId"]!.GetValue<string>()).ShouldContain("Task_Rechnung_Zurueckweisen");
    }

    [Fact]
    public async Task ValidateOnly_AnswersTheReport_WithoutEnteringAnything()
    {
        await using var s = await Start();
        using var content = new ByteArrayContent("kein XML"u8.ToArray());
        using var response = await s.Http.PostAsync("api/erechnung/pruefung?dateiname=x.xml", content);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ((int)response.StatusCode).ShouldBe(200, body.ToJsonString());
        body["ergebnis"]!.GetValue<string>().ShouldBe("keine Rechnung");
        (await s.GetJsonAsync("api/erechnung/rechnungen"))["total"]!.GetValue<long>().ShouldBe(0);
        using var empty = await Upload(s, []);
        await TestServer.ShouldBeProblemAsync(empty, 400);
    }

    [Fact]
    public async Task TheMailbox_IsFetchedIntoTheEingangsbuch_OncePerMail()
    {
        using var dovecot = new Dovecot();
        await using var s = await Start();
        var message = new MimeMessage { Subject = "Rechnung 471102" };
        message.From.Add(MailboxAddress.Parse("faktura@lieferant.example"));
        message.To.Add(MailboxAddress.Parse("rechnungseingang@musterstadt.example"));
        var builder = new BodyBuilder { TextBody = "anbei" };
        builder.Attachments.Add("471102.xml", Invoice(), ContentType.Parse("application/xml"));
        message.Body = builder.ToMessageBody();
        var pdfOnly = new MimeMessage { Subject = "PDF-Rechnung" };
        pdfOnly.From.Add(MailboxAddress.Parse("papier@lieferant.example"));
        var pdf = new BodyBuilder { TextBody = "anbei" };
        pdf.Attachments.Add("r.pdf", [0x25, 0x50, 0x44, 0x46], ContentType.Parse("application/pdf"));
        pdfOnly.Body = pdf.ToMessageBody();
        using (var client = new ImapClient())
        {
            await client.ConnectAsync("127.0.0.1", dovecot.Port, SecureSocketOptions.None);
            await client.AuthenticateAsync(Dovecot.User, Dovecot.Password);
            await client.Inbox.AppendAsync(message);
            await client.Inbox.AppendAsync(pdfOnly);
            await client.DisconnectAsync(true);
        }
        var eingang = s.Server.App.Services.GetRequiredService<Rechnungseingang>();
        (await RechnungspostfachPoller.FetchOnceAsync(eingang, s.Server.Engines.Get("default"), dovecot.Options(), CancellationToken.None)).ShouldBe(2);
        (await RechnungspostfachPoller.FetchOnceAsync(eingang, s.Server.Engines.Get("default"), dovecot.Options(), CancellationToken.None)).ShouldBe(0);

        var items = (await s.GetJsonAsync("api/erechnung/rechnungen"))["items"]!.AsArray();
        items.Count.ShouldBe(2);
        var mail = items.Single(i => i!["absender"]!.GetValue<string>() == "faktura@lieferant.example")!;
        mail["kanal"]!.GetValue<string>().ShouldBe("email");
        mail["gueltig"]!.GetValue<bool>().ShouldBeTrue();
        var noXml = items.Single(i => i!["absender"]!.GetValue<string>() == "papier@lieferant.example")!;
        noXml["gueltig"]!.GetValue<bool>().ShouldBeFalse();
        noXml["fehler"]![0]!["regel"]!.GetValue<string>().ShouldBe("Anhang");
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Activities.Notifications;
using EGov.Workflows.Runtime;
using EGov.Workflows.Simulators;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests.Notifications;

/// <summary>notify-email against a real SMTP server on loopback (<see cref="SmtpSimulator"/>), through the engine.</summary>
public sealed class NotifyEmailTests : IAsyncLifetime
{
    private const string Model = "Notifications/NotifyEmailTests.bpmn";
    private SmtpSimulator _smtp = null!;
    private readonly FakeClock _clock = PackEngine.Clock();

    public Task InitializeAsync() { _smtp = SmtpSimulator.Start(); return Task.CompletedTask; }
    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    private Dictionary<string, string?> Settings(int? port = null) => new()
    {
        ["Packs:Notifications:From"] = "buergerbuero@stadt.example",
        ["Packs:Notifications:FromName"] = "Stadt Musterstadt – Bürgerbüro",
        ["Packs:Notifications:Smtp:Host"] = "127.0.0.1",
        ["Packs:Notifications:Smtp:Port"] = (port ?? _smtp.Port).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Packs:Notifications:Smtp:Password"] = "geheim-smtp-passwort",
        ["Tenants:06412000:Notifications:From"] = "ordnungsamt@darmstadt.example",
    };

    private WorkflowEngine Engine(Dictionary<string, string?> settings, string tenant = "default") =>
        PackEngine.Create((s, c) => s.AddEgovNotifications(c), settings, _clock, tenant, Model);

    private static JsonObject Antrag(string email, string name = "Erika Mustermann") => new()
    {
        ["antrag"] = new JsonObject { ["name"] = name, ["email"] = email, ["kennzeichen"] = "DA-EM 123" },
        ["gebuehr"] = 30.70m,
    };

    [Fact]
    public void Mail_arrives_with_text_and_html_rendered_from_the_case_variables()
    {
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_NotifyEmail", Antrag("erika@example.org"));

        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.State.ShouldBe(InstanceState.Completed);
        var mail = _smtp.Messages.ShouldHaveSingleItem();
        mail.To.ToString().ShouldBe("erika@example.org");
        mail.From.Mailboxes.Single().Address.ShouldBe("buergerbuero@stadt.example");
        mail.From.Mailboxes.Single().Name.ShouldBe("Stadt Musterstadt – Bürgerbüro");
        mail.Subject.ShouldBe("Ihr Anwohnerparkausweis DA-EM 123");
        mail.TextBody!.ShouldContain("Guten Tag Erika Mustermann,");
        mail.TextBody!.ShouldContain("Gebühr: 30,70 EUR.");
        mail.HtmlBody!.ShouldContain("<p>Guten Tag Erika Mustermann,</p>");
        view.Variables["emailVersand"]!["messageId"]!.GetValue<string>().ShouldBe(mail.MessageId);
    }

    [Fact]
    public void The_result_goes_to_emailVersand_and_a_variable_email_keeps_its_address()
    {
        var engine = Engine(Settings());
        var variables = Antrag("erika@example.org");
        variables["email"] = "erika@example.org"; // what many forms call the address field
        var id = engine.StartProcess("Process_NotifyEmail", variables);

        var view = engine.GetInstance(id);
        view.State.ShouldBe(InstanceState.Completed);
        view.Variables["email"]!.GetValue<string>().ShouldBe("erika@example.org", "the activity never writes the input a later mail may need");
        view.Variables["emailVersand"]!["messageId"]!.GetValue<string>().ShouldBe(_smtp.Messages.ShouldHaveSingleItem().MessageId);
        view.Variables["emailVersand"]!["sentAt"].ShouldNotBeNull();
    }

    [Fact]
    public void Values_in_the_html_part_are_escaped()
    {
        var engine = Engine(Settings());
        engine.StartProcess("Process_NotifyEmail", Antrag("erika@example.org", name: "<script>alert(1)</script> & Co"));

        var mail = _smtp.Messages.ShouldHaveSingleItem();
        mail.HtmlBody!.ShouldNotContain("<script>");
        mail.HtmlBody!.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co");
        mail.TextBody!.ShouldContain("<script>alert(1)</script> & Co");
    }

    [Fact]
    public void Each_tenant_sends_from_its_own_sender()
    {
        var engine = Engine(Settings(), tenant: "06412000");
        engine.StartProcess("Process_NotifyEmail", Antrag("erika@example.org"));

        _smtp.Messages.ShouldHaveSingleItem().From.Mailboxes.Single().Address.ShouldBe("ordnungsamt@darmstadt.example");
    }

    [Fact]
    public void An_address_the_server_refuses_is_a_bpmn_error_the_model_catches()
    {
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_NotifyEmail", Antrag("erika@unzustellbar.example"));

        var view = engine.GetInstance(id);
        view.Incidents.ShouldBeEmpty();
        view.Waiting.ShouldBe(["Task_Adresse_Pruefen"]);
        view.Variables["fehler"]!.GetValue<string>().ShouldContain("550");
        _smtp.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void A_malformed_address_is_a_bpmn_error_too_and_nothing_is_sent()
    {
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_NotifyEmail", Antrag("keine adresse"));

        engine.GetInstance(id).Waiting.ShouldBe(["Task_Adresse_Pruefen"]);
        _smtp.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void A_server_that_cannot_be_reached_ends_in_an_incident_after_the_retries()
    {
        var closedPort = SmtpSimulatorPort.Unused();
        var engine = Engine(Settings(closedPort));
        var id = engine.StartProcess("Process_NotifyEmail", Antrag("erika@example.org"));
        engine.GetInstance(id).Incidents.ShouldBeEmpty(); // the first failure waits for its retry

        PackEngine.RunRetries(engine, _clock);

        var incident = engine.GetInstance(id).Incidents.ShouldHaveSingleItem();
        incident.ElementId.ShouldBe("Task_Mail");
        incident.Message.ShouldContain($"127.0.0.1:{closedPort}");
    }

    [Fact]
    public void A_missing_setting_ends_in_an_incident_that_names_it()
    {
        var settings = Settings();
        settings.Remove("Packs:Notifications:Smtp:Host");
        var engine = Engine(settings);
        var id = engine.StartProcess("Process_NotifyEmail", Antrag("erika@example.org"));
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message
            .ShouldContain("Packs:Notifications:Smtp:Host (or, for tenant 'default' only, Tenants:default:Notifications:Smtp:Host)");
        _smtp.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void The_smtp_password_appears_in_no_variable_and_no_history()
    {
        var settings = Settings();
        settings.Remove("Packs:Notifications:Smtp:Host"); // fail too, so incident texts are checked as well
        var engine = Engine(settings);
        var id = engine.StartProcess("Process_NotifyEmail", Antrag("erika@example.org"));
        PackEngine.RunRetries(engine, _clock);
        var sent = Engine(Settings());
        var ok = sent.StartProcess("Process_NotifyEmail", Antrag("erika@example.org"));

        foreach (var (e, i) in new[] { (engine, id), (sent, ok) })
        {
            var everything = JsonSerializer.Serialize(new object[] { e.GetInstance(i).Variables.ToJsonString(), e.VariableHistory(i), e.IncidentHistory(i), e.GetInstance(i).Incidents });
            everything.ShouldNotContain("geheim-smtp-passwort");
        }
    }

    [Fact]
    public void A_retried_send_carries_the_same_message_id()
    {
        var first = Engine(Settings());
        var a = first.StartProcess("Process_NotifyEmail", Antrag("erika@example.org"));
        var idA = first.GetInstance(a).Variables["emailVersand"]!["messageId"]!.GetValue<string>();

        // The same instance and element give the same id (what a receiver needs to drop a duplicate); another instance another.
        var b = first.StartProcess("Process_NotifyEmail", Antrag("erika@example.org"));
        first.GetInstance(b).Variables["emailVersand"]!["messageId"]!.GetValue<string>().ShouldNotBe(idA);
        idA.ShouldEndWith("@stadt.example");
    }
}

internal static class SmtpSimulatorPort
{
    /// <summary>A loopback port nobody listens on (connection refused).</summary>
    public static int Unused()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}

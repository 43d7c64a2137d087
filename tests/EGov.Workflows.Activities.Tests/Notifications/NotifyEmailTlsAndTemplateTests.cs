using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Activities.Notifications;
using EGov.Workflows.Runtime;
using EGov.Workflows.Simulators;
using NodaTime.Testing;

namespace EGov.Workflows.Activities.Tests.Notifications;

/// <summary>
/// notify-email against a real SMTP server on loopback that offers STARTTLS (a self-signed certificate) and requires AUTH
/// (<see cref="SmtpSimulator.StartSecure"/>), and the mail templates of a tenant's template folder (<c>vorlage</c>).
/// </summary>
public sealed class NotifyEmailTlsAndTemplateTests : IAsyncLifetime
{
    private const string Model = "Notifications/NotifyEmailTests.bpmn";
    private const string User = "buergerbuero", Password = "geheim-smtp-passwort-42";
    private SmtpSimulator _smtp = null!;
    private readonly FakeClock _clock = PackEngine.Clock();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "egov-mail-tests-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        _smtp = SmtpSimulator.StartSecure(User, Password);
        Directory.CreateDirectory(_dir);
        _smtp.ExportCertificate(Path.Combine(_dir, "smtp.pem"));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Dictionary<string, string?> Settings(string? password = Password, bool trust = true, string security = "StartTls") => new()
    {
        ["Packs:Notifications:From"] = "buergerbuero@stadt.example",
        ["Packs:Notifications:Smtp:Host"] = "127.0.0.1",
        ["Packs:Notifications:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Packs:Notifications:Smtp:Security"] = security,
        ["Packs:Notifications:Smtp:User"] = User,
        ["Packs:Notifications:Smtp:Password"] = password,
        ["Packs:Notifications:Smtp:TrustedCertificateFile"] = trust ? Path.Combine(_dir, "smtp.pem") : null,
        ["Packs:Notifications:TemplateDirectory"] = Path.Combine(_dir, "vorlagen"),
    };

    private WorkflowEngine Engine(Dictionary<string, string?> settings, string tenant = "default") =>
        PackEngine.Create((s, c) => s.AddEgovNotifications(c), settings, _clock, tenant, Model);

    private static JsonObject Antrag(string name = "Erika Mustermann") => new()
    {
        ["antrag"] = new JsonObject { ["name"] = name, ["email"] = "erika@example.org", ["kennzeichen"] = "DA-EM 123" },
        ["gebuehr"] = 30.70m,
    };

    private void Template(string? tenant, string subject, string text, string? html = null)
    {
        var folder = tenant is null ? Path.Combine(_dir, "vorlagen") : Path.Combine(_dir, "vorlagen", tenant);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "bescheid.betreff.liquid"), subject);
        File.WriteAllText(Path.Combine(folder, "bescheid.text.liquid"), text);
        if (html is not null) File.WriteAllText(Path.Combine(folder, "bescheid.html.liquid"), html);
    }

    [Fact]
    public void Mail_goes_over_starttls_with_auth_to_a_server_whose_certificate_is_trusted()
    {
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_NotifyEmail", Antrag());

        engine.GetInstance(id).Incidents.ShouldBeEmpty();
        var arrival = _smtp.Arrivals.ShouldHaveSingleItem();
        arrival.Secure.ShouldBeTrue("the message must have come over STARTTLS");
        arrival.User.ShouldBe(User);
        arrival.Message.Subject.ShouldBe("Ihr Anwohnerparkausweis DA-EM 123");
    }

    [Fact]
    public void A_wrong_password_is_an_incident_that_names_the_user_but_not_the_password()
    {
        var engine = Engine(Settings(password: "falsch-falsch"));
        var id = engine.StartProcess("Process_NotifyEmail", Antrag());
        PackEngine.RunRetries(engine, _clock);

        var incident = engine.GetInstance(id).Incidents.ShouldHaveSingleItem();
        incident.Message.ShouldContain($"refused the credentials of user '{User}'");
        _smtp.FailedLogins.ShouldBeGreaterThan(0);
        _smtp.Messages.ShouldBeEmpty();
        var everything = JsonSerializer.Serialize(new object[] { engine.GetInstance(id).Variables.ToJsonString(), engine.VariableHistory(id), engine.IncidentHistory(id), engine.GetInstance(id).Incidents });
        everything.ShouldNotContain("falsch-falsch");
        everything.ShouldNotContain(Password);
    }

    [Fact]
    public void A_certificate_nobody_trusts_stops_the_mail_before_the_password_is_sent()
    {
        var engine = Engine(Settings(trust: false));
        var id = engine.StartProcess("Process_NotifyEmail", Antrag());
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("cannot send through 127.0.0.1");
        _smtp.Messages.ShouldBeEmpty();
        _smtp.FailedLogins.ShouldBe(0);
    }

    [Fact]
    public async Task No_password_in_clear_text_when_the_server_offers_no_starttls()
    {
        await using var plain = SmtpSimulator.Start();
        var settings = Settings(security: "StartTlsWhenAvailable");
        settings["Packs:Notifications:Smtp:Port"] = plain.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var engine = Engine(settings);
        var id = engine.StartProcess("Process_NotifyEmail", Antrag());
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("is not sent in clear text");
        plain.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void A_template_of_the_template_folder_is_rendered_with_the_case_variables()
    {
        Template(null, "Bescheid {{ antrag.kennzeichen }}", "Guten Tag {{ antrag.name }}, Gebühr {{ gebuehr | format_number: \"N2\" }} EUR.", "<p>Guten Tag {{ antrag.name }}</p>");
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_NotifyEmail_Vorlage", Antrag("<b>Erika</b>"));

        engine.GetInstance(id).State.ShouldBe(InstanceState.Completed);
        var mail = _smtp.Messages.ShouldHaveSingleItem();
        mail.Subject.ShouldBe("Bescheid DA-EM 123");
        mail.TextBody!.ShouldContain("Guten Tag <b>Erika</b>, Gebühr 30,70 EUR.");
        mail.HtmlBody!.ShouldContain("<p>Guten Tag &lt;b&gt;Erika&lt;/b&gt;</p>");
    }

    [Fact]
    public void A_tenant_uses_its_own_template_and_another_tenant_the_shared_one()
    {
        Template(null, "Bescheid", "Gemeinsame Vorlage");
        Template("06412000", "Bescheid der Wissenschaftsstadt Darmstadt", "Vorlage Darmstadt für {{ antrag.name }}");

        Engine(Settings(), tenant: "06412000").StartProcess("Process_NotifyEmail_Vorlage", Antrag());
        Engine(Settings(), tenant: "06411000").StartProcess("Process_NotifyEmail_Vorlage", Antrag());

        var mails = _smtp.Messages;
        mails.Count.ShouldBe(2);
        mails[0].Subject.ShouldBe("Bescheid der Wissenschaftsstadt Darmstadt");
        mails[0].TextBody!.ShouldContain("Vorlage Darmstadt für Erika Mustermann");
        mails[1].TextBody!.ShouldContain("Gemeinsame Vorlage");
        mails[1].HtmlBody.ShouldBeNull();
    }

    [Fact]
    public void A_missing_template_is_an_incident_that_names_where_it_was_looked_for()
    {
        var engine = Engine(Settings());
        var id = engine.StartProcess("Process_NotifyEmail_Vorlage", Antrag());
        PackEngine.RunRetries(engine, _clock);

        var incident = engine.GetInstance(id).Incidents.ShouldHaveSingleItem();
        incident.Message.ShouldContain("the template 'bescheid' is not in the template folder");
        incident.Message.ShouldContain(Path.Combine(_dir, "vorlagen", "default", "bescheid.text.liquid"));
        _smtp.Messages.ShouldBeEmpty();
    }

    [Fact]
    public void A_template_without_the_folder_setting_is_an_incident_that_names_the_setting()
    {
        var settings = Settings();
        settings.Remove("Packs:Notifications:TemplateDirectory");
        var engine = Engine(settings);
        var id = engine.StartProcess("Process_NotifyEmail_Vorlage", Antrag());
        PackEngine.RunRetries(engine, _clock);

        engine.GetInstance(id).Incidents.ShouldHaveSingleItem().Message.ShouldContain("Packs:Notifications:TemplateDirectory");
    }
}

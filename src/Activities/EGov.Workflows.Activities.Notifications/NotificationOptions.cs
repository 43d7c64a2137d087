namespace EGov.Workflows.Activities.Notifications;

/// <summary>
/// A tenant's e-mail settings (configuration section <c>Packs:Notifications</c>, per tenant
/// <c>Tenants:{id}:Notifications</c>). Never in a model, never in a variable.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The sender's address, e.g. <c>buergerbuero@stadt.example</c> (required).</summary>
    public string? From { get; set; }

    /// <summary>The sender's display name, e.g. <c>Stadt Musterstadt – Bürgerbüro</c>.</summary>
    public string? FromName { get; set; }

    /// <summary>Optional Reply-To address.</summary>
    public string? ReplyTo { get; set; }

    /// <summary><c>Smtp</c> (default) sends through <see cref="Smtp"/>; <c>Directory</c> writes each message as an .eml file into <see cref="Directory"/> (a pickup folder; <c>./egov test</c> uses one).</summary>
    public MailDeliveryKind Delivery { get; set; } = MailDeliveryKind.Smtp;

    /// <summary>The pickup folder for <see cref="MailDeliveryKind.Directory"/>.</summary>
    public string? Directory { get; set; }

    /// <summary>
    /// A folder of mail templates (Liquid) for the input <c>vorlage</c>: <c>NAME.betreff.liquid</c>, <c>NAME.text.liquid</c> and
    /// optionally <c>NAME.html.liquid</c>. A tenant's own templates sit in a subfolder named after the tenant id and win over
    /// the shared ones (<c>/etc/egov/vorlagen/06412000/bescheid.text.liquid</c> before <c>/etc/egov/vorlagen/bescheid.text.liquid</c>);
    /// a tenant may also have a folder of its own (<c>Tenants:{id}:Notifications:TemplateDirectory</c>).
    /// </summary>
    public string? TemplateDirectory { get; set; }

    public SmtpSettings Smtp { get; set; } = new();
}

public enum MailDeliveryKind { Smtp, Directory }

/// <summary>The SMTP server of a tenant.</summary>
public sealed class SmtpSettings
{
    /// <summary>Host name of the submission server (required for <see cref="MailDeliveryKind.Smtp"/>).</summary>
    public string? Host { get; set; }

    /// <summary>Port; default 587 (submission with STARTTLS).</summary>
    public int Port { get; set; } = 587;

    /// <summary><c>StartTlsWhenAvailable</c> (default: STARTTLS where the server offers it), <c>StartTls</c> (required), <c>SslOnConnect</c> (port 465), <c>None</c>.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTlsWhenAvailable;

    /// <summary>User for SMTP AUTH; none: no authentication.</summary>
    public string? User { get; set; }

    /// <summary>Password for SMTP AUTH. Give it through the environment (<c>EGOV_Packs__Notifications__Smtp__Password</c>) or <see cref="PasswordFile"/>, not in a file in the repository.</summary>
    public string? Password { get; set; }

    /// <summary>A file whose first line is the password (e.g. a mounted secret).</summary>
    public string? PasswordFile { get; set; }

    /// <summary>
    /// A certificate file (PEM or DER) to trust besides the system's: the mail server's own certificate or the CA of an
    /// internal PKI that issued it. The host name must still match; without this setting only the system's CAs count.
    /// </summary>
    public string? TrustedCertificateFile { get; set; }

    /// <summary>How long connecting and each SMTP command may take, in seconds (default 10; a step of the engine may take 30 in all).</summary>
    public int TimeoutSeconds { get; set; } = 10;
}

public enum SmtpSecurity { StartTlsWhenAvailable, StartTls, SslOnConnect, None }

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

    /// <summary>How long connecting and each SMTP command may take, in seconds (default 10; a step of the engine may take 30 in all).</summary>
    public int TimeoutSeconds { get; set; } = 10;
}

public enum SmtpSecurity { StartTlsWhenAvailable, StartTls, SslOnConnect, None }

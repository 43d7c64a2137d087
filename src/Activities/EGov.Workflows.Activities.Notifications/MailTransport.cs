using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace EGov.Workflows.Activities.Notifications;

/// <summary>How a message left: sent, refused for good by the server (a business case), or failed (technical, retried).</summary>
public abstract record MailOutcome
{
    public sealed record Sent : MailOutcome;
    public sealed record Rejected(string Reason) : MailOutcome;
    public sealed record Failed(string Reason) : MailOutcome;
}

/// <summary>Sends a message as a tenant's settings say.</summary>
public interface IMailTransport
{
    Task<MailOutcome> SendAsync(MimeMessage message, NotificationOptions options, string tenantId, CancellationToken cancellationToken);
}

/// <summary>MailKit over SMTP (STARTTLS where offered, or as configured), or an .eml file in a pickup folder.</summary>
public sealed class MailKitTransport : IMailTransport
{
    public async Task<MailOutcome> SendAsync(MimeMessage message, NotificationOptions options, string tenantId, CancellationToken cancellationToken)
    {
        if (options.Delivery == MailDeliveryKind.Directory) return await WriteToDirectory(message, options.Directory!, cancellationToken).ConfigureAwait(false);
        var smtp = options.Smtp;
        using var client = new SmtpClient { Timeout = Math.Max(1, smtp.TimeoutSeconds) * 1000 };
        try
        {
            if (!string.IsNullOrWhiteSpace(smtp.TrustedCertificateFile))
            {
                var trusted = X509CertificateLoader.LoadCertificateFromFile(smtp.TrustedCertificateFile);
                client.ServerCertificateValidationCallback = (_, certificate, _, errors) => Trusts(trusted, certificate, errors);
            }
            await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.Security switch
            {
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                SmtpSecurity.None => SecureSocketOptions.None,
                _ => SecureSocketOptions.StartTlsWhenAvailable,
            }, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(smtp.User) && !client.IsSecure && smtp.Security != SmtpSecurity.None)
                return new MailOutcome.Failed($"the SMTP server {smtp.Host}:{smtp.Port} offers no STARTTLS: the password of user '{smtp.User}' is not sent in clear text (set Smtp:Security=None to allow it)");
            if (!string.IsNullOrEmpty(smtp.User))
            {
                var password = smtp.Password;
                if (string.IsNullOrEmpty(password) && !string.IsNullOrEmpty(smtp.PasswordFile))
                    password = (await File.ReadAllLinesAsync(smtp.PasswordFile, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
                await client.AuthenticateAsync(smtp.User, password ?? "", cancellationToken).ConfigureAwait(false);
            }
            await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
            return new MailOutcome.Sent();
        }
        catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)e.StatusCode >= 500)
        {
            return new MailOutcome.Rejected($"{(int)e.StatusCode} {e.Message}".Trim());
        }
        catch (SmtpCommandException e)
        {
            return new MailOutcome.Failed($"the SMTP server {smtp.Host}:{smtp.Port} answered {(int)e.StatusCode}: {e.Message}");
        }
        catch (MailKit.Security.AuthenticationException)
        {
            return new MailOutcome.Failed($"the SMTP server {smtp.Host}:{smtp.Port} refused the credentials of user '{smtp.User}'");
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            return new MailOutcome.Failed($"the trusted certificate {smtp.TrustedCertificateFile} cannot be read: {e.Message}");
        }
        catch (NotSupportedException e) when (smtp.Security == SmtpSecurity.StartTls)
        {
            return new MailOutcome.Failed($"the SMTP server {smtp.Host}:{smtp.Port} offers no STARTTLS, which the setting Smtp:Security=StartTls requires: {e.Message}");
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException or SslHandshakeException or SmtpProtocolException or ServiceNotConnectedException or OperationCanceledException)
        {
            return new MailOutcome.Failed($"cannot send through {smtp.Host}:{smtp.Port}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// The server's certificate is good when the system trusts it, or when it chains to (or is) the configured certificate;
    /// a name mismatch is never accepted.
    /// </summary>
    internal static bool Trusts(X509Certificate2 trusted, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return false;
        using var leaf = presented as X509Certificate2 is { } c2 ? new X509Certificate2(c2) : new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }

    private static async Task<MailOutcome> WriteToDirectory(MimeMessage message, string directory, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var name = Path.Combine(directory, (message.MessageId ?? Guid.NewGuid().ToString("N")).Replace('@', '_') + ".eml");
            var temp = name + ".tmp";
            await message.WriteToAsync(temp, cancellationToken).ConfigureAwait(false);
            File.Move(temp, name, overwrite: true);
            return new MailOutcome.Sent();
        }
        catch (IOException e) { return new MailOutcome.Failed($"cannot write to the pickup folder {directory}: {e.Message}"); }
        catch (UnauthorizedAccessException e) { return new MailOutcome.Failed($"cannot write to the pickup folder {directory}: {e.Message}"); }
    }
}

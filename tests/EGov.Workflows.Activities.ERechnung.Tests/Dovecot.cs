using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EGov.Workflows.Activities.ERechnung.Tests;

/// <summary>
/// A real IMAP server for the tests: Debian's Dovecot (<c>dovecot-imapd</c>, which ./test.sh installs) started with its own
/// configuration in a temporary folder, on a free loopback port, one mailbox user with a plain password, no TLS (loopback
/// only). As root it runs its processes as Debian's dovecot users; otherwise as the current user.
/// </summary>
public sealed class Dovecot : IDisposable
{
    public const string User = "rechnung";
    public const string Password = "geheim-im-test";
    private readonly string _dir;

    public int Port { get; }

    public Dovecot()
    {
        if (!File.Exists("/usr/sbin/dovecot")) throw new InvalidOperationException("Dovecot is not installed (apt-get install dovecot-imapd; ./test.sh does it)");
        _dir = Directory.CreateTempSubdirectory("egov-dovecot-").FullName;
        Port = FreePort();
        var root = Environment.UserName == "root";
        var internalUser = root ? "dovecot" : Environment.UserName;
        var loginUser = root ? "dovenull" : Environment.UserName;
        foreach (var d in new[] { "run", "state", "mail" }) Directory.CreateDirectory(Path.Combine(_dir, d));
        if (root)
        {
            // Dovecot's auth worker and mail processes run as its own users: they must reach the folder, the password
            // file (a throwaway test password) and the mail folder.
            Run("chmod", "755", _dir);
            Run("chown", "dovecot:dovecot", Path.Combine(_dir, "mail"));
        }
        File.WriteAllText(Path.Combine(_dir, "passwd"), $"{User}:{{PLAIN}}{Password}\n");
        if (root) Run("chmod", "644", Path.Combine(_dir, "passwd"));
        File.WriteAllText(Path.Combine(_dir, "dovecot.conf"), $$"""
            base_dir = {{_dir}}/run
            state_dir = {{_dir}}/state
            log_path = {{_dir}}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:{{_dir}}/mail/%u
            first_valid_uid = 1
            default_internal_user = {{internalUser}}
            default_login_user = {{loginUser}}
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {{_dir}}/passwd
            }
            userdb {
              driver = static
              args = uid={{internalUser}} gid={{internalUser}} home={{_dir}}/mail/%u
            }
            service imap-login {
              inet_listener imap {
                address = 127.0.0.1
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service pop3-login {
              inet_listener pop3 {
                port = 0
              }
            }
            """);
        Run("/usr/sbin/dovecot", "-c", Path.Combine(_dir, "dovecot.conf"));
        for (var i = 0; i < 100; i++)
        {
            try { using var probe = new TcpClient("127.0.0.1", Port); return; }
            catch (SocketException) { Thread.Sleep(100); }
        }
        throw new InvalidOperationException("Dovecot did not listen: " + File.ReadAllText(Path.Combine(_dir, "dovecot.log")));
    }

    public ImapOptions Options() => new() { Host = "127.0.0.1", Port = Port, Security = "None", User = User, Password = Password };

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {p.StandardError.ReadToEnd()}");
    }

    public void Dispose()
    {
        var pidFile = Path.Combine(_dir, "run", "master.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            try { using var p = Process.GetProcessById(pid); p.Kill(entireProcessTree: true); p.WaitForExit(5000); }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
        }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

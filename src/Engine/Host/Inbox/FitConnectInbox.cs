using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Activities.FitConnect;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Postkorb;
using EGov.Workflows.Runtime;
using EGov.Workflows.Sdk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace EGov.Workflows.Host.Inbox;

/// <summary>What one poll of a tenant's destination did.</summary>
public sealed record InboxReport(int Started, int Correlated, int Rejected, int Waiting, int Failed)
{
    public static readonly InboxReport Empty = new(0, 0, 0, 0, 0);
    public InboxReport Add(InboxReport o) => new(Started + o.Started, Correlated + o.Correlated, Rejected + o.Rejected, Waiting + o.Waiting, Failed + o.Failed);
}

/// <summary>
/// FIT-Connect as a start trigger: for every tenant whose FIT-Connect settings name a destination (<c>DestinationId</c>) the
/// node asks the Submission API every <see cref="FitConnectOptions.PollSeconds"/> for new submissions, fetches each,
/// decrypts and checks it (<see cref="FitConnectSubscriber"/>: metadata schema, every SHA-512), and then
/// <list type="bullet">
/// <item>correlates it to the case that waits for the message named after the Leistung (the service identifier, e.g.
/// <c>urn:de:fim:leika:leistung:99108001000000</c>) with the FIT-Connect case id as correlation key (a Nachreichung), or</item>
/// <item>starts the process whose message start event has that name, as the instance whose id is derived from tenant and
/// submission id — a second node or a restart after a crash finds the case and starts nothing twice —</item>
/// </list>
/// with the Fachdaten as the variable <c>antrag</c> and <c>fitconnect</c> (submission, case, Leistung, attachments); the
/// attachments go into the case file (checked as an upload is). Only then is the submission accepted in its event log.
/// A submission that cannot be decrypted, fails a check or carries an attachment type the case file does not take is
/// rejected with the reasons and starts nothing. A Leistung no process starts with, a transport failure or a missing
/// setting leaves the submission waiting at the Zustelldienst (logged; asked again at the next poll).
/// </summary>
public sealed class FitConnectInbox : BackgroundService
{
    public const string UserId = "fitconnect";
    private readonly TenantEngines _engines;
    private readonly IPostkorbStore _caseFiles;
    private readonly AttachmentOptions _attachments;
    private readonly IReadOnlyList<string> _tenants;
    private readonly IOptionsMonitor<FitConnectOptions> _options;
    private readonly FitConnectSubscriber _subscriber;
    private readonly IClock _clock;
    private readonly ILogger _log;

    public FitConnectInbox(TenantEngines engines, IPostkorbStore caseFiles, AttachmentOptions attachments, IEnumerable<string> tenants,
        IConfiguration configuration, IClock clock, ILogger<FitConnectInbox> log)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _engines = engines;
        _caseFiles = caseFiles;
        _attachments = attachments;
        _tenants = tenants.Distinct(StringComparer.Ordinal).ToList();
        _clock = clock;
        _log = log;
        var services = new ServiceCollection();
        services.AddEgovFitConnect(configuration);
        var provider = services.BuildServiceProvider();
        _options = provider.GetRequiredService<IOptionsMonitor<FitConnectOptions>>();
        _subscriber = provider.GetRequiredService<FitConnectSubscriber>();
    }

    /// <summary>The tenants whose settings name a destination to receive for.</summary>
    public IReadOnlyList<string> ReceivingTenants => _tenants.Where(t => !string.IsNullOrWhiteSpace(_options.Get(t).DestinationId)).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tenants = ReceivingTenants.Where(t => _options.Get(t).PollSeconds > 0).ToList();
        if (tenants.Count == 0) return;
        foreach (var t in tenants)
            if (Missing(_options.Get(t), t) is { } missing) _log.LogError("FIT-Connect inbox of tenant {Tenant}: {Missing}; nothing is received", t, missing);
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var t in tenants)
            {
                try { await PollAsync(t, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _log.LogWarning("FIT-Connect inbox of tenant {Tenant}: {Error}", t, e.Message);
                }
            }
            var wait = TimeSpan.FromSeconds(Math.Max(5, tenants.Min(t => _options.Get(t).PollSeconds)));
            try { await Task.Delay(wait, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>The first receiving setting missing for the tenant, naming its configuration keys; null when complete.</summary>
    public static string? Missing(FitConnectOptions o, string tenant)
    {
        ArgumentNullException.ThrowIfNull(o);
        string Keys(string s) => PackServiceCollectionExtensions.SettingKeys(FitConnectOptions.Section, tenant, s);
        if (FitConnectSend.Missing(o, tenant) is { } m) return m.Replace("fitconnect-send: ", "", StringComparison.Ordinal);
        if (string.IsNullOrWhiteSpace(o.DestinationId) || !Guid.TryParse(o.DestinationId, out _)) return $"the setting {Keys("DestinationId")} is missing or not a UUID";
        if (string.IsNullOrWhiteSpace(o.DecryptionKeyFile) || !File.Exists(o.DecryptionKeyFile)) return $"the setting {Keys("DecryptionKeyFile")} is missing or names no file";
        if (string.IsNullOrWhiteSpace(o.SigningKeyFile) || !File.Exists(o.SigningKeyFile)) return $"the setting {Keys("SigningKeyFile")} is missing or names no file";
        if (string.IsNullOrWhiteSpace(o.SigningKid)) return $"the setting {Keys("SigningKid")} is missing";
        return null;
    }

    /// <summary>One poll of the tenant's destination: every submission waiting there is handled once.</summary>
    public async Task<InboxReport> PollAsync(string tenantId, CancellationToken cancel)
    {
        var o = _options.Get(tenantId);
        if (Missing(o, tenantId) is { } missing) throw new InvalidOperationException(missing);
        var report = InboxReport.Empty;
        foreach (var submission in await _subscriber.PendingAsync(o, cancel).ConfigureAwait(false))
        {
            try { report = report.Add(await HandleAsync(tenantId, o, submission, cancel).ConfigureAwait(false)); }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested) { throw; }
            catch (Exception e) when (e is SubmissionApiException or HttpRequestException or CryptographicException)
            {
                // Ours or the transport's fault: the submission stays where it is and is asked for again.
                _log.LogWarning("FIT-Connect inbox of tenant {Tenant}: submission {Submission} not handled now: {Error}", tenantId, submission.SubmissionId, e.Message);
                report = report.Add(InboxReport.Empty with { Failed = 1 });
            }
        }
        return report;
    }

    /// <summary>The instance id of a submission: the same on every node and after every restart.</summary>
    public static string InstanceId(string tenantId, string submissionId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"egov:fitconnect\n{tenantId}\n{submissionId.ToLowerInvariant()}")).AsSpan(0, 16));

    private async Task<InboxReport> HandleAsync(string tenantId, FitConnectOptions o, SubmissionRef submission, CancellationToken cancel)
    {
        var engine = _engines.Get(tenantId).Engine;
        var instanceId = InstanceId(tenantId, submission.SubmissionId);
        if (engine.Store.Load(tenantId, instanceId) is not null)
        {
            // Started before, but not confirmed (the node stopped in between): confirm now.
            await _subscriber.AcceptAsync(o, submission, cancel).ConfigureAwait(false);
            return InboxReport.Empty with { Started = 1 };
        }

        var receipt = await _subscriber.ReceiveAsync(o, submission.SubmissionId, cancel).ConfigureAwait(false);
        if (receipt is Receipt.Invalid invalid) return await RejectAsync(tenantId, o, invalid.Submission, invalid.Problems, cancel).ConfigureAwait(false);
        var valid = (Receipt.Valid)receipt;

        var files = new List<(string Name, string Type, byte[] Content)>();
        var problems = new List<string>();
        foreach (var (id, filename, mimeType, content) in valid.Attachments)
        {
            var name = string.IsNullOrWhiteSpace(filename) ? $"anlage-{id}" : Path.GetFileName(filename.Replace('\\', '/'));
            if (content.LongLength > _attachments.MaxBytes) { problems.Add($"Die Anlage {name} ist größer als {_attachments.MaxBytes} Bytes."); continue; }
            try { files.Add((name, AttachmentTypes.Check(name, mimeType, content), content)); }
            catch (Api.ApiProblemException e) { problems.Add($"Die Anlage {name} wird nicht angenommen: {e.Message}"); }
        }
        if (problems.Count > 0) return await RejectAsync(tenantId, o, valid.Submission, problems, cancel).ConfigureAwait(false);

        var variables = new JsonObject
        {
            ["antrag"] = valid.Data?.DeepClone(),
            ["fitconnect"] = new JsonObject
            {
                ["submissionId"] = valid.Submission.SubmissionId,
                ["caseId"] = valid.Submission.CaseId,
                ["destinationId"] = valid.Submission.DestinationId,
                ["leistung"] = valid.ServiceIdentifier,
                ["eingegangenAm"] = _clock.GetCurrentInstant().ToString(),
                ["anlagen"] = new JsonArray(files.Select(f => (JsonNode)new JsonObject
                {
                    ["name"] = f.Name, ["contentType"] = f.Type, ["groesse"] = f.Content.LongLength,
                    ["hash"] = Convert.ToHexStringLower(SHA256.HashData(f.Content)),
                }).ToArray()),
            },
        };

        string root;
        bool correlated;
        var message = valid.ServiceIdentifier;
        try
        {
            if (engine.CorrelateWaitingMessage(message, valid.Submission.CaseId, variables, UserId) is { } receiver)
            {
                root = receiver;
                correlated = true;
            }
            else
            {
                variables["correlationKey"] = valid.Submission.CaseId; // a later submission of the same FIT-Connect case finds this one
                root = engine.StartProcessByMessageAs(instanceId, message, variables, businessKey: null, UserId);
                correlated = false;
            }
        }
        catch (InstanceExistsException) { root = instanceId; correlated = false; } // another node was quicker
        catch (WorkflowNotFoundException)
        {
            _log.LogWarning("FIT-Connect inbox of tenant {Tenant}: no deployed process starts with the message '{Message}' (submission {Submission}); it stays at the Zustelldienst",
                tenantId, message, submission.SubmissionId);
            return InboxReport.Empty with { Waiting = 1 };
        }

        foreach (var (name, type, content) in files) Attach(tenantId, root, name, type, content);
        await _subscriber.AcceptAsync(o, valid.Submission, cancel).ConfigureAwait(false);
        if (_log.IsEnabled(LogLevel.Information))
            _log.LogInformation("FIT-Connect inbox of tenant {Tenant}: submission {Submission} {How} instance {Instance} and accepted",
                tenantId, submission.SubmissionId, correlated ? "correlated to" : "started", root);
        return correlated ? InboxReport.Empty with { Correlated = 1 } : InboxReport.Empty with { Started = 1 };
    }

    private async Task<InboxReport> RejectAsync(string tenantId, FitConnectOptions o, SubmissionRef submission, IReadOnlyList<string> problems, CancellationToken cancel)
    {
        await _subscriber.RejectAsync(o, submission, problems, cancel).ConfigureAwait(false);
        _log.LogWarning("FIT-Connect inbox of tenant {Tenant}: submission {Submission} rejected: {Problems}", tenantId, submission.SubmissionId, string.Join(" ", problems));
        return InboxReport.Empty with { Rejected = 1 };
    }

    /// <summary>Puts a file into the case file of <paramref name="root"/> (once per content), as the FIT-Connect inbox.</summary>
    private void Attach(string tenantId, string root, string name, string type, byte[] content)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        if (_caseFiles.Attachments(tenantId, root).Any(a => a.Hash == hash && a.Name == name)) return;
        var attachment = new CaseAttachment(root, hash, name, type, content.LongLength, UserId, _clock.GetCurrentInstant());
        Postkorb.CaseFileStorage.Store(_caseFiles, _attachments, tenantId, attachment, content);
    }
}

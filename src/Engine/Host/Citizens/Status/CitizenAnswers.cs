using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Identity.Citizens;
using EGov.Workflows.Persistence.Postkorb;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Host.Citizens.Status;

/// <summary>A file the citizen sends with an answer.</summary>
public sealed record CitizenUpload(string? FileName, string? ContentType, byte[] Content);

/// <summary>
/// The citizen acts on their case from a status page: hands in documents where the case waits for them
/// (<c>nachreichen</c>) or answers a Rückfrage. Everything is checked before anything is stored (text length, number,
/// size and type of the files — the case file's limits and allow-list); then the files go into the case file, the text
/// becomes a comment there (so the clerk sees it on the task page), and the case moves on:
/// <list type="bullet">
/// <item>a user task assigned to the citizen is completed with the variable <c>nachreichung</c>;</item>
/// <item>a waiting receive task or message catch event with <c>egov:citizenAction</c> receives its message in this case
/// only (never another case, never a new start), with <c>nachreichung</c>;</item>
/// <item>a Rückfrage's answer is recorded once, and when the case waits for the message
/// <see cref="CaseStatusBuilder.InquiryAnsweredMessage"/> it receives it with the variable <c>rueckfrage</c>.</item>
/// </list>
/// The citizen acts as the case's owner (the hash of the pseudonym), never as a name.
/// </summary>
public sealed class CitizenAnswers(CitizenStatusStore store, PostkorbServices postkorb, IClock clock)
{
    public const int MaxFiles = 10, MaxText = 10_000;

    public async Task SubmitAsync(TenantEngine t, string owner, CitizenCase c, string? actionId, string? text, IReadOnlyList<CitizenUpload> files, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(files);
        text = text?.Trim() ?? "";
        if (text.Length > MaxText) throw ApiProblemException.BadRequest($"Ihr Text hat {text.Length} Zeichen; erlaubt sind höchstens {MaxText}.");
        if (files.Count > MaxFiles) throw ApiProblemException.BadRequest($"Sie haben {files.Count} Dateien gewählt; erlaubt sind höchstens {MaxFiles}.");
        ProcessInstanceView view;
        try { view = t.Engine.GetInstance(c.InstanceId); }
        catch (WorkflowNotFoundException) { throw Gone(); }
        if (view.State is not (InstanceState.Running or InstanceState.Incident)) throw Gone();

        InquiryRecord? inquiry = null;
        CitizenWait? wait = null;
        if (actionId is { Length: > 2 } && actionId.StartsWith("r-", StringComparison.Ordinal))
        {
            inquiry = (await store.InquiriesAsync(t.TenantId, c.InstanceId, cancel)).FirstOrDefault(i => i.Id == actionId[2..] && i.AnsweredAt is null);
            if (inquiry is null) throw Gone();
            if (text.Length == 0) throw ApiProblemException.BadRequest("Bitte schreiben Sie eine Antwort auf die Rückfrage.");
        }
        else
        {
            wait = CaseStatusBuilder.Waits(t, view, owner).FirstOrDefault(w => w.ActionId == actionId) ?? throw Gone();
            if (text.Length == 0 && files.Count == 0) throw ApiProblemException.BadRequest("Bitte fügen Sie eine Datei hinzu oder schreiben Sie eine Nachricht.");
        }

        // Check every file before storing any.
        var limits = postkorb.AttachmentOptions;
        var checkedFiles = new List<(string Name, string Type, byte[] Content, string Hash)>();
        foreach (var f in files)
        {
            var name = SafeName(f.FileName);
            if (f.Content.LongLength == 0) throw ApiProblemException.BadRequest($"Die Datei „{name}“ ist leer.");
            if (f.Content.LongLength > limits.MaxBytes)
                throw new ApiProblemException(413, "Datei zu groß", $"Die Datei „{name}“ ist {f.Content.LongLength / 1024} KB groß; erlaubt sind höchstens {limits.MaxBytes / 1024 / 1024} MB.");
            string type;
            try { type = AttachmentTypes.Check(name, f.ContentType, f.Content); }
            catch (ApiProblemException e) when (e.Status == 415)
            {
                throw new ApiProblemException(415, "Dateiart nicht erlaubt",
                    $"Die Datei „{name}“ wird nicht angenommen: erlaubt sind PDF, PNG, JPEG, GIF, XML, CSV und Text, und der Name muss zum Inhalt passen ({e.Message}).");
            }
            checkedFiles.Add((name, type, f.Content, Convert.ToHexStringLower(SHA256.HashData(f.Content))));
        }

        var now = clock.GetCurrentInstant();
        var root = view.Id;
        foreach (var (name, type, content, hash) in checkedFiles)
            StoreAttachment(t.TenantId, new CaseAttachment(root, hash, name, type, content.LongLength, owner, now), content);
        var documents = new JsonArray(checkedFiles.Select(f => (JsonNode)new JsonObject
        {
            ["name"] = f.Name, ["hash"] = f.Hash, ["contentType"] = f.Type, ["size"] = f.Content.LongLength,
        }).ToArray());
        var at = now.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        if (inquiry is not null)
        {
            var attachments = new JsonArray(checkedFiles.Select(f => (JsonNode)new JsonObject { ["hash"] = f.Hash, ["name"] = f.Name }).ToArray()).ToJsonString();
            if (!await store.AnswerInquiryAsync(t.TenantId, c.InstanceId, inquiry.Id, text, attachments, cancel)) throw Gone();
            postkorb.Data.AddComment(t.TenantId, new CaseComment(Guid.NewGuid().ToString("N"), root, owner, null,
                $"Antwort auf die Rückfrage „{Shorten(inquiry.Question)}“: {text}" + FilesNote(checkedFiles.Count), now));
            var answer = new JsonObject { ["frage"] = inquiry.Question, ["antwort"] = text, ["dokumente"] = documents, ["beantwortetAm"] = at };
            // Delivered only when this very case waits for the message (a receive task, catch event, boundary event or
            // event subprocess of it subscribed to it): never to another case, never as a new start.
            var tree = view.InstanceIds.ToHashSet(StringComparer.Ordinal);
            if (t.Engine.Store.FindSubscriptions(t.TenantId, SubscriptionKind.Message, CaseStatusBuilder.InquiryAnsweredMessage).Any(s => tree.Contains(s.InstanceId))
                && view.BusinessKey is { Length: > 0 } key)
            {
                try { t.Engine.CorrelateMessage(CaseStatusBuilder.InquiryAnsweredMessage, key, new JsonObject { ["rueckfrage"] = answer }, all: false, userId: owner); }
                catch (WorkflowCommandException) { /* the answer is recorded and in the case file; the clerk sees it there */ }
            }
            return;
        }

        var nachreichung = new JsonObject { ["text"] = text, ["dokumente"] = documents, ["eingereichtAm"] = at };
        if (wait!.TaskId is { } taskId)
        {
            try { t.Engine.CompleteUserTask(taskId, new JsonObject { ["nachreichung"] = nachreichung }, owner); }
            catch (WorkflowCommandException) { throw Gone(); }
        }
        else if (!t.Engine.TriggerWaiting(root, wait.ElementId, new JsonObject { ["nachreichung"] = nachreichung })) throw Gone();
        postkorb.Data.AddComment(t.TenantId, new CaseComment(Guid.NewGuid().ToString("N"), root, owner, null,
            "Nachgereicht" + (text.Length > 0 ? ": " + text : "") + FilesNote(checkedFiles.Count), now));
    }

    private void StoreAttachment(string tenant, CaseAttachment a, byte[] content)
    {
        Postkorb.CaseFileStorage.Store(postkorb.Data, postkorb.AttachmentOptions, tenant, a, content);
    }

    private static ApiProblemException Gone() =>
        new(409, "Nicht mehr offen", "Diese Anfrage ist nicht mehr offen: sie wurde schon beantwortet oder der Vorgang ist weitergegangen. Bitte laden Sie die Seite neu.");

    private static string FilesNote(int n) => n switch { 0 => "", 1 => " (1 Datei)", _ => $" ({n} Dateien)" };

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "…";

    /// <summary>The file's own name without any path, control characters or quotes; "anhang" when nothing is left.</summary>
    internal static string SafeName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        var sb = new StringBuilder();
        foreach (var ch in name) if (!char.IsControl(ch) && ch is not ('"' or '/' or '\\')) sb.Append(ch);
        var s = sb.ToString().Trim();
        return s.Length == 0 ? "anhang" : s.Length > 200 ? s[^200..] : s;
    }
}

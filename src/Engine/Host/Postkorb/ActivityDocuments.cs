using System.Security.Cryptography;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Persistence.Postkorb;
using EGov.Workflows.Sdk;
using NodaTime;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>
/// Files the documents an activity made (a permit as PDF) in the case file, checked as strictly as an upload: a plain
/// file name, not empty, within the size limit, and bytes that are what the name and media type say. All or none: one
/// refused document refuses them all (<see cref="ArgumentException"/>, the task fails with the reason). The author is
/// <c>aktivitaet:&lt;element id&gt;</c>; a document with the same name and bytes from the same task is filed once, so a
/// command that runs again after a rollback does not file it twice.
/// </summary>
public static class ActivityDocuments
{
    public const string AuthorPrefix = "aktivitaet:";

    public static void File(IPostkorbStore data, AttachmentOptions options, IClock clock, string tenantId, string rootInstanceId,
        string elementId, IReadOnlyList<NewCaseDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(documents);
        var author = AuthorPrefix + elementId;
        var now = clock.GetCurrentInstant();
        var checkedDocuments = documents.Select(d => Check(d, options, rootInstanceId, author, now)).ToList();
        var filed = data.Attachments(tenantId, rootInstanceId);
        foreach (var (attachment, content) in checkedDocuments)
        {
            if (filed.Any(a => a.Hash == attachment.Hash && a.Name == attachment.Name && a.UserId == author)) continue;
            CaseFileStorage.Store(data, options, tenantId, attachment, content);
        }
    }

    private static (CaseAttachment, byte[]) Check(NewCaseDocument d, AttachmentOptions options, string root, string author, Instant now)
    {
        ArgumentNullException.ThrowIfNull(d);
        var name = d.Name ?? "";
        if (name.Trim().Length == 0 || name.Length > 200 || name != name.Trim()
            || name.IndexOfAny(['/', '\\', '"']) >= 0 || name.Any(char.IsControl) || name is "." or "..")
            throw new ArgumentException($"the document name '{Shorten(name)}' is not a plain file name (at most 200 characters, no path)");
        var content = d.Content.ToArray();
        if (content.Length == 0) throw new ArgumentException($"the document '{name}' is empty");
        if (content.LongLength > options.MaxBytes)
            throw new ArgumentException($"the document '{name}' has {content.LongLength} bytes; the case file takes at most {options.MaxBytes}");
        string type;
        try { type = AttachmentTypes.Check(name, d.ContentType, content); }
        catch (ApiProblemException refused) { throw new ArgumentException(refused.Message); }
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        return (new CaseAttachment(root, hash, name, type, content.LongLength, author, now), content);
    }

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;
}

using EGov.Workflows.Persistence.Postkorb;
using EGov.Workflows.Sdk;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>
/// The case file's attachments as the activity SDK hands them to packs (<see cref="ActivityContext.CaseDocuments"/>): every
/// upload of the case — the citizen's, a clerk's, a FIT-Connect submission's attachments, an activity's documents — once per content, with its
/// bytes from the database or the attachment folder. An attachment whose content is not found here is left out.
/// </summary>
public static class CaseFileDocuments
{
    public static IReadOnlyList<CaseDocument> Read(IPostkorbStore data, AttachmentOptions options, string tenantId, string rootInstanceId)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var result = new List<CaseDocument>();
        foreach (var a in data.Attachments(tenantId, rootInstanceId).DistinctBy(a => (a.Hash, a.Name)))
        {
            var content = CaseFileStorage.Read(data, options, tenantId, a.Hash);
            if (content is null) continue;
            result.Add(new CaseDocument(a.Name, a.ContentType, a.Hash, content, a.At.ToDateTimeOffset(),
                a.UserId == Inbox.FitConnectInbox.UserId ? "fitconnect" : a.UserId.StartsWith(ActivityDocuments.AuthorPrefix, StringComparison.Ordinal) ? "aktivitaet" : "fallakte"));
        }
        return result;
    }
}

using EGov.Workflows.Persistence.Postkorb;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>
/// Where an attachment's bytes go: into the attachment folder (one file per tenant and hash, written to a temporary
/// name and moved, so a reader never sees half a file) when one is configured, else into the database beside its row.
/// The one place every writer of the case file (uploads, citizen answers, FIT-Connect, activities) stores through, and
/// every reader (downloads, the SDK's case documents, the Stadtplanung eAkte) reads through.
/// </summary>
public static class CaseFileStorage
{
    public static void Store(IPostkorbStore data, AttachmentOptions options, string tenantId, CaseAttachment attachment, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(attachment);
        if (options.Directory is not { } dir)
        {
            data.AddAttachment(tenantId, attachment, content);
            return;
        }
        var folder = Path.Combine(dir, tenantId);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, attachment.Hash);
        if (!File.Exists(path))
        {
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temp, content);
            File.Move(temp, path, overwrite: true);
        }
        data.AddAttachment(tenantId, attachment, null);
    }

    /// <summary>The bytes of a hash, from the database or the attachment folder; null when they are stored in neither.</summary>
    public static byte[]? Read(IPostkorbStore data, AttachmentOptions options, string tenantId, string hash)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var content = data.AttachmentContent(tenantId, hash);
        if (content is null && options.Directory is { } dir && File.Exists(Path.Combine(dir, tenantId, hash)))
            content = File.ReadAllBytes(Path.Combine(dir, tenantId, hash));
        return content;
    }
}

using System.Security.Cryptography;
using System.Text;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Persistence.Postkorb;
using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>A comment of a case file.</summary>
public sealed record CommentDto(string Id, DateTimeOffset At, string UserId, string? OnBehalfOf, string Text);

/// <summary>An attachment of a case file, addressed by the SHA-256 of its content.</summary>
public sealed record AttachmentDto(string Hash, string Name, string ContentType, long Size, DateTimeOffset At, string UserId);

/// <summary>Body of POST /api/process-instances/{id}/comments.</summary>
public sealed record CommentRequest(string? Text);

/// <summary>Limits and storage of attachments.</summary>
public sealed record AttachmentOptions
{
    public const long DefaultMaxBytes = 10 * 1024 * 1024;
    /// <summary>The largest file accepted (413 above).</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;
    /// <summary>Where contents are kept (one file per tenant and hash); null: in the engine's database.</summary>
    public string? Directory { get; init; }
}

/// <summary>
/// The case file (Akte) of a root process instance: comments and attachments. Only who may work the case reaches it —
/// a caller who sees one of its open tasks or has worked one of its tasks; for anyone else the case does not exist (404).
/// An upload is checked before anything is stored: its size (413), and its type twice — the declared content type and
/// name must be on the allow-list, and the bytes must be what they claim (an .exe renamed .pdf is refused, 415).
/// </summary>
public sealed class CaseFileService(TaskService tasks, IPostkorbStore data, IClock clock, AttachmentOptions options)
{
    private string TenantId => tasks.Tenant.TenantId;

    /// <summary>The root instance of the case, when the caller may work it; else 404.</summary>
    public string RequireCase(Caller caller, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var notFound = ApiProblemException.NichtGefunden($"Einen Vorgang „{TaskService.Kurz(instanceId)}“ gibt es für Sie nicht: Sie sehen keine seiner Aufgaben und haben keine bearbeitet.");
        if (!TaskAccess.IsMember(caller, TenantId)) throw notFound;
        var s = tasks.Tenant.Engine.Store.Load(TenantId, instanceId);
        if (s is null) throw notFound;
        var root = s.RootInstanceId;
        var access = tasks.Access(caller);
        if (tasks.Tenant.Engine.Store.OpenUserTasks(TenantId, root).Any(r => access.CanSee(r.Task))) return root;
        if (tasks.Tenant.Engine.TaskHistory(root).Any(e => e.Kind == TaskKind.User && (e.UserId == caller.Id || e.OnBehalfOf == caller.Id))) return root;
        throw notFound;
    }

    public Page<CommentDto> Comments(Caller caller, string instanceId, PageRequest page)
    {
        var root = RequireCase(caller, instanceId);
        return Page<CommentDto>.Of(data.Comments(TenantId, root).Select(c => new CommentDto(c.Id, c.At.ToDateTimeOffset(), c.UserId, c.OnBehalfOf, c.Text)).ToList(), page);
    }

    public CommentDto AddComment(Caller caller, string instanceId, string? text)
    {
        var root = RequireCase(caller, instanceId);
        text = text?.Trim();
        if (string.IsNullOrEmpty(text)) throw ApiProblemException.Ungueltig("Der Kommentar ist leer. Bitte schreiben Sie einen Text (text).", "{\"text\": string (1–10000 characters)}");
        if (text.Length > 10_000) throw ApiProblemException.Ungueltig($"Der Kommentar hat {text.Length} Zeichen; höchstens 10000 sind erlaubt. Kürzen Sie ihn oder hängen Sie den Text als Datei an.", "{\"text\": string (1–10000 characters)}");
        var c = new CaseComment(Guid.NewGuid().ToString("N"), root, caller.Id, null, text, clock.GetCurrentInstant());
        data.AddComment(TenantId, c);
        return new CommentDto(c.Id, c.At.ToDateTimeOffset(), c.UserId, null, c.Text);
    }

    public Page<AttachmentDto> Attachments(Caller caller, string instanceId, PageRequest page)
    {
        var root = RequireCase(caller, instanceId);
        return Page<AttachmentDto>.Of(data.Attachments(TenantId, root).Select(Dto).ToList(), page);
    }

    private static AttachmentDto Dto(CaseAttachment a) => new(a.Hash, a.Name, a.ContentType, a.Size, a.At.ToDateTimeOffset(), a.UserId);

    /// <summary>Checks and stores an upload. Nothing is stored when it is refused.</summary>
    public AttachmentDto Upload(Caller caller, string instanceId, string? fileName, string? declaredType, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var root = RequireCase(caller, instanceId);
        if (content.LongLength > options.MaxBytes)
            throw TooLarge(fileName, content.LongLength, options.MaxBytes);
        if (content.Length == 0) throw ApiProblemException.Ungueltig($"Die Datei „{SafeName(fileName)}“ ist leer. Wählen Sie die Datei erneut aus.", "multipart/form-data with one file in the field \"file\"");
        var name = SafeName(fileName);
        var type = AttachmentTypes.Check(name, declaredType, content); // 415 when refused
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        var a = new CaseAttachment(root, hash, name, type, content.LongLength, caller.Id, clock.GetCurrentInstant());
        CaseFileStorage.Store(data, options, TenantId, a, content);
        return Dto(a);
    }

    /// <summary>The attachment of this case with this hash (404 when the case is not the caller's or has no such attachment).</summary>
    public (AttachmentDto Attachment, byte[] Content) Download(Caller caller, string instanceId, string hash)
    {
        var root = RequireCase(caller, instanceId);
        var a = data.Attachments(TenantId, root).LastOrDefault(x => x.Hash == hash)
            ?? throw ApiProblemException.NichtGefunden($"Diesen Anhang („{TaskService.Kurz(hash)}“) hat der Vorgang nicht. Laden Sie die Akte neu.");
        var content = CaseFileStorage.Read(data, options, TenantId, hash);
        return (Dto(a), content ?? throw ApiProblemException.NichtGefunden($"Der Inhalt des Anhangs „{TaskService.Kurz(a.Name)}“ ist hier nicht gespeichert. Wenden Sie sich an den IT-Service."));
    }

    /// <summary>The title of a 413 for a file over the limit.</summary>
    public const string TitelZuGross = "Datei zu groß";

    /// <summary>413 for a file (or an upload) over the limit: how large, how large at most, in the units people read.</summary>
    internal static ApiProblemException TooLarge(string? fileName, long bytes, long maxBytes) => new(413, TitelZuGross,
        (fileName is { Length: > 0 } ? $"Die Datei „{SafeName(fileName)}“ ist {Groesse(bytes)} groß" : $"Die Datei ist {Groesse(bytes)} groß")
        + $"; höchstens {Groesse(maxBytes)} sind erlaubt. Verkleinern Sie sie (z. B. als PDF mit geringerer Auflösung) oder teilen Sie sie auf.",
        new Dictionary<string, object?> { ["maxBytes"] = maxBytes });

    /// <summary>A size in bytes as people read it: 10 MB, 1,5 MB, 800 KB, 12 Bytes.</summary>
    internal static string Groesse(long bytes)
    {
        var de = System.Globalization.CultureInfo.GetCultureInfo("de-DE");
        return bytes >= 1024 * 1024 ? (bytes / (1024d * 1024)).ToString("0.#", de) + " MB"
            : bytes >= 1024 ? (bytes / 1024d).ToString("0.#", de) + " KB"
            : bytes.ToString(de) + " Bytes";
    }

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

/// <summary>
/// The attachment types accepted, each with how its bytes begin (sniffing) and its file extensions. A file is accepted
/// only when its content is recognised as one of these, its declared content type (when not the generic
/// application/octet-stream) is that type, and its name's extension belongs to it.
/// </summary>
public static class AttachmentTypes
{
    private sealed record Kind(string ContentType, string[] Extensions, Func<byte[], bool> Matches);

    private static readonly Kind[] Allowed =
    [
        new("application/pdf", [".pdf"], b => StartsWith(b, "%PDF-"u8)),
        new("image/png", [".png"], b => StartsWith(b, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])),
        new("image/jpeg", [".jpg", ".jpeg"], b => StartsWith(b, [0xFF, 0xD8, 0xFF])),
        new("image/gif", [".gif"], b => StartsWith(b, "GIF87a"u8) || StartsWith(b, "GIF89a"u8)),
        new("application/xml", [".xml"], b => IsText(b) && TextStart(b).StartsWith('<')),
        new("text/csv", [".csv"], IsText),
        new("text/plain", [".txt", ".text", ".log"], IsText),
    ];

    /// <summary>The content type to store, or 415 with the reason.</summary>
    public static string Check(string name, string? declaredType, byte[] content)
    {
        var declared = (declaredType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (declared == "text/xml") declared = "application/xml";
        var ext = Path.GetExtension(name).ToLowerInvariant();
        var sniffed = Allowed.FirstOrDefault(k => k.Matches(content));
        if (sniffed is null)
            throw Refused($"Der Inhalt von „{TaskService.Kurz(name)}“ ist keine der erlaubten Dateiarten ({Erlaubt}). Speichern Sie die Datei z. B. als PDF.");
        // Plain text also fits CSV and XML content: take the declared or named one when the bytes allow it.
        var candidates = Allowed.Where(k => k.Matches(content)).ToList();
        var kind = candidates.FirstOrDefault(k => k.ContentType == declared) ?? candidates.FirstOrDefault(k => k.Extensions.Contains(ext)) ?? sniffed;
        if (declared.Length > 0 && declared != "application/octet-stream" && declared != kind.ContentType)
            throw Refused($"„{TaskService.Kurz(name)}“ ist als {TaskService.Kurz(declared)} angegeben, der Inhalt ist aber {Art(kind)}. Prüfen Sie, ob es die richtige Datei ist.");
        if (!kind.Extensions.Contains(ext))
            throw Refused($"Der Name „{TaskService.Kurz(name)}“ passt nicht zum Inhalt ({Art(kind)}): die Datei braucht die Endung {string.Join(" oder ", kind.Extensions)}.");
        return kind.ContentType;
    }

    /// <summary>The title of a 415 for a file of a type that is not accepted.</summary>
    public const string TitelDateityp = "Dateityp nicht erlaubt";

    private static string Erlaubt => "PDF, PNG, JPEG, GIF, XML, CSV, Text";

    private static string Art(Kind k) => k.ContentType switch
    {
        "application/pdf" => "PDF", "image/png" => "ein PNG-Bild", "image/jpeg" => "ein JPEG-Bild", "image/gif" => "ein GIF-Bild",
        "application/xml" => "XML", "text/csv" => "CSV", _ => "Text",
    } + $" ({k.ContentType})";

    private static ApiProblemException Refused(string detail) => new(415, TitelDateityp, detail,
        new Dictionary<string, object?> { ["accepted"] = Allowed.Select(k => k.ContentType).ToList() });

    private static bool StartsWith(byte[] b, ReadOnlySpan<byte> prefix) => b.AsSpan().StartsWith(prefix);

    /// <summary>UTF-8 text without NUL and control characters other than tab, line feed, carriage return and form feed.</summary>
    private static bool IsText(byte[] b)
    {
        if (StartsWith(b, "MZ"u8) || StartsWith(b, [0x7F, 0x45, 0x4C, 0x46]) || StartsWith(b, "PK"u8)) return false; // executables, archives
        try { _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(b); }
        catch (DecoderFallbackException) { return false; }
        foreach (var x in b)
            if (x < 0x20 && x is not (0x09 or 0x0A or 0x0D or 0x0C)) return false;
        return true;
    }

    private static string TextStart(byte[] b) => Encoding.UTF8.GetString(b, 0, Math.Min(b.Length, 256)).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
}

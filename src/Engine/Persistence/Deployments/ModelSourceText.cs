using System.Text;
using System.Text.RegularExpressions;

namespace EGov.Workflows.Persistence.Deployments;

/// <summary>
/// The text a model file holds, when it can be stored as the version's model text as it is: UTF-8 (with or without a byte
/// order mark) whose XML declaration, if any, names no other encoding. A stored text is read back as a string, so a file in
/// another encoding (its declaration would then lie about the stored text) is written again by the model writer instead.
/// </summary>
public static partial class ModelSourceText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text, or null when it must be written again.</summary>
    public static string? Of(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        if (bytes.Length - start >= 2 && (bytes[start] == 0 || bytes[start + 1] == 0 || bytes[start] is 0xFE or 0xFF)) return null; // UTF-16/32
        string text;
        try { text = Strict.GetString(bytes, start, bytes.Length - start); }
        catch (DecoderFallbackException) { return null; }
        if (text.StartsWith("<?xml", StringComparison.Ordinal))
        {
            var end = text.IndexOf("?>", StringComparison.Ordinal);
            if (end < 0) return null;
            if (Encoding().Match(text, 0, end) is { Success: true } m && !m.Groups[1].Value.Equals("UTF-8", StringComparison.OrdinalIgnoreCase)) return null;
        }
        return text;
    }

    [GeneratedRegex("""encoding\s*=\s*["']([^"']*)["']""")]
    private static partial Regex Encoding();
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EGov.Workflows.Activities.Payment;

/// <summary>
/// The signature of a provider's notification: header <c>X-Payment-Signature: t=UNIX_SECONDS,v1=HEX</c> where HEX is
/// HMAC-SHA256 with the tenant's <see cref="PaymentOptions.NotificationSecret"/> over <c>"{t}." + body</c> (the body's
/// exact bytes). The timestamp is signed with the body, so an old notification cannot be sent again with a new time.
/// </summary>
public static class NotificationSignature
{
    public const string Header = "X-Payment-Signature";

    /// <summary>The header value for <paramref name="body"/> sent at <paramref name="at"/> (what a provider computes).</summary>
    public static string Sign(string secret, DateTimeOffset at, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(Mac(secret, t, body))}";
    }

    /// <summary>Null when <paramref name="header"/> is a valid, fresh signature of <paramref name="body"/>; else why not.</summary>
    public static string? Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrWhiteSpace(header)) return $"the header {Header} is missing";
        string? t = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t") t = value;
            else if (key == "v1" && value.Length == 64 && value.All(Uri.IsHexDigit)) signatures.Add(Convert.FromHexString(value));
        }
        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return "the signature has no timestamp t=";
        if (signatures.Count == 0) return "the signature has no v1= value";
        var sent = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if ((now - sent).Duration() > tolerance) return $"the signature's timestamp {sent:O} is outside the tolerance of {tolerance.TotalSeconds:0} s (a replay or a wrong clock)";
        var expected = Mac(secret, t, body);
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(s, expected)) ? null : "the signature does not match";
    }

    private static byte[] Mac(string secret, string t, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(t + ".");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data);
    }
}

using System.Security.Cryptography;

namespace EGov.Workflows.Runtime.Execution;

/// <summary>
/// Ids of new process instances: random version-4 UUIDs, as <see cref="Guid.NewGuid"/> makes them (unguessable, unique
/// across engine nodes without coordination), but drawn from a per-thread buffer of cryptographic randomness refilled
/// every 256 ids. Guid.NewGuid asks the operating system for 16 bytes each time, which was a twentieth of the cost of
/// a straight-through instance.
/// </summary>
internal static class InstanceIds
{
    private const int IdsPerRefill = 256;

    [ThreadStatic] private static byte[]? t_random;
    [ThreadStatic] private static int t_next;

    /// <summary>A new id, 32 lower-case hex digits (the "N" form of a GUID).</summary>
    public static string New() => Next().ToString("N");

    public static Guid Next()
    {
        var random = t_random;
        if (random is null || t_next == random.Length)
        {
            random = t_random ??= new byte[16 * IdsPerRefill];
            RandomNumberGenerator.Fill(random);
            t_next = 0;
        }
        Span<byte> bytes = stackalloc byte[16];
        random.AsSpan(t_next, 16).CopyTo(bytes);
        t_next += 16;
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4: the high nibble of the third group (little-endian in Guid's layout)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}

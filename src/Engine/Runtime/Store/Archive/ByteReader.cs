using System.Text;
using NodaTime;

namespace EGov.Workflows.Runtime.Store.Archive;

/// <summary>Reads what <see cref="ByteWriter"/> wrote, in the same order.</summary>
internal ref struct ByteReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _position;
    private List<string>? _texts;

    public readonly bool AtEnd => _position >= _bytes.Length;

    public byte Byte() => _bytes[_position++];

    public bool Bool() => Byte() != 0;

    public ulong UInt()
    {
        ulong v = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = _bytes[_position++];
            v |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return v;
        }
    }

    public long Int()
    {
        var u = UInt();
        return (long)(u >> 1) ^ -(long)(u & 1);
    }

    public string? String()
    {
        var n = (int)UInt();
        if (n == 0) return null;
        var s = Encoding.UTF8.GetString(_bytes.Slice(_position, n - 1));
        _position += n - 1;
        return s;
    }

    public string? Text()
    {
        switch (Byte())
        {
            case 0: return null;
            case 2: return _texts![(int)UInt()];
            case 3:
                var prefix = _texts![(int)UInt()];
                return string.Concat(prefix, ".", String());
            default:
                var s = String()!;
                (_texts ??= []).Add(s);
                return s;
        }
    }

    public Instant Since(Instant from)
    {
        var days = Int();
        var nanos = (long)UInt();
        return from + Duration.FromDays((int)days) + Duration.FromNanoseconds(nanos);
    }

    public ReadOnlySpan<byte> Bytes(int n)
    {
        var span = _bytes.Slice(_position, n);
        _position += n;
        return span;
    }

    public Instant Instant()
    {
        var days = Int();
        var nanos = (long)UInt();
        return NodaConstants.UnixEpoch + Duration.FromDays((int)days) + Duration.FromNanoseconds(nanos);
    }
}

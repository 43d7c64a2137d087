using System.Text;
using NodaTime;

namespace EGov.Workflows.Runtime.Store.Archive;

/// <summary>
/// Writes the archive's compact binary form into one growing buffer that is reused (call <see cref="Reset"/>):
/// unsigned and zig-zag variable-length integers, length-prefixed UTF-8 strings (null distinct from empty), instants
/// and durations, and texts that name what the record named before (<see cref="Text"/>).
/// </summary>
internal sealed class ByteWriter
{
    private byte[] _buffer = new byte[1024];
    private int _length;
    private readonly List<string> _texts = []; // what Text wrote since the last Reset, in order

    private const byte TextNull = 0, TextNew = 1, TextSame = 2, TextDotted = 3;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public int Length => _length;

    public void Reset()
    {
        _length = 0;
        _texts.Clear();
    }

    public void Byte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    public void Bool(bool b) => Byte(b ? (byte)1 : (byte)0);

    public void UInt(ulong v)
    {
        Ensure(10);
        while (v >= 0x80)
        {
            _buffer[_length++] = (byte)(v | 0x80);
            v >>= 7;
        }
        _buffer[_length++] = (byte)v;
    }

    public void Int(long v) => UInt((ulong)((v << 1) ^ (v >> 63)));

    /// <summary>Length + 1, then the UTF-8 bytes; 0 stands for null.</summary>
    public void String(string? s)
    {
        if (s is null) { UInt(0); return; }
        var n = Encoding.UTF8.GetByteCount(s);
        UInt((ulong)n + 1);
        Ensure(n);
        _length += Encoding.UTF8.GetBytes(s, _buffer.AsSpan(_length));
    }

    /// <summary>
    /// A text that repeats within a record: an instance id appears as the tree's root, the document's id, its root,
    /// the history's origin, and as the start of every local id (<c>{instanceId}.s1</c>). Written once; after that as
    /// the number of its first appearance, or that number and the rest after the dot.
    /// </summary>
    public void Text(string? s)
    {
        if (s is null) { Byte(TextNull); return; }
        for (var k = 0; k < _texts.Count; k++)
        {
            var t = _texts[k];
            if (ReferenceEquals(t, s) || t == s) { Byte(TextSame); UInt((ulong)k); return; }
        }
        for (var k = 0; k < _texts.Count; k++)
        {
            var t = _texts[k];
            if (s.Length > t.Length + 1 && s[t.Length] == '.' && s.StartsWith(t, StringComparison.Ordinal))
            {
                Byte(TextDotted);
                UInt((ulong)k);
                String(s[(t.Length + 1)..]);
                return;
            }
        }
        Byte(TextNew);
        String(s);
        _texts.Add(s);
    }

    /// <summary>How far <paramref name="to"/> lies from <paramref name="from"/>: two bytes when they are one moment.</summary>
    public void Since(Instant from, Instant to)
    {
        var d = to - from;
        Int(d.Days);
        UInt((ulong)d.NanosecondOfDay);
    }

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Days since the Unix epoch and the nanosecond of the day: every instant, exactly.</summary>
    public void Instant(Instant i)
    {
        var d = i - NodaConstants.UnixEpoch;
        Int(d.Days);
        UInt((ulong)d.NanosecondOfDay);
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }
}

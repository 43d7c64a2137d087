using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Store.Archive;

/// <summary>
/// Where the in-memory store keeps instance trees that have ended: each tree (its instance documents and its element
/// history) as one record of compact bytes, appended to chunks of one megabyte. The garbage collector neither traces
/// nor copies such chunks, and the index holds no object per instance when ids are GUIDs (as the engine makes them);
/// kept as objects, finished instances cost a straight-through run about twice its own work in collections.
/// Reads decode a fresh copy, as a load must. Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class TreeArchive
{
    private const int ChunkSize = 1 << 20;

    private readonly List<byte[]> _chunks = [];
    private int _used;
    private readonly Dictionary<Guid, long> _byGuid = [];
    private readonly Dictionary<string, long> _byText = new(StringComparer.Ordinal);
    private readonly ByteWriter _writer = new();

    /// <summary>Archived instances (an instance taken back out by <see cref="Remove"/> no longer counts).</summary>
    public int Count => _byGuid.Count + _byText.Count;

    /// <summary>Archives an ended tree: its documents (the root first) and the history of the tree (or none).</summary>
    public void Add(string tenantId, string rootInstanceId, IReadOnlyList<ProcessInstanceState> instances, ElementHistory? history)
    {
        var w = _writer;
        w.Reset();
        w.Text(tenantId);
        w.Text(rootInstanceId);
        w.UInt((ulong)instances.Count);
        foreach (var s in instances)
        {
            w.Text(s.Id);
            DocumentCodec.Write(w, s);
        }
        w.Bool(history is not null);
        history?.WriteTo(w);
        var location = Append(w.Written);
        foreach (var s in instances) Index(s.Id, location);
    }

    /// <summary>The archived tree an instance belongs to, or null.</summary>
    public ArchivedTree? Find(string tenantId, string instanceId)
    {
        if (!TryLocate(instanceId, out var location)) return null;
        var tree = new ArchivedTree(this, location);
        return tree.TenantId == tenantId ? tree : null;
    }

    /// <summary>Forgets the instances of a tree (it is taken back into the live store); its bytes stay, unreachable.</summary>
    public void Remove(IEnumerable<string> instanceIds)
    {
        foreach (var id in instanceIds)
            if (AsGuid(id) is { } g) _byGuid.Remove(g);
            else _byText.Remove(id);
    }

    private bool TryLocate(string instanceId, out long location) =>
        AsGuid(instanceId) is { } g ? _byGuid.TryGetValue(g, out location) : _byText.TryGetValue(instanceId, out location);

    private void Index(string instanceId, long location)
    {
        if (AsGuid(instanceId) is { } g) _byGuid[g] = location;
        else _byText[instanceId] = location;
    }

    /// <summary>The GUID an id spells in the engine's own form (32 lower-case hex digits), else null (kept as text).</summary>
    private static Guid? AsGuid(string id)
    {
        if (id.Length != 32) return null;
        foreach (var c in id)
            if (c is not (>= '0' and <= '9' or >= 'a' and <= 'f')) return null;
        return Guid.ParseExact(id, "N");
    }

    private long Append(ReadOnlySpan<byte> record)
    {
        Span<byte> prefix = stackalloc byte[5];
        var p = 0;
        for (var n = (uint)record.Length; ; n >>= 7)
        {
            if (n < 0x80) { prefix[p++] = (byte)n; break; }
            prefix[p++] = (byte)(n | 0x80);
        }
        var size = p + record.Length;
        if (_chunks.Count == 0 || _used + size > _chunks[^1].Length)
        {
            _chunks.Add(new byte[Math.Max(ChunkSize, size)]);
            _used = 0;
        }
        var chunk = _chunks[^1];
        prefix[..p].CopyTo(chunk.AsSpan(_used));
        record.CopyTo(chunk.AsSpan(_used + p));
        var location = ((long)(_chunks.Count - 1) << 32) | (uint)_used;
        _used += size;
        return location;
    }

    internal ReadOnlySpan<byte> Record(long location)
    {
        var chunk = _chunks[(int)(location >> 32)];
        var offset = (int)(location & 0xFFFF_FFFF);
        var r = new ByteReader(chunk.AsSpan(offset));
        var length = (int)r.UInt();
        var prefix = 1;
        for (var n = (uint)length; n >= 0x80; n >>= 7) prefix++;
        return chunk.AsSpan(offset + prefix, length);
    }
}

/// <summary>One archived tree, decoded on demand.</summary>
internal sealed class ArchivedTree
{
    private readonly TreeArchive _archive;
    private readonly long _location;

    public ArchivedTree(TreeArchive archive, long location)
    {
        _archive = archive;
        _location = location;
        var r = new ByteReader(archive.Record(location));
        TenantId = r.Text()!;
        RootInstanceId = r.Text()!;
    }

    public string TenantId { get; }
    public string RootInstanceId { get; }

    /// <summary>Fresh copies of the tree's documents, the root first.</summary>
    public List<ProcessInstanceState> Instances()
    {
        var r = Open(out var count);
        var list = new List<ProcessInstanceState>(count);
        for (var k = 0; k < count; k++)
        {
            r.Text();
            list.Add(DocumentCodec.Read(ref r));
        }
        return list;
    }

    /// <summary>A fresh copy of one document of the tree, or null.</summary>
    public ProcessInstanceState? Instance(string instanceId)
    {
        var r = Open(out var count);
        for (var k = 0; k < count; k++)
        {
            var id = r.Text();
            var s = DocumentCodec.Read(ref r); // decoded either way: later texts may name what this one wrote
            if (id == instanceId) return s;
        }
        return null;
    }

    /// <summary>The tree's element history as records of the tenant (none when it had none).</summary>
    public List<ElementInstanceRecord> History(ElementDescriptors descriptors)
    {
        var r = Open(out var count);
        for (var k = 0; k < count; k++)
        {
            r.Text();
            DocumentCodec.Read(ref r);
        }
        return r.Bool() ? ElementHistory.ReadFrom(ref r, descriptors, TenantId, RootInstanceId) : [];
    }

    private ByteReader Open(out int count)
    {
        var r = new ByteReader(_archive.Record(_location));
        r.Text();
        r.Text();
        count = (int)r.UInt();
        return r;
    }
}

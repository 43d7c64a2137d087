using EGov.Workflows.Runtime.State;
using NodaTime;

namespace EGov.Workflows.Runtime.Store;

/// <summary>
/// The element-instance history of one root instance tree, as the in-memory store keeps it: one array of small
/// structs instead of a record object and an id string per row. A finished straight-through instance has a dozen rows;
/// kept as objects they were two thirds of what the store held per instance, and most of what every garbage
/// collection had to trace and promote. What rows share (tenant, instance, process, element, type, name) is held once
/// by reference; ids of the runner's form (<c>{instanceId}.h{n}</c>) are kept as the number. Reads build fresh
/// records: history is read rarely and written on every command. Not thread-safe: the store calls it under its lock.
/// </summary>
internal sealed class ElementHistory
{
    private Entry[] _entries = [];
    private int _count;
    private Origin _root;            // the instance of the first row (for most trees the only one)
    private Origin[]? _called;       // further instances of the tree (call activities), index 1, 2, … in Entry.Origin

    /// <summary>Makes room for <paramref name="rows"/> more rows: exactly what a commit brings, so no array is thrown away half empty.</summary>
    public void Reserve(int rows)
    {
        if (_count + rows > _entries.Length) Array.Resize(ref _entries, _count + rows);
    }

    public void Add(ElementInstanceRecord r, ElementDescriptors descriptors)
    {
        if (_count == _entries.Length) Array.Resize(ref _entries, Math.Max(4, _entries.Length * 2));
        _entries[_count++] = new Entry(r, OriginOf(r), descriptors.Of(r.ProcessId, r.ElementId, r.ElementType, r.ElementName, r.ActivityPack));
    }

    public List<ElementInstanceRecord> Read(string tenantId, string rootInstanceId)
    {
        var list = new List<ElementInstanceRecord>(_count);
        for (var k = 0; k < _count; k++)
        {
            var origin = _entries[k].Origin == 0 ? _root : _called![_entries[k].Origin - 1];
            if (origin.TenantId == tenantId) list.Add(_entries[k].ToRecord(origin, rootInstanceId));
        }
        return list;
    }

    /// <summary>
    /// Writes the rows for the archive: the instances they belong to, then per row the element (as its descriptor's
    /// index), the id, the times, the order and whether it completed.
    /// </summary>
    public void WriteTo(Archive.ByteWriter w)
    {
        var origins = _called is null ? 1 : 1 + _called.Length;
        w.UInt((ulong)(_count == 0 ? 0 : origins));
        if (_count > 0)
        {
            w.Text(_root.TenantId);
            w.Text(_root.InstanceId);
            if (_called is not null)
                foreach (var o in _called) { w.Text(o.TenantId); w.Text(o.InstanceId); }
        }
        w.UInt((ulong)_count);
        var previous = NodaConstants.UnixEpoch; // each row's start as the distance from the row before: a byte or two
        for (var k = 0; k < _count; k++) previous = _entries[k].WriteTo(w, previous);
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote, as records of the tenant.</summary>
    public static List<ElementInstanceRecord> ReadFrom(ref Archive.ByteReader r, ElementDescriptors descriptors, string tenantId, string rootInstanceId)
    {
        var origins = new Origin[(int)r.UInt()];
        for (var k = 0; k < origins.Length; k++) origins[k] = new Origin(r.Text()!, r.Text()!);
        var count = (int)r.UInt();
        var list = new List<ElementInstanceRecord>(count);
        var previous = NodaConstants.UnixEpoch;
        for (var k = 0; k < count; k++)
        {
            var row = Entry.ReadFrom(ref r, descriptors, origins, rootInstanceId, previous);
            previous = row.StartedAt;
            if (row.TenantId == tenantId) list.Add(row);
        }
        return list;
    }

    /// <summary>The instance a row belongs to: 0 for the first one seen, else 1 + its place in a short per-tree table.</summary>
    private int OriginOf(ElementInstanceRecord r)
    {
        var origin = new Origin(r.TenantId, r.InstanceId);
        if (_count == 0 && _root.InstanceId is null) _root = origin;
        if (_root == origin) return 0;
        _called ??= [];
        var k = Array.IndexOf(_called, origin);
        if (k >= 0) return k + 1;
        Array.Resize(ref _called, _called.Length + 1);
        _called[^1] = origin;
        return _called.Length;
    }

    private readonly record struct Origin(string TenantId, string InstanceId);

    private readonly struct Entry
    {
        private const string IdMark = ".h";

        private readonly ElementDescriptor _element;
        private readonly string? _idText; // null when the id is InstanceId + ".h" + _idNumber
        private readonly long _idNumber;
        private readonly long _startedAt; // nanoseconds since the Unix epoch (an Instant is twice the size)
        private readonly long _endedAt;
        private readonly Times? _farTimes; // the times themselves, when one lies beyond what a long of nanoseconds holds
        private readonly long _sequence;
        public readonly int Origin;
        private readonly bool _completed;

        public Entry(ElementInstanceRecord r, int origin, ElementDescriptor element)
        {
            if ((r.UnbuiltIdNumber ?? NumberOf(r.Id, r.InstanceId)) is { } n and > 0) _idNumber = n;
            else _idText = r.Id;
            _element = element;
            if (Near(r.StartedAt) && Near(r.EndedAt))
            {
                _startedAt = Nanos(r.StartedAt);
                _endedAt = Nanos(r.EndedAt);
            }
            else _farTimes = new Times(r.StartedAt, r.EndedAt);
            _sequence = r.Sequence;
            Origin = origin;
            _completed = r.Completed;
        }

        // Instants within ±290 years of 1970 (every real clock's) fit in a long of nanoseconds exactly. Computed from
        // the duration's days and nanosecond of day: Duration.ToInt64Nanoseconds checks its range the slow way.
        private const long NanosPerDay = 86_400_000_000_000;
        private const int NearDays = 290 * 365;

        private static bool Near(Instant i) => Math.Abs((i - NodaConstants.UnixEpoch).Days) < NearDays;

        private static long Nanos(Instant i)
        {
            var d = i - NodaConstants.UnixEpoch;
            return d.Days * NanosPerDay + d.NanosecondOfDay;
        }

        private static Instant FromNanos(long n) => NodaConstants.UnixEpoch + Duration.FromNanoseconds(n);

        private sealed record Times(Instant StartedAt, Instant EndedAt);

        /// <summary>n when <paramref name="id"/> is exactly <c>{instanceId}.h{n}</c> (n as the runner writes it), else null.</summary>
        private static long? NumberOf(string id, string instanceId)
        {
            var digits = id.Length - instanceId.Length - IdMark.Length;
            if (digits is < 1 or > 18 || !id.StartsWith(instanceId, StringComparison.Ordinal)
                || string.CompareOrdinal(id, instanceId.Length, IdMark, 0, IdMark.Length) != 0)
                return null;
            var span = id.AsSpan(instanceId.Length + IdMark.Length);
            if (span[0] == '0' || !long.TryParse(span, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                return null;
            return n;
        }

        /// <summary>Writes the row (its start relative to <paramref name="previous"/>) and returns its start.</summary>
        public Instant WriteTo(Archive.ByteWriter w, Instant previous)
        {
            w.UInt((ulong)_element.Index);
            w.UInt((ulong)Origin);
            if (_idText is null) { w.Byte(0); w.UInt((ulong)_idNumber); }
            else { w.Byte(1); w.String(_idText); }
            var started = _farTimes?.StartedAt ?? FromNanos(_startedAt);
            w.Since(previous, started);
            w.Since(started, _farTimes?.EndedAt ?? FromNanos(_endedAt));
            w.Int(_sequence);
            w.Bool(_completed);
            return started;
        }

        public static ElementInstanceRecord ReadFrom(ref Archive.ByteReader r, ElementDescriptors descriptors, Origin[] origins, string rootInstanceId, Instant previous)
        {
            var element = descriptors.At((int)r.UInt());
            var origin = origins[(int)r.UInt()];
            var id = r.Byte() == 0
                ? string.Concat(origin.InstanceId, IdMark, r.UInt().ToString(System.Globalization.CultureInfo.InvariantCulture))
                : r.String()!;
            var started = r.Since(previous);
            return new ElementInstanceRecord
            {
                Id = id, TenantId = origin.TenantId, InstanceId = origin.InstanceId, RootInstanceId = rootInstanceId,
                ProcessId = element.ProcessId, ElementId = element.ElementId, ElementType = element.ElementType, ElementName = element.ElementName,
                ActivityPack = element.ActivityPack, StartedAt = started, EndedAt = r.Since(started), Sequence = r.Int(), Completed = r.Bool(),
            };
        }

        public ElementInstanceRecord ToRecord(Origin origin, string rootInstanceId) => new()
        {
            Id = _idText ?? string.Concat(origin.InstanceId, IdMark, _idNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            TenantId = origin.TenantId, InstanceId = origin.InstanceId, RootInstanceId = rootInstanceId, ProcessId = _element.ProcessId,
            ElementId = _element.ElementId, ElementType = _element.ElementType, ElementName = _element.ElementName, ActivityPack = _element.ActivityPack,
            StartedAt = _farTimes?.StartedAt ?? FromNanos(_startedAt), EndedAt = _farTimes?.EndedAt ?? FromNanos(_endedAt), Completed = _completed, Sequence = _sequence,
        };
    }
}

/// <summary>What every history row of one element shares (with the activity pack that ran it): recorded once, referenced by each row.</summary>
internal sealed record ElementDescriptor(int Index, string ProcessId, string ElementId, string ElementType, string? ElementName, string? ActivityPack = null);

/// <summary>The store's table of element descriptors (a handful per deployed process). Not thread-safe: used under the store's lock.</summary>
internal sealed class ElementDescriptors
{
    private readonly Dictionary<(string, string, string, string?, string?), ElementDescriptor> _known = [];
    private readonly List<ElementDescriptor> _byIndex = [];

    public ElementDescriptor Of(string processId, string elementId, string elementType, string? elementName, string? activityPack = null)
    {
        var key = (processId, elementId, elementType, elementName, activityPack);
        if (!_known.TryGetValue(key, out var d))
        {
            _known[key] = d = new ElementDescriptor(_byIndex.Count, processId, elementId, elementType, elementName, activityPack);
            _byIndex.Add(d);
        }
        return d;
    }

    /// <summary>The descriptor an archived row names by its index.</summary>
    public ElementDescriptor At(int index) => _byIndex[index];
}

using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Store.Archive;

/// <summary>
/// The in-memory store's binary form of an instance document that is ended (the archive) or waits for nothing but
/// timers and jobs (parked). Such a document has no tasks, subscriptions, incidents or compensation records, so its
/// shape is small and fixed: the header, its scopes, tokens and jobs, and the instances it called. That shape is
/// written field by field, ten times faster than JSON and a quarter of its size; a document of any other shape is
/// written as the durable stores write it (JSON). Variables and locals are JSON text either way and read back through
/// <see cref="RuntimeJson"/>, so they behave as after a durable store's round trip. <see cref="ShapeProperties"/> names
/// every property the fixed shape covers; a test fails when a state class gains one that is not covered.
/// </summary>
internal static class DocumentCodec
{
    private const byte FixedShape = 1;
    private const byte Json = 2;

    /// <summary>The properties the fixed shape writes or requires empty (per state class).</summary>
    public static readonly IReadOnlyDictionary<Type, string[]> ShapeProperties = new Dictionary<Type, string[]>
    {
        [typeof(ProcessInstanceState)] =
        [
            "Id", "TenantId", "ProcessId", "DefinitionVersion", "Revision", "BusinessKey", "RootInstanceId", "ParentInstanceId",
            "ParentTokenId", "Status", "StartedAt", "EndedAt", "Sequence", "Scopes", "Tokens", "Jobs", "CalledInstanceIds",
            // required empty:
            "Subscriptions", "UserTasks", "ExternalTasks", "Incidents", "Compensations", "Fristen",
            // derived:
            "IsEnded",
        ],
        [typeof(TokenState)] =
        [
            "Id", "ScopeId", "ElementId", "Status", "StartedAt", "ArrivedBy", "Locals", "ChildScopeId", "CalledInstanceId",
            "IsMultiInstanceInner", "IsMultiInstanceBody", "RetriesLeft", "CompensationFor", "RestoredForCompensation",
            "PendingCompensations", "LoopPass", "Phase", "WaitingActivity", "Silent",
        ],
        [typeof(JobState)] =
        [
            "Id", "Kind", "ElementId", "TokenId", "ScopeId", "DueAt", "TimerKind", "TimerText", "FiredCount", "Retries", "LastError", "Suspended",
        ],
        [typeof(ScopeState)] =
        [
            "Id", "ParentScopeId", "ElementId", "Kind", "OwnerTokenId", "Variables", "StartedAt", "CompletedActivities", "Interrupted",
            // required null:
            "MultiInstance",
        ],
    };

    /// <summary>True when the document has the fixed shape: nothing but scopes (without multi-instance), tokens and jobs.</summary>
    public static bool HasFixedShape(ProcessInstanceState s)
    {
        if (s.Subscriptions.Count > 0 || s.UserTasks.Count > 0 || s.ExternalTasks.Count > 0 || s.Incidents.Count > 0 || s.Compensations.Count > 0
            || s.HasFristen)
            return false;
        foreach (var scope in s.Scopes)
            if (scope.MultiInstance is not null) return false;
        return true;
    }

    /// <summary>One document on its own, as bytes (the writer is the caller's, reused).</summary>
    public static byte[] Encode(ByteWriter w, ProcessInstanceState s)
    {
        w.Reset();
        Write(w, s);
        return w.Written.ToArray();
    }

    public static ProcessInstanceState Decode(byte[] bytes)
    {
        var r = new ByteReader(bytes);
        return Read(ref r);
    }

    public static void Write(ByteWriter w, ProcessInstanceState s)
    {
        if (!HasFixedShape(s))
        {
            w.Byte(Json);
            var json = JsonSerializer.SerializeToUtf8Bytes(s, RuntimeJson.Options);
            w.UInt((ulong)json.Length);
            w.Bytes(json);
            return;
        }
        w.Byte(FixedShape);
        w.Text(s.Id);
        w.Text(s.TenantId);
        w.Text(s.ProcessId);
        w.Int(s.DefinitionVersion);
        w.Int(s.Revision);
        w.Text(s.BusinessKey);
        w.Text(s.RootInstanceId);
        w.Text(s.ParentInstanceId);
        w.Text(s.ParentTokenId);
        w.Byte((byte)s.Status);
        w.Instant(s.StartedAt);
        w.Bool(s.EndedAt.HasValue);
        if (s.EndedAt is { } ended) w.Since(s.StartedAt, ended);
        w.Int(s.Sequence);
        w.UInt((ulong)s.Scopes.Count);
        foreach (var scope in s.Scopes)
        {
            w.Text(scope.Id);
            w.Text(scope.ParentScopeId);
            w.Text(scope.ElementId);
            w.Byte((byte)scope.Kind);
            w.Text(scope.OwnerTokenId);
            WriteJson(w, scope.HasNoVariables ? null : scope.Variables);
            w.Since(s.StartedAt, scope.StartedAt);
            w.Int(scope.CompletedActivities);
            w.Bool(scope.Interrupted);
        }
        w.UInt((ulong)s.Tokens.Count);
        foreach (var t in s.Tokens) Write(w, t, s.StartedAt);
        w.UInt((ulong)s.Jobs.Count);
        foreach (var j in s.Jobs) Write(w, j, s.StartedAt);
        w.UInt((ulong)s.CalledInstanceIds.Count);
        foreach (var id in s.CalledInstanceIds) w.Text(id);
    }

    private static void Write(ByteWriter w, TokenState t, NodaTime.Instant start)
    {
        w.Text(t.Id);
        w.Text(t.ScopeId);
        w.Text(t.ElementId);
        w.Byte((byte)t.Status);
        w.Since(start, t.StartedAt);
        w.Text(t.ArrivedBy);
        WriteJson(w, t.Locals);
        w.Text(t.ChildScopeId);
        w.Text(t.CalledInstanceId);
        w.Bool(t.IsMultiInstanceInner);
        w.Bool(t.IsMultiInstanceBody);
        Optional(w, t.RetriesLeft);
        w.Text(t.CompensationFor);
        w.Bool(t.RestoredForCompensation);
        w.Int(t.PendingCompensations);
        w.Int(t.LoopPass);
        w.Byte((byte)t.Phase);
        w.Text(t.WaitingActivity);
        w.Bool(t.Silent);
    }

    private static TokenState ReadToken(ref ByteReader r, NodaTime.Instant start) => new()
    {
        Id = r.Text()!, ScopeId = r.Text()!, ElementId = r.Text()!, Status = (TokenStatus)r.Byte(), StartedAt = r.Since(start),
        ArrivedBy = r.Text(), Locals = ReadJson(ref r), ChildScopeId = r.Text(), CalledInstanceId = r.Text(),
        IsMultiInstanceInner = r.Bool(), IsMultiInstanceBody = r.Bool(), RetriesLeft = ReadOptional(ref r), CompensationFor = r.Text(),
        RestoredForCompensation = r.Bool(), PendingCompensations = (int)r.Int(), LoopPass = (int)r.Int(), Phase = (TokenPhase)r.Byte(),
        WaitingActivity = r.Text(), Silent = r.Bool(),
    };

    private static void Write(ByteWriter w, JobState j, NodaTime.Instant start)
    {
        w.Text(j.Id);
        w.Byte((byte)j.Kind);
        w.Text(j.ElementId);
        w.Text(j.TokenId);
        w.Text(j.ScopeId);
        w.Since(start, j.DueAt);
        w.Text(j.TimerKind);
        w.Text(j.TimerText);
        w.Int(j.FiredCount);
        Optional(w, j.Retries);
        w.Text(j.LastError);
        w.Bool(j.Suspended);
    }

    private static JobState ReadJob(ref ByteReader r, NodaTime.Instant start) => new()
    {
        Id = r.Text()!, Kind = (JobKind)r.Byte(), ElementId = r.Text()!, TokenId = r.Text(), ScopeId = r.Text(), DueAt = r.Since(start),
        TimerKind = r.Text(), TimerText = r.Text(), FiredCount = (int)r.Int(), Retries = ReadOptional(ref r), LastError = r.Text(),
        Suspended = r.Bool(),
    };

    private static void Optional(ByteWriter w, int? value)
    {
        w.Bool(value.HasValue);
        if (value is { } v) w.Int(v);
    }

    private static int? ReadOptional(ref ByteReader r) => r.Bool() ? (int)r.Int() : null;

    private static void WriteJson(ByteWriter w, JsonObject? o)
    {
        if (o is null) { w.UInt(0); return; }
        var json = JsonSerializer.SerializeToUtf8Bytes(o, RuntimeJson.Options);
        w.UInt((ulong)json.Length + 1);
        w.Bytes(json);
    }

    private static JsonObject? ReadJson(ref ByteReader r)
    {
        var n = (int)r.UInt();
        return n == 0 ? null : JsonSerializer.Deserialize<JsonObject>(r.Bytes(n - 1), RuntimeJson.Options);
    }

    public static ProcessInstanceState Read(ref ByteReader r)
    {
        if (r.Byte() == Json)
        {
            var n = (int)r.UInt();
            return JsonSerializer.Deserialize<ProcessInstanceState>(r.Bytes(n), RuntimeJson.Options)!;
        }
        var s = new ProcessInstanceState
        {
            Id = r.Text()!,
            TenantId = r.Text()!,
            ProcessId = r.Text()!,
            DefinitionVersion = (int)r.Int(),
            Revision = r.Int(),
            BusinessKey = r.Text(),
            RootInstanceId = r.Text()!,
            ParentInstanceId = r.Text(),
            ParentTokenId = r.Text(),
            Status = (InstanceStatus)r.Byte(),
            StartedAt = r.Instant(),
        };
        s.EndedAt = r.Bool() ? r.Since(s.StartedAt) : null;
        s.Sequence = r.Int();
        var scopes = (int)r.UInt();
        for (var k = 0; k < scopes; k++)
        {
            var scope = new ScopeState
            {
                Id = r.Text()!,
                ParentScopeId = r.Text(),
                ElementId = r.Text()!,
                Kind = (ScopeKind)r.Byte(),
                OwnerTokenId = r.Text(),
            };
            scope.Variables = ReadJson(ref r) ?? RuntimeJson.Deserialize<JsonObject>("{}");
            scope.StartedAt = r.Since(s.StartedAt);
            scope.CompletedActivities = (int)r.Int();
            scope.Interrupted = r.Bool();
            s.Scopes.Add(scope);
        }
        var tokens = (int)r.UInt();
        for (var k = 0; k < tokens; k++) s.Tokens.Add(ReadToken(ref r, s.StartedAt));
        var jobs = (int)r.UInt();
        for (var k = 0; k < jobs; k++) s.Jobs.Add(ReadJob(ref r, s.StartedAt));
        var called = (int)r.UInt();
        for (var k = 0; k < called; k++) s.CalledInstanceIds.Add(r.Text()!);
        return s;
    }
}

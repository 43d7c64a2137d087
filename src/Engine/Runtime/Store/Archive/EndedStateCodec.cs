using System.Text.Json;
using System.Text.Json.Nodes;
using EGov.Workflows.Runtime.State;

namespace EGov.Workflows.Runtime.Store.Archive;

/// <summary>
/// The archive's binary form of an ended instance document. An ended instance has lost its tokens, waits, tasks,
/// incidents and compensation records (the runner clears them), so its shape is small and fixed: the header, its
/// scopes (usually the process scope with its variables) and the instances it called. That shape is written field by
/// field, ten times faster than JSON; a document of any other shape is written as the durable stores write it (JSON).
/// Variables are JSON text either way and read back through <see cref="RuntimeJson"/>, so they behave as after a
/// durable store's round trip. <see cref="ShapeProperties"/> names every property the fixed shape covers; a test fails
/// when a state class gains one that is not covered.
/// </summary>
internal static class EndedStateCodec
{
    private const byte FixedShape = 1;
    private const byte Json = 2;

    /// <summary>The properties the fixed shape writes or requires empty (per state class).</summary>
    public static readonly IReadOnlyDictionary<Type, string[]> ShapeProperties = new Dictionary<Type, string[]>
    {
        [typeof(ProcessInstanceState)] =
        [
            "Id", "TenantId", "ProcessId", "DefinitionVersion", "Revision", "BusinessKey", "RootInstanceId", "ParentInstanceId",
            "ParentTokenId", "Status", "StartedAt", "EndedAt", "Sequence", "Scopes", "CalledInstanceIds",
            // required empty:
            "Tokens", "Subscriptions", "Jobs", "UserTasks", "ExternalTasks", "Incidents", "Compensations",
            // derived:
            "IsEnded",
        ],
        [typeof(ScopeState)] =
        [
            "Id", "ParentScopeId", "ElementId", "Kind", "OwnerTokenId", "Variables", "StartedAt", "CompletedActivities", "Interrupted",
            // required null:
            "MultiInstance",
        ],
    };

    private static bool HasFixedShape(ProcessInstanceState s)
    {
        if (!s.IsEnded || s.Tokens.Count > 0 || s.Subscriptions.Count > 0 || s.Jobs.Count > 0 || s.UserTasks.Count > 0
            || s.ExternalTasks.Count > 0 || s.Incidents.Count > 0 || s.Compensations.Count > 0)
            return false;
        foreach (var scope in s.Scopes)
            if (scope.MultiInstance is not null) return false;
        return true;
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
            if (scope.HasNoVariables) w.UInt(0);
            else
            {
                var json = JsonSerializer.SerializeToUtf8Bytes(scope.Variables, RuntimeJson.Options);
                w.UInt((ulong)json.Length + 1);
                w.Bytes(json);
            }
            w.Since(s.StartedAt, scope.StartedAt);
            w.Int(scope.CompletedActivities);
            w.Bool(scope.Interrupted);
        }
        w.UInt((ulong)s.CalledInstanceIds.Count);
        foreach (var id in s.CalledInstanceIds) w.Text(id);
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
            var variables = (int)r.UInt();
            scope.Variables = variables == 0
                ? RuntimeJson.Deserialize<JsonObject>("{}")
                : JsonSerializer.Deserialize<JsonObject>(r.Bytes(variables - 1), RuntimeJson.Options)!;
            scope.StartedAt = r.Since(s.StartedAt);
            scope.CompletedActivities = (int)r.Int();
            scope.Interrupted = r.Bool();
            s.Scopes.Add(scope);
        }
        var called = (int)r.UInt();
        for (var k = 0; k < called; k++) s.CalledInstanceIds.Add(r.Text()!);
        return s;
    }
}

using System.Text.Json.Nodes;

namespace EGov.Workflows.Runtime.State;

/// <summary>
/// Deep copies of the runtime state, written out by hand: the in-memory store copies a document on every load and
/// commit, and a copy through JSON costs about ten times as much. Every property must be copied here; a test fills
/// every public property of every state class with a non-default value and compares the copy's JSON, so a property
/// added later and forgotten here fails it.
/// </summary>
public static class StateCopy
{
    // Variables are copied through their JSON text, not with DeepClone: a value read back from JSON is a JSON element
    // (a long written by a script reads back as a number that GetValue<double> accepts) and the object takes the
    // options of RuntimeJson, so a variable behaves the same after this copy as after a durable store's round trip.
    // An empty object (a scope without variables, the common case) needs no text.
    private static readonly JsonNodeOptions? NodeOptions = RuntimeJson.Deserialize<JsonObject>("{}").Options;

    public static ProcessInstanceState Copy(ProcessInstanceState s) => Copy(s, keep: false);

    /// <summary>
    /// A copy for a store to keep: one it never changes and never hands out (a load copies it again, queries read it),
    /// so its empty lists and empty variable objects can be one shared instance each. A waiting instance has six empty
    /// lists; with 100,000 of them that is about 20 MB. Nothing may ever add to what this returns.
    /// </summary>
    public static ProcessInstanceState CopyToKeep(ProcessInstanceState s)
    {
        var c = Copy(s, keep: true); // empty lists shared already, the others exact: MakeKeepable only swaps empty variables
        MakeKeepable(c);
        return c;
    }

    /// <summary>
    /// Makes a document its owner hands over as lean as <see cref="CopyToKeep"/> would (empty lists and variable objects
    /// become the shared ones), in place. The caller must never change it again.
    /// </summary>
    internal static void MakeKeepable(ProcessInstanceState s)
    {
        s.Scopes = Kept(s.Scopes);
        s.Tokens = Kept(s.Tokens);
        s.Subscriptions = Kept(s.Subscriptions);
        s.Jobs = Kept(s.Jobs);
        s.UserTasks = Kept(s.UserTasks);
        s.ExternalTasks = Kept(s.ExternalTasks);
        s.Incidents = Kept(s.Incidents);
        s.Compensations = Kept(s.Compensations);
        s.CalledInstanceIds = Kept(s.CalledInstanceIds);
        s.Fristen = Kept(s.Fristen);
        foreach (var scope in s.Scopes)
            if (scope.HasNoVariables) scope.Variables = KeptEmptyObject;
    }

    private static List<T> Kept<T>(List<T> list)
    {
        if (list.Count == 0) return KeptEmpty<T>.List;
        if (list.Capacity > list.Count) list.Capacity = list.Count; // a list grows to four at its first add; kept, the slack would stay for ever
        return list;
    }

    private static ProcessInstanceState Copy(ProcessInstanceState s, bool keep) => new()
    {
        Id = s.Id,
        TenantId = s.TenantId,
        ProcessId = s.ProcessId,
        DefinitionVersion = s.DefinitionVersion,
        Revision = s.Revision,
        BusinessKey = s.BusinessKey,
        RootInstanceId = s.RootInstanceId,
        ParentInstanceId = s.ParentInstanceId,
        ParentTokenId = s.ParentTokenId,
        Status = s.Status,
        StartedAt = s.StartedAt,
        EndedAt = s.EndedAt,
        Sequence = s.Sequence,
        Scopes = CopyList(s.Scopes, Copy, keep),
        Tokens = CopyList(s.Tokens, Copy, keep),
        Subscriptions = CopyList(s.Subscriptions, Copy, keep),
        Jobs = CopyList(s.Jobs, Copy, keep),
        UserTasks = CopyList(s.UserTasks, Copy, keep),
        ExternalTasks = CopyList(s.ExternalTasks, Copy, keep),
        Incidents = CopyList(s.Incidents, Copy, keep),
        Compensations = CopyList(s.Compensations, Copy, keep),
        CalledInstanceIds = keep && s.CalledInstanceIds.Count == 0 ? KeptEmpty<string>.List : [.. s.CalledInstanceIds],
        Fristen = CopyList(s.Fristen, Copy, keep),
    };

    public static FristState Copy(FristState f) => new()
    {
        Id = f.Id,
        ElementId = f.ElementId,
        TokenId = f.TokenId,
        JobId = f.JobId,
        Dauer = f.Dauer,
        Art = f.Art,
        Beginn = f.Beginn,
        Hemmungstage = f.Hemmungstage,
        GehemmtSeit = f.GehemmtSeit,
        GehemmtDurch = f.GehemmtDurch,
        Ende = f.Ende,
        Fiktion = f.Fiktion,
        Verlaengerung = f.Verlaengerung,
        VerlaengerungGrund = f.VerlaengerungGrund,
        VerlaengertAm = f.VerlaengertAm,
    };

    private static List<T> CopyList<T>(List<T> list, Converter<T, T> copy, bool keep) =>
        keep && list.Count == 0 ? KeptEmpty<T>.List : list.ConvertAll(copy);

    private static readonly JsonObject KeptEmptyObject = new(NodeOptions);

    private static class KeptEmpty<T>
    {
        public static readonly List<T> List = [];
    }

    public static ScopeState Copy(ScopeState s) => new()
    {
        Id = s.Id,
        ParentScopeId = s.ParentScopeId,
        ElementId = s.ElementId,
        Kind = s.Kind,
        OwnerTokenId = s.OwnerTokenId,
        Variables = Copy(s.Variables),
        StartedAt = s.StartedAt,
        MultiInstance = s.MultiInstance is { } m ? Copy(m) : null,
        CompletedActivities = s.CompletedActivities,
        Interrupted = s.Interrupted,
    };

    public static MultiInstanceState Copy(MultiInstanceState m) => new()
    {
        Sequential = m.Sequential,
        NrOfInstances = m.NrOfInstances,
        NrOfCompleted = m.NrOfCompleted,
        NrOfActive = m.NrOfActive,
        NextIndex = m.NextIndex,
        Items = m.Items is { } items ? ThroughJson(items) : null,
        ElementVariable = m.ElementVariable,
    };

    public static TokenState Copy(TokenState t) => new()
    {
        Id = t.Id,
        ScopeId = t.ScopeId,
        ElementId = t.ElementId,
        Status = t.Status,
        StartedAt = t.StartedAt,
        ArrivedBy = t.ArrivedBy,
        Locals = t.Locals is { } locals ? Copy(locals) : null,
        ChildScopeId = t.ChildScopeId,
        CalledInstanceId = t.CalledInstanceId,
        IsMultiInstanceInner = t.IsMultiInstanceInner,
        IsMultiInstanceBody = t.IsMultiInstanceBody,
        RetriesLeft = t.RetriesLeft,
        CompensationFor = t.CompensationFor,
        RestoredForCompensation = t.RestoredForCompensation,
        PendingCompensations = t.PendingCompensations,
        LoopPass = t.LoopPass,
        Phase = t.Phase,
        WaitingActivity = t.WaitingActivity,
        Silent = t.Silent,
    };

    public static SubscriptionState Copy(SubscriptionState s) => new()
    {
        Id = s.Id,
        Kind = s.Kind,
        EventName = s.EventName,
        ElementId = s.ElementId,
        TokenId = s.TokenId,
        ScopeId = s.ScopeId,
        CreatedAt = s.CreatedAt,
        LastValue = s.LastValue,
    };

    public static JobState Copy(JobState j) => new()
    {
        Id = j.Id,
        Kind = j.Kind,
        ElementId = j.ElementId,
        TokenId = j.TokenId,
        ScopeId = j.ScopeId,
        DueAt = j.DueAt,
        TimerKind = j.TimerKind,
        TimerText = j.TimerText,
        FiredCount = j.FiredCount,
        Retries = j.Retries,
        LastError = j.LastError,
        Suspended = j.Suspended,
    };

    public static UserTaskState Copy(UserTaskState t) => new()
    {
        Id = t.Id,
        TokenId = t.TokenId,
        ElementId = t.ElementId,
        Name = t.Name,
        Assignee = t.Assignee,
        CandidateUsers = [.. t.CandidateUsers],
        CandidateGroups = [.. t.CandidateGroups],
        DueDate = t.DueDate,
        FollowUpDate = t.FollowUpDate,
        Priority = t.Priority,
        FormKey = t.FormKey,
        CreatedAt = t.CreatedAt,
        Order = t.Order,
        Owner = t.Owner,
        DelegationState = t.DelegationState,
        ProcessName = t.ProcessName,
        FristId = t.FristId,
    };

    public static ExternalTaskState Copy(ExternalTaskState t) => new()
    {
        Id = t.Id,
        TokenId = t.TokenId,
        ElementId = t.ElementId,
        Topic = t.Topic,
        Unbound = t.Unbound,
        Retries = t.Retries,
        AvailableAt = t.AvailableAt,
        ErrorMessage = t.ErrorMessage,
        CreatedAt = t.CreatedAt,
        Priority = t.Priority,
        Order = t.Order,
        LockOwner = t.LockOwner,
        LockExpiresAt = t.LockExpiresAt,
        Suspended = t.Suspended,
        TraceParent = t.TraceParent,
    };

    public static IncidentState Copy(IncidentState i) => new()
    {
        Id = i.Id,
        Kind = i.Kind,
        ElementId = i.ElementId,
        TokenId = i.TokenId,
        JobId = i.JobId,
        ExternalTaskId = i.ExternalTaskId,
        Message = i.Message,
        Details = i.Details,
        CreatedAt = i.CreatedAt,
    };

    public static CompensationRecord Copy(CompensationRecord c) => new()
    {
        Id = c.Id,
        ScopeId = c.ScopeId,
        ElementId = c.ElementId,
        HandlerElementId = c.HandlerElementId,
        NestedScopeId = c.NestedScopeId,
        Order = c.Order,
        Locals = c.Locals is { } locals ? Copy(locals) : null,
        EventSubProcessId = c.EventSubProcessId,
        ScopeVariables = c.ScopeVariables is { } variables ? Copy(variables) : null,
    };

    public static StartTimerState Copy(StartTimerState t) => new()
    {
        Id = t.Id,
        TenantId = t.TenantId,
        ProcessId = t.ProcessId,
        ElementId = t.ElementId,
        DueAt = t.DueAt,
        TimerKind = t.TimerKind,
        TimerText = t.TimerText,
        FiredCount = t.FiredCount,
    };

    private static JsonObject Copy(JsonObject o) => o.Count == 0 ? new JsonObject(NodeOptions) : ThroughJson(o);

    private static T ThroughJson<T>(T node) where T : JsonNode =>
        System.Text.Json.JsonSerializer.Deserialize<T>(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(node, RuntimeJson.Options), RuntimeJson.Options)!;
}

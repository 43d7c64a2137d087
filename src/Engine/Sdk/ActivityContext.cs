using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;

namespace EGov.Workflows.Sdk;

/// <summary>What an activity sees of the running process: its inputs, identifiers and the time. Read-only.</summary>
public sealed class ActivityContext
{
    private readonly IReadOnlyDictionary<string, JsonNode?> _inputs;
    private readonly Func<string, JsonNode?> _variable;

    public ActivityContext(
        string tenantId, string processInstanceId, string? businessKey, string elementId, string activityName,
        DateTimeOffset now, IReadOnlyDictionary<string, JsonNode?> inputs, Func<string, JsonNode?> variable,
        CancellationToken cancellationToken = default)
    {
        TenantId = tenantId;
        ProcessInstanceId = processInstanceId;
        BusinessKey = businessKey;
        ElementId = elementId;
        ActivityName = activityName;
        Now = now;
        _inputs = inputs;
        _variable = variable;
        CancellationToken = cancellationToken;
    }

    public string TenantId { get; }
    public string ProcessInstanceId { get; }
    public string? BusinessKey { get; }
    /// <summary>The BPMN element id of the service task.</summary>
    public string ElementId { get; }
    public string ActivityName { get; }
    /// <summary>The engine clock's current time (virtual in scenarios).</summary>
    public DateTimeOffset Now { get; }
    public CancellationToken CancellationToken { get; }

    /// <summary>The declared inputs with their resolved values (input parameter of the task, else process variable of that name).</summary>
    public IReadOnlyDictionary<string, JsonNode?> Inputs => _inputs;

    /// <summary>One input by name (null when absent).</summary>
    public JsonNode? Input(string name) => _inputs.TryGetValue(name, out var v) ? v : _variable(name);

    public string? GetString(string name) => Input(name) is JsonValue v && v.TryGetValue<string>(out var s) ? s : Input(name)?.ToJsonString();

    /// <summary>
    /// A number input as an exact decimal, whatever CLR type the JSON value holds (a start variable <c>2</c> arrives
    /// as a long, a script result as a double): read from its JSON text so 30.70 stays 30.70.
    /// </summary>
    public decimal? GetDecimal(string name) =>
        Input(name) is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number
        && decimal.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? d : null;

    public bool? GetBoolean(string name) => Input(name) is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    /// <summary>A date input (<c>"2026-12-03"</c>, or the date part of <c>"2026-12-03T10:15:00+01:00"</c>) as a NodaTime <see cref="LocalDate"/>; null when absent or not a date.</summary>
    public LocalDate? GetDate(string name)
    {
        if (Input(name) is not JsonValue v || !v.TryGetValue<string>(out var s)) return null;
        var date = LocalDatePattern.Iso.Parse(s);
        if (date.Success) return date.Value;
        var withOffset = OffsetDateTimePattern.ExtendedIso.Parse(s);
        return withOffset.Success ? withOffset.Value.Date : null;
    }

    /// <summary>An instant input (<c>"2026-12-03T10:15:00Z"</c> or with an offset) as a NodaTime <see cref="Instant"/>; null when absent or not an instant.</summary>
    public Instant? GetInstant(string name)
    {
        if (Input(name) is not JsonValue v || !v.TryGetValue<string>(out var s)) return null;
        var instant = InstantPattern.ExtendedIso.Parse(s);
        if (instant.Success) return instant.Value;
        var withOffset = OffsetDateTimePattern.ExtendedIso.Parse(s);
        return withOffset.Success ? withOffset.Value.ToInstant() : null;
    }

    /// <summary>Any variable visible at the task (for activities that need more than their declared inputs).</summary>
    public JsonNode? Variable(string name) => _variable(name);

    /// <summary>What the service catalogue says about the case's service (Aktenplan, Aufbewahrungsfrist); null when the process has no service.yaml.</summary>
    public ServiceFacts? Service { get; init; }

    /// <summary>Reads the documents of the case file; set by the engine where a case file exists (the server).</summary>
    public Func<IReadOnlyList<CaseDocument>>? CaseFile { get; init; }

    /// <summary>The documents of the running case's file (uploads of citizen and clerks, FIT-Connect attachments); empty when there is none.</summary>
    public IReadOnlyList<CaseDocument> CaseDocuments() => CaseFile?.Invoke() ?? [];
}

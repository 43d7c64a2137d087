using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Forms;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Runtime.State;
using EGov.Workflows.Runtime.Store;

namespace EGov.Workflows.Host.Postkorb;

/// <summary>A task's form: a form-js schema (deployed, or generated from camunda:formData) or none, with the values it is prefilled with.</summary>
public sealed record FormDto(string Kind, JsonObject? Schema, JsonObject? Data);

/// <summary>One step of a case's history as the task page shows it.</summary>
public sealed record HistoryEntryDto(DateTimeOffset At, string Kind, string? ElementId, string? ElementName, string? UserId, string? OnBehalfOf, string? Text);

/// <summary>What a task page shows about its case: process, version, Aktenzeichen, where it stands, what happened, the variables the form does not show.</summary>
public sealed record CaseDto(
    string? ProcessName, int ProcessVersion, string? BusinessKey, string InstanceId, IReadOnlyList<string> CurrentElementIds,
    IReadOnlyList<HistoryEntryDto> History, JsonObject Variables);

// Forms and the case view of a task.
public sealed partial class TaskService
{
    /// <summary>The schema of the task's form: the deployed form-js form of its formKey, else one generated from camunda:formData, else null.</summary>
    public (string Kind, JsonObject? Schema) Schema(InboxRow row)
    {
        // The task proves its version exists: one another node deployed is read now, with its forms.
        var definition = Tenant.Definition(row.ProcessId, row.ProcessVersion, known: true);
        if (row.Task.FormKey is { Length: > 0 } key && Tenant.Forms.Find(row.ProcessId, row.ProcessVersion, key) is { } form) return ("form-js", form);
        var element = definition?.Element(row.Task.ElementId);
        return FormCatalog.Generated(element) is { } generated ? ("generated", generated) : ("none", null);
    }

    /// <summary>The task's form, prefilled from the variables its instance holds (only the form's own fields).</summary>
    public FormDto Form(Caller caller, string taskId)
    {
        var (_, row) = Visible(caller, taskId);
        var (kind, schema) = Schema(row);
        if (schema is null) return new FormDto(kind, null, null);
        var vars = InstanceVariables(row.InstanceId);
        var data = new JsonObject();
        foreach (var f in FormValidator.Fields(schema))
        {
            // A field in a group with a path is nested as form-js binds it: {"adresse": {"strasse": …}}.
            var path = FormValidator.PathOf(f);
            if (FormValidator.TryRead(vars, path, out var v)) FormValidator.Write(data, path, v?.DeepClone());
            else if (f["defaultValue"] is { } d) FormValidator.Write(data, path, d.DeepClone());
        }
        return new FormDto(kind, schema, data);
    }

    /// <summary>
    /// The check <see cref="Complete"/> runs before anything is written: with a form, the submitted values must fit it
    /// (400 with <c>errors: [{field, message}]</c> otherwise), and only its editable fields are taken.
    /// </summary>
    public JsonObject? CheckedValues(InboxRow row, JsonObject? submitted)
    {
        var (_, schema) = Schema(row);
        if (schema is null) return submitted;
        var variables = InstanceVariables(row.InstanceId);
        var (values, errors) = FormValidator.Validate(schema, submitted, variables);
        if (errors.Count > 0)
            throw new ApiProblemException(400, FormUngueltig, FormDetail(errors),
                new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList() });
        // A group with a path answers part of an object variable: the rest of it (read-only fields, members no form shows) stays.
        foreach (var (name, value) in values.ToList())
            if (value is JsonObject answered && variables[name] is JsonObject known)
            {
                var merged = (JsonObject)known.DeepClone();
                FormValidator.Merge(merged, answered);
                values[name] = merged;
            }
        return values;
    }

    /// <summary>The title of the 400 answer when the submitted values do not fit the task's form (clerks read it: German).</summary>
    public const string FormUngueltig = "Formular unvollständig oder ungültig";

    /// <summary>
    /// The detail of that answer: how many fields, then the fields' own German messages (at most five), and what to do. The
    /// machine-readable <c>errors</c> keep each field's key.
    /// </summary>
    internal static string FormDetail(IReadOnlyList<FieldError> errors)
    {
        var shown = string.Join(" ", errors.Take(5).Select(e => e.Message.TrimEnd() is var m && m.EndsWith('.') ? m : m + "."));
        var more = errors.Count > 5 ? $" Dazu {errors.Count - 5} weitere." : "";
        var count = errors.Count == 1 ? "1 Feld" : $"{errors.Count} Felder";
        return $"Die Angaben passen nicht zum Formular der Aufgabe ({count}): {shown}{more} Bitte korrigieren Sie die markierten Felder und senden Sie das Formular erneut.";
    }

    /// <summary>The case of the task: process and version, Aktenzeichen, current elements, its history with who and when, and the variables its form does not show.</summary>
    public CaseDto Case(Caller caller, string taskId)
    {
        var (_, row) = Visible(caller, taskId);
        var view = Engine.GetInstance(row.RootInstanceId);
        var (_, schema) = Schema(row);
        var shown = schema is null ? [] : FormValidator.Fields(schema).Select(f => FormValidator.PathOf(f)[0]).ToHashSet(StringComparer.Ordinal);
        var variables = new JsonObject();
        foreach (var (name, value) in view.Variables)
            if (!shown.Contains(name)) variables[name] = value?.DeepClone();
        var history = new List<HistoryEntryDto>();
        foreach (var h in view.History.Where(h => h.Completed))
            history.Add(new HistoryEntryDto(h.EndedAt.ToDateTimeOffset(), "element", h.ElementId, h.ElementName, null, null, null));
        foreach (var e in Engine.TaskHistory(row.RootInstanceId).Where(e => e.Kind == TaskKind.User))
        {
            var s = Engine.Store.Load(Tenant.TenantId, e.InstanceId);
            var name = s is null ? null : Engine.ElementName(s.ProcessId, s.DefinitionVersion, e.ElementId);
            history.Add(new HistoryEntryDto(e.At.ToDateTimeOffset(), "task" + e.Event, e.ElementId, name, e.UserId, e.OnBehalfOf, e.Detail));
        }
        var ordered = history.OrderBy(h => h.At).ThenBy(h => h.Kind == "element" ? 0 : 1).ToList();
        return new CaseDto(row.Task.ProcessName, row.ProcessVersion, row.BusinessKey, row.RootInstanceId, view.Waiting, ordered, variables);
    }

    private JsonObject InstanceVariables(string instanceId) =>
        Engine.Store.Load(Tenant.TenantId, instanceId)?.Scopes.Find(x => x.Kind == ScopeKind.Process)?.Variables ?? [];
}

namespace EGov.Workflows.Host.Api;

/// <summary>The request shapes quoted in 400 answers.</summary>
internal static class RequestBodies
{
    public const string Start = "{\"variables\": {name: value, …} (optional), \"businessKey\": string (optional)}";
    public const string Claim = "{\"takeOver\": boolean (optional: take a task someone else holds)}";
    public const string Complete = "{\"variables\": {name: value, …} (optional; checked against the task's form)}";
    public const string UserId = "{\"userId\": string}";
    public const string FollowUp = "{\"followUp\": date-time or null}";
    public const string Comment = "{\"text\": string (1–10000 characters)}";
    public const string Attachment = "multipart/form-data with one file in the field \"file\"";
    public const string Filter = "{\"name\": string, \"query\": {view, sort, order, q, processId, assignee, candidateGroup}, \"columns\": [string], \"sharedWithGroup\": string or null}";
    public const string Absence = "{\"userId\": string (default: oneself), \"from\": date-time, \"to\": date-time, \"deputy\": string}";
    public const string Message = "{\"name\": string, \"correlationKey\": string (optional), \"variables\": {…} (optional), \"all\": true to deliver to every match (optional)}";
    public const string Signal = "{\"name\": string, \"variables\": {…} (optional)}";
    public const string Deployment = "BPMN 2.0 XML as the body (Content-Type: application/xml), or multipart/form-data with one or more .bpmn (and .dmn) files and the form-js .form files their user tasks' camunda:formKey names";
    public const string Migration = "{\"processId\": string, \"fromVersion\": int, \"toVersion\": int, \"mapping\": {oldElementId: newElementId}, \"instanceIds\": [string] (optional), \"batchSize\": int (optional, default 100)}";
}

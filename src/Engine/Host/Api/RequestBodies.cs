namespace EGov.Workflows.Host.Api;

/// <summary>The request shapes quoted in 400 answers.</summary>
internal static class RequestBodies
{
    public const string Start = "{\"variables\": {name: value, …} (optional), \"businessKey\": string (optional)}";
    public const string Claim = "{\"userId\": string (null unclaims)}";
    public const string Complete = "{\"variables\": {name: value, …} (optional), \"userId\": string (optional: who completes it, for the history)}";
    public const string Message = "{\"name\": string, \"correlationKey\": string (optional), \"variables\": {…} (optional), \"all\": true to deliver to every match (optional)}";
    public const string Signal = "{\"name\": string, \"variables\": {…} (optional)}";
    public const string Deployment = "BPMN 2.0 XML as the body (Content-Type: application/xml), or multipart/form-data with one or more .bpmn files";
    public const string Migration = "{\"processId\": string, \"fromVersion\": int, \"toVersion\": int, \"mapping\": {oldElementId: newElementId}, \"instanceIds\": [string] (optional), \"batchSize\": int (optional, default 100)}";
}

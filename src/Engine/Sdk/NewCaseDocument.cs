namespace EGov.Workflows.Sdk;

/// <summary>
/// A document an activity adds to the case file when it completes (a Bescheid, a permit as PDF): returned with
/// <see cref="ActivityResult.Complete(System.Text.Json.Nodes.JsonObject?, IReadOnlyList{NewCaseDocument})"/>.
/// The server checks it like an upload (name, media type by its bytes, size) and files it under the task's element id
/// as author; later activities read it with <see cref="ActivityContext.CaseDocuments"/> (the eAkte filing sends it along). An
/// engine without case files (the scenario runner) keeps only the task's outputs.
/// </summary>
/// <param name="Name">The file name the clerk and the citizen see, e.g. <c>Parkausweis-DA-2026-0001.pdf</c> (no path).</param>
/// <param name="ContentType">The media type, e.g. <c>application/pdf</c>; checked against the content.</param>
/// <param name="Content">The bytes.</param>
public sealed record NewCaseDocument(string Name, string ContentType, ReadOnlyMemory<byte> Content);

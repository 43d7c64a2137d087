using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;
using Microsoft.Playwright;

namespace EGov.Workflows.Browser.Tests;

/// <summary>
/// The task API of the issue-10 contract (/work/notes/postkorb-contract.md), answered inside the browser by Playwright's
/// routing, so the pages' behaviour (views, chips, claim questions, forms, keyboard paths, axe) is tested against the
/// contract on its own. The page documents come from the build too, so these tests need no session. The end-to-end
/// tests (PostkorbEndToEndTests) run the same pages against the real server.
/// </summary>
public sealed class FakePostkorbApi
{
    public const string Me = "erika";
    public List<JsonObject> Tasks { get; } = [];
    public List<(string Method, string Path, string? Body, string? Csrf)> Requests { get; } = [];
    public string[] Roles { get; set; } = ["clerk"];
    public string[] Groups { get; set; } = ["sachbearbeitung"];
    public JsonObject? Form { get; set; }
    /// <summary>The session has ended: every call answers 401, as the API does for a browser without a valid session.</summary>
    public bool SessionEnded { get; set; }
    /// <summary>The next completion is refused with 403 and this detail (four eyes).</summary>
    public string? RefuseCompletion { get; set; }
    /// <summary>Uploads to the case file are refused with 413 as the server refuses a file over this many bytes (null: accepted).</summary>
    public long? UploadLimit { get; set; }
    /// <summary>Field errors the next completion answers with (400), as the server's form validation would.</summary>
    public JsonArray? NextCompleteErrors { get; set; }

    public static JsonObject Task(string id, string name, string businessKey, string? assignee, string? due = null, int priority = 50, string processName = "Urlaubsantrag") => new()
    {
        ["id"] = id, ["name"] = name, ["elementId"] = "Task_Vorgesetzte_Genehmigen", ["processInstanceId"] = id.Split('.')[0], ["rootInstanceId"] = id.Split('.')[0],
        ["processId"] = "Process_Urlaubsantrag", ["processName"] = processName, ["processVersion"] = 1, ["businessKey"] = businessKey,
        ["assignee"] = assignee, ["owner"] = null, ["delegationState"] = null, ["candidateUsers"] = new JsonArray(),
        ["candidateGroups"] = new JsonArray("sachbearbeitung"), ["due"] = due, ["followUp"] = null, ["priority"] = priority,
        ["createdAt"] = "2026-11-30T08:00:00Z", ["formKey"] = null, ["onBehalfOf"] = null, ["variables"] = new JsonObject(),
    };

    /// <summary>Routes /api/* and the page documents of this context to the fake and the build.</summary>
    public async Task InstallAsync(IPage page)
    {
        await page.Context.AddCookiesAsync([new Cookie { Name = "XSRF-TOKEN", Value = "csrf-abc", Url = "http://127.0.0.1/" }]);
        await page.Context.RouteAsync(url => new Uri(url).AbsolutePath.StartsWith("/api/", StringComparison.Ordinal), HandleAsync);
        await page.Context.RouteAsync(url => new Uri(url).AbsolutePath.StartsWith("/aufgaben", StringComparison.Ordinal), async route =>
        {
            var path = new Uri(route.Request.Url).AbsolutePath;
            var file = path.TrimEnd('/') == "/aufgaben" ? "aufgaben.html" : "aufgabe.html";
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html; charset=utf-8", Path = Path.Combine(Repository.WebDirectory, "pages", file) });
        });
    }

    private async Task HandleAsync(IRoute route)
    {
        var request = route.Request;
        var uri = new Uri(request.Url);
        var path = uri.AbsolutePath;
        request.Headers.TryGetValue("x-xsrf-token", out var csrf);
        lock (Requests) Requests.Add((request.Method, path + uri.Query, request.PostData, csrf));
        var (status, body) = Answer(request.Method, path, HttpUtility.ParseQueryString(uri.Query), request.PostData);
        if (body is string xml)
            await route.FulfillAsync(new() { Status = status, ContentType = "application/xml", Body = xml });
        else
            await route.FulfillAsync(new() { Status = status, ContentType = status >= 400 ? "application/problem+json" : "application/json", Body = body is null ? "" : JsonSerializer.Serialize(body) });
    }

    private (int, object?) Answer(string method, string path, System.Collections.Specialized.NameValueCollection q, string? body)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray(); // api, tasks, {id}, action
        if (SessionEnded) return Problem(401, "Nicht angemeldet", "Bitte melden Sie sich zuerst an: die Anfrage trägt keine gültige Anmeldung (ein Token, die Zugangsdaten eines Workers oder eine Web-Sitzung).");
        if (path == "/api/me")
            return (200, new { id = Me, displayName = "Erika Mustermann", kind = "Person", roles = Roles, groups = Groups, tenants = new[] { "default" }, tenant = "default" });
        if (path == "/api/tasks/counts")
            return (200, new { mine = View("mine").Count(), offered = 0, group = View("group").Count(), overdue = View("overdue").Count(), followup = 0, team = View("team").Count() });
        if (path == "/api/tasks" && method == "GET")
        {
            var items = View(q["view"] ?? "mine");
            if (q["q"] is { Length: > 0 } text)
                items = items.Where(t => Str(t, "businessKey").Contains(text, StringComparison.OrdinalIgnoreCase) || Str(t, "processName").Contains(text, StringComparison.OrdinalIgnoreCase));
            items = (q["sort"] ?? "due") switch
            {
                "priority" => items.OrderBy(t => (int)t["priority"]!),
                "name" => items.OrderBy(t => Str(t, "name"), StringComparer.Ordinal),
                "businessKey" => items.OrderBy(t => Str(t, "businessKey"), StringComparer.Ordinal),
                "created" => items.OrderBy(t => Str(t, "createdAt"), StringComparer.Ordinal),
                _ => items.OrderBy(t => Str(t, "due") is { Length: > 0 } d ? d : "9999", StringComparer.Ordinal),
            };
            var all = items.ToList();
            if (q["order"] == "desc") all.Reverse();
            int offset = int.Parse(q["offset"] ?? "0"), limit = int.Parse(q["limit"] ?? "50");
            return (200, new JsonObject { ["items"] = new JsonArray([.. all.Skip(offset).Take(limit).Select(t => t.DeepClone())]), ["offset"] = offset, ["limit"] = limit, ["total"] = all.Count });
        }
        if (path == "/api/filters")
            return method == "GET" ? (200, new { items = Array.Empty<object>(), offset = 0, limit = 500, total = 0 })
                : (201, JsonNode.Parse(body ?? "{}")!.AsObject().Also(o => o["id"] = "f1"));
        if (parts is ["api", "tasks", var id, ..])
        {
            var task = Tasks.FirstOrDefault(t => Str(t, "id") == id);
            if (task is null) return Problem(404, "Nicht gefunden", $"Die Aufgabe „{id}“ gibt es in Ihrem Postkorb nicht: vielleicht ist sie erledigt oder einer anderen Gruppe zugeordnet. Laden Sie den Postkorb neu.",
                ("code", "taskNotFound"));
            var action = parts.Length > 3 ? parts[3] : "";
            switch (method, action)
            {
                case ("GET", ""): return (200, task);
                case ("GET", "form"):
                    return (200, Form is null ? new JsonObject { ["kind"] = "none", ["schema"] = null, ["data"] = null }
                        : new JsonObject { ["kind"] = "form-js", ["schema"] = Form.DeepClone(), ["data"] = new JsonObject { ["bemerkung"] = "vorbefüllt" } });
                case ("GET", "case"):
                    return (200, new JsonObject
                    {
                        ["processName"] = task["processName"]!.DeepClone(), ["processVersion"] = 1, ["businessKey"] = task["businessKey"]!.DeepClone(),
                        ["instanceId"] = task["rootInstanceId"]!.DeepClone(), ["currentElementIds"] = new JsonArray("Task_Vorgesetzte_Genehmigen"),
                        ["history"] = new JsonArray(new JsonObject { ["at"] = "2026-11-30T08:00:00Z", ["kind"] = "started", ["elementId"] = "StartEvent_1", ["elementName"] = "Antrag eingegangen", ["userId"] = "max", ["onBehalfOf"] = null, ["text"] = "Antrag gestellt" }),
                        ["variables"] = new JsonObject { ["antragsteller"] = "Max Muster", ["tage"] = 5 },
                    });
                case ("POST", "claim"):
                    var takeOver = JsonNode.Parse(body ?? "{}")?["takeOver"]?.GetValue<bool>() ?? false;
                    if (task["assignee"] is { } holder && holder.GetValue<string>() != Me && !takeOver)
                        return Problem(409, "Konflikt", $"Die Aufgabe „{id}“ bearbeitet inzwischen „{holder}“. Übernehmen Sie sie nur nach Absprache (takeOver: true).",
                            ("holder", holder.GetValue<string>()), ("code", "taskHeld"));
                    task["assignee"] = Me;
                    return (200, task);
                case ("POST", "assign"):
                    if (!Roles.Contains("teamlead")) return Problem(403, "Keine Berechtigung", $"„{Me}“ fehlt die Berechtigung TaskAssign (Rollen mit ihr: teamlead).");
                    task["assignee"] = JsonNode.Parse(body ?? "{}")?["userId"]?.DeepClone();
                    return (200, task);
                case ("POST", "unclaim"):
                    task["assignee"] = null;
                    return (200, task);
                case ("POST", "follow-up"):
                    task["followUp"] = JsonNode.Parse(body ?? "{}")?["followUp"]?.DeepClone();
                    return (200, task);
                case ("POST", "complete") when RefuseCompletion is { } why:
                    return Problem(403, "Vier-Augen-Prinzip", why, ("rule", "fourEyes"));
                case ("POST", "complete"):
                    if (NextCompleteErrors is { } errors)
                    {
                        NextCompleteErrors = null;
                        return Problem(400, "Formular unvollständig oder ungültig", "Die Angaben passen nicht zum Formular der Aufgabe. Bitte korrigieren Sie die markierten Felder und senden Sie das Formular erneut.", ("errors", errors));
                    }
                    Tasks.Remove(task);
                    return (200, new { id = task["rootInstanceId"]!.GetValue<string>(), state = "active" });
            }
        }
        if (method == "POST" && parts is ["api", "process-instances", _, "attachments"] && UploadLimit is { } max)
            return Problem(413, "Datei zu groß", $"Die Datei ist größer als {max / 1024} KB; höchstens {max / 1024} KB sind erlaubt. Verkleinern Sie sie (z. B. als PDF mit geringerer Auflösung) oder teilen Sie sie auf.",
                ("maxBytes", max));
        if (parts is ["api", "process-instances", _, "comments" or "attachments"])
            return method == "GET" ? (200, new { items = Array.Empty<object>(), offset = 0, limit = 500, total = 0 })
                : (201, new { id = "c1", at = "2026-12-01T10:00:00Z", userId = Me, text = JsonNode.Parse(body ?? "{}")?["text"]?.GetValue<string>() });
        if (parts is ["api", "process-definitions", _, "versions", _, "xml"])
            return (200, File.ReadAllText(Directory.GetFiles(Repository.ProcessesDirectory, "urlaubsantrag.bpmn", SearchOption.AllDirectories).FirstOrDefault()
                ?? Directory.GetFiles(Repository.ProcessesDirectory, "*.bpmn", SearchOption.AllDirectories).First()));
        return Problem(404, "Not found", $"no resource at {method} {path}");
    }

    private IEnumerable<JsonObject> View(string view) => view switch
    {
        "mine" => Tasks.Where(t => Str(t, "assignee") == Me),
        "group" => Tasks.Where(t => t["candidateGroups"]!.AsArray().Any(g => Groups.Contains(g!.GetValue<string>()))),
        "overdue" => Tasks.Where(t => Str(t, "due") is { Length: > 0 } d && DateTimeOffset.Parse(d, System.Globalization.CultureInfo.InvariantCulture) < DateTimeOffset.UtcNow),
        "team" => Roles.Contains("teamlead") ? Tasks : [],
        _ => [],
    };

    private static string Str(JsonObject t, string name) => t[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private static (int, object?) Problem(int status, string title, string detail, params (string Key, object Value)[] extensions)
    {
        var p = new JsonObject { ["status"] = status, ["title"] = title, ["detail"] = detail };
        foreach (var (k, v) in extensions) p[k] = v is JsonNode n ? n.DeepClone() : JsonValue.Create(v);
        return (status, p);
    }
}

internal static class JsonExtensions
{
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}

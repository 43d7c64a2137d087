using System.Text;
using System.Text.Json.Nodes;
using EGov.Workflows.Host.Api;
using EGov.Workflows.Host.Deployment;
using EGov.Workflows.Host.Postkorb;
using EGov.Workflows.Host.Security;
using EGov.Workflows.Host.Tenancy;
using EGov.Workflows.Persistence.Postkorb;
using EGov.Workflows.Runtime;
using EGov.Workflows.Runtime.Store;
using NodaTime;
using NodaTime.Testing;

namespace EGov.Workflows.Host.Tests.Postkorb;

/// <summary>Forms, the case view, the case file (comments, attachments), absences and saved filters, in process as a Caller.</summary>
public sealed class CaseFileTests : IDisposable
{
    private const string Model = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://example.org/akte">
          <process id="Antrag" name="Bauantrag" isExecutable="true">
            <startEvent id="S" name="Antrag eingegangen" />
            <userTask id="Task_Pruefen" name="Prüfen" camunda:candidateGroups="bauamt" camunda:formKey="egov:forms/pruefung" />
            <userTask id="Task_Bescheid" name="Bescheid" camunda:candidateGroups="bauamt">
              <extensionElements><camunda:formData><camunda:formField id="gebuehr" label="Gebühr" type="long" /></camunda:formData></extensionElements>
            </userTask>
            <endEvent id="E" />
            <sequenceFlow id="f1" sourceRef="S" targetRef="Task_Pruefen" />
            <sequenceFlow id="f2" sourceRef="Task_Pruefen" targetRef="Task_Bescheid" />
            <sequenceFlow id="f3" sourceRef="Task_Bescheid" targetRef="E" />
          </process>
        </definitions>
        """;

    private const string Form = """
        {"type": "default", "components": [
          {"type": "textfield", "key": "antragsteller", "label": "Antragsteller", "readonly": true},
          {"type": "checkbox", "key": "genehmigt", "label": "Genehmigt"},
          {"type": "textarea", "key": "begruendung", "label": "Begründung", "validate": {"required": true}}
        ]}
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "egov-akte-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeClock _clock = new(Instant.FromUtc(2026, 12, 3, 8, 0));
    private readonly InMemoryPostkorbStore _data = new();
    private readonly TaskService _tasks;
    private readonly string _instance;

    private static Caller Person(string id, string[] groups, params string[] roles) =>
        new(id, null, CallerKind.Person, new HashSet<string>(roles.Length == 0 ? [Caller.Clerk] : roles), new HashSet<string>(groups), ["default"]);

    private static readonly Caller Erika = Person("erika", ["bauamt"]);
    private static readonly Caller Jan = Person("jan", ["kasse"]);
    private static readonly Caller Lea = Person("lea", ["bauamt"], Caller.Clerk, Caller.TeamLead);

    public CaseFileTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "forms"));
        File.WriteAllText(Path.Combine(_dir, "antrag.bpmn"), Model);
        File.WriteAllText(Path.Combine(_dir, "forms", "pruefung.form"), Form);
        var tenant = new TenantEngine("default", new WorkflowEngine(new WorkflowEngineOptions { Store = new InMemoryRuntimeStore(), Clock = _clock }));
        ModelDeployer.DeployFiles(tenant, [Path.Combine(_dir, "antrag.bpmn")]);
        _tasks = new TaskService(tenant, _data, _clock);
        _instance = tenant.Engine.StartProcess("Antrag", new JsonObject { ["antragsteller"] = "Max Muster", ["flurstueck"] = "17/4" }, "BA-2026-7");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Task() => _tasks.Tenant.Engine.OpenUserTasks(_instance).Single().Id;

    private CaseFileService CaseFile(AttachmentOptions? options = null) => new(_tasks, _data, _clock, options ?? new AttachmentOptions());

    [Fact]
    public void TheForm_IsTheDeployedFormJsSchema_PrefilledFromTheVariables()
    {
        var form = _tasks.Form(Erika, Task());
        form.Kind.ShouldBe("form-js");
        form.Data!.ToJsonString().ShouldBe("""{"antragsteller":"Max Muster"}""");
        Should.Throw<ApiProblemException>(() => _tasks.Form(Jan, Task())).Status.ShouldBe(404);
    }

    [Fact]
    public void Completing_WithValuesThatDoNotFitTheForm_Is400NamingTheFields_AndNothingIsWritten()
    {
        var id = Task();
        _tasks.Claim(Erika, id, false);
        var e = Should.Throw<ApiProblemException>(() => _tasks.Complete(Erika, id, new JsonObject { ["genehmigt"] = "ja" }, (r, v) => _tasks.CheckedValues(r, v)));
        e.Status.ShouldBe(400);
        var fields = ((System.Collections.IEnumerable)e.Extensions["errors"]!).Cast<object>().Select(x => x.GetType().GetProperty("field")!.GetValue(x)).ToList();
        fields.ShouldBe(["genehmigt", "begruendung"]);
        Task().ShouldBe(id);
        _tasks.Tenant.Engine.GetInstance(_instance).Variables.ContainsKey("genehmigt").ShouldBeFalse();

        _tasks.Complete(Erika, id, new JsonObject { ["genehmigt"] = true, ["begruendung"] = "passt", ["antragsteller"] = "Eve" }, (r, v) => _tasks.CheckedValues(r, v));
        var vars = _tasks.Tenant.Engine.GetInstance(_instance).Variables;
        vars["antragsteller"]!.GetValue<string>().ShouldBe("Max Muster"); // a read-only field is not taken from the browser
        vars["begruendung"]!.GetValue<string>().ShouldBe("passt");

        var next = Task();
        _tasks.Form(Erika, next).Kind.ShouldBe("generated");
        _tasks.Claim(Erika, next, false);
        Should.Throw<ApiProblemException>(() => _tasks.Complete(Erika, next, new JsonObject { ["gebuehr"] = "hundert" }, (r, v) => _tasks.CheckedValues(r, v))).Status.ShouldBe(400);
    }

    [Fact]
    public void TheCase_ShowsProcessHistoryWithWhoAndTheVariablesTheFormDoesNotShow()
    {
        var id = Task();
        _tasks.Claim(Erika, id, false);
        var c = _tasks.Case(Erika, id);
        (c.ProcessName, c.ProcessVersion, c.BusinessKey, c.InstanceId).ShouldBe(("Bauantrag", 1, "BA-2026-7", _instance));
        c.CurrentElementIds.ShouldBe(["Task_Pruefen"]);
        c.History.Select(h => (h.Kind, h.ElementId, h.UserId)).ShouldBe([("element", "S", null), ("taskCreated", "Task_Pruefen", null), ("taskAssigned", "Task_Pruefen", "erika")]);
        c.History[1].ElementName.ShouldBe("Prüfen");
        c.Variables.ToJsonString().ShouldBe("""{"flurstueck":"17/4"}""");
    }

    [Fact]
    public void Comments_OnlyForWhoWorksTheCase()
    {
        var files = CaseFile();
        files.AddComment(Erika, _instance, "  Unterlagen vollständig  ").Text.ShouldBe("Unterlagen vollständig");
        files.Comments(Erika, _instance, new PageRequest(0, 50)).Items.Single().UserId.ShouldBe("erika");
        Should.Throw<ApiProblemException>(() => files.Comments(Jan, _instance, new PageRequest(0, 50))).Status.ShouldBe(404);
        Should.Throw<ApiProblemException>(() => files.AddComment(Jan, _instance, "hallo")).Status.ShouldBe(404);
        Should.Throw<ApiProblemException>(() => files.AddComment(Erika, _instance, " ")).Status.ShouldBe(400);
        Should.Throw<ApiProblemException>(() => files.Comments(Erika, "unbekannt", new PageRequest(0, 50))).Status.ShouldBe(404);
    }

    [Fact]
    public void Attachments_AreCheckedBeforeAnythingIsStored_AndAddressedByHash()
    {
        var files = CaseFile(new AttachmentOptions { MaxBytes = 1000 });
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF");
        var a = files.Upload(Erika, _instance, "bauzeichnung.pdf", "application/pdf", pdf);
        a.Hash.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)));
        a.ContentType.ShouldBe("application/pdf");
        files.Download(Erika, _instance, a.Hash).Content.ShouldBe(pdf);
        Should.Throw<ApiProblemException>(() => files.Download(Jan, _instance, a.Hash)).Status.ShouldBe(404);

        var exe = new byte[] { 0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00 };
        Should.Throw<ApiProblemException>(() => files.Upload(Erika, _instance, "rechnung.pdf", "application/pdf", exe)).Status.ShouldBe(415);
        Should.Throw<ApiProblemException>(() => files.Upload(Erika, _instance, "bild.png", "image/png", pdf)).Status.ShouldBe(415);
        Should.Throw<ApiProblemException>(() => files.Upload(Erika, _instance, "notiz.exe", "text/plain", "hallo"u8.ToArray())).Status.ShouldBe(415);
        Should.Throw<ApiProblemException>(() => files.Upload(Erika, _instance, "gross.txt", "text/plain", new byte[1001])).Status.ShouldBe(413);
        files.Upload(Erika, _instance, "../../notiz.txt", "", "Rückruf erbeten"u8.ToArray()).Name.ShouldBe("notiz.txt");
        files.Attachments(Erika, _instance, new PageRequest(0, 50)).Items.Select(x => x.Name).ShouldBe(["bauzeichnung.pdf", "notiz.txt"]);
    }

    [Fact]
    public void Attachments_InAConfiguredDirectory()
    {
        var files = CaseFile(new AttachmentOptions { Directory = Path.Combine(_dir, "anhaenge") });
        var a = files.Upload(Erika, _instance, "foto.png", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);
        File.Exists(Path.Combine(_dir, "anhaenge", "default", a.Hash)).ShouldBeTrue();
        _data.AttachmentContent("default", a.Hash).ShouldBeNull();
        files.Download(Erika, _instance, a.Hash).Content.Length.ShouldBe(11);
    }

    [Fact]
    public void Absences_ForOneselfOrByATeamLead_AndTheDeputyWorksTheCase()
    {
        var absences = new AbsenceService("default", _data, _clock);
        var from = _clock.GetCurrentInstant().ToDateTimeOffset();
        Should.Throw<ApiProblemException>(() => absences.Add(Jan, new AbsenceRequest("erika", from, from.AddDays(3), "jan"))).Status.ShouldBe(403);
        Should.Throw<ApiProblemException>(() => absences.Add(Erika, new AbsenceRequest(null, from, from.AddDays(-1), "jan"))).Status.ShouldBe(400);
        Should.Throw<ApiProblemException>(() => absences.Add(Erika, new AbsenceRequest(null, from, from.AddDays(1), "erika"))).Status.ShouldBe(400);
        var a = absences.Add(Erika, new AbsenceRequest(null, from, from.AddDays(3), "jan"));
        absences.Add(Lea, new AbsenceRequest("max", from, from.AddDays(3), "jan")).CreatedBy.ShouldBe("lea");
        absences.List(Jan, null, new PageRequest(0, 50)).Items.Select(x => x.UserId).ShouldBe(["erika", "max"]);
        absences.List(Person("otto", []), null, new PageRequest(0, 50)).Items.ShouldBeEmpty();

        var id = Task();
        _tasks.Claim(Erika, id, false);
        _tasks.Get(Jan, id).OnBehalfOf.ShouldBe("erika");
        CaseFile().AddComment(Jan, _instance, "in Vertretung gesehen").UserId.ShouldBe("jan");

        Should.Throw<ApiProblemException>(() => absences.Delete(Person("otto", []), a.Id)).Status.ShouldBe(404);
        absences.Delete(Erika, a.Id);
        Should.Throw<ApiProblemException>(() => _tasks.Get(Jan, id)).Status.ShouldBe(404);
    }

    [Fact]
    public void Filters_OwnOrSharedWithMyGroup_OnlyTheOwnerDeletes()
    {
        var filters = new FilterService("default", _data, _clock);
        var mine = filters.Add(Erika, new SavedFilterRequest("Bauanträge", new JsonObject { ["view"] = "group", ["q"] = "BA-" }, ["antragsteller"], null));
        var shared = filters.Add(Lea, new SavedFilterRequest("Team Bau", new JsonObject { ["view"] = "team" }, [], "bauamt"));
        Should.Throw<ApiProblemException>(() => filters.Add(Erika, new SavedFilterRequest("x", null, null, "kasse"))).Status.ShouldBe(403);
        Should.Throw<ApiProblemException>(() => filters.Add(Erika, new SavedFilterRequest("x", new JsonObject { ["sql"] = "1" }, null, null))).Status.ShouldBe(400);
        filters.List(Erika, new PageRequest(0, 50)).Items.Select(f => f.Name).ShouldBe(["Bauanträge", "Team Bau"]);
        filters.List(Jan, new PageRequest(0, 50)).Items.ShouldBeEmpty();
        mine.Columns.ShouldBe(["antragsteller"]);
        Should.Throw<ApiProblemException>(() => filters.Delete(Erika, shared.Id)).Status.ShouldBe(403);
        Should.Throw<ApiProblemException>(() => filters.Delete(Jan, mine.Id)).Status.ShouldBe(404);
        filters.Delete(Erika, mine.Id);
        filters.List(Erika, new PageRequest(0, 50)).Items.Single().Id.ShouldBe(shared.Id);
    }
}

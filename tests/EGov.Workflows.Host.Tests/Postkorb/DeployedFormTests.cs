using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace EGov.Workflows.Host.Tests.Postkorb;

/// <summary>
/// Forms of an API deployment: <c>.form</c> files in the same multipart request as the model are the forms its user
/// tasks name (camunda:formKey); the server shows and checks them, and keeps them across a restart (deployment_forms).
/// </summary>
public sealed class DeployedFormTests
{
    private static string Model(string name) => Path.Combine(AppContext.BaseDirectory, "Models", "postkorb", name);

    private static async Task<HttpResponseMessage> DeployAsync(TestServer s, params (string Name, byte[] Bytes)[] files)
    {
        var analyst = await s.Identities.ClientAsync($"modell-{Guid.NewGuid():N}"[..16], ["analyst"]);
        using var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue(name.EndsWith(".form", StringComparison.Ordinal) ? "application/json" : "application/xml");
            form.Add(file, "files", name);
        }
        return await analyst.PostAsync("api/deployments", form);
    }

    private static async Task<(string TaskId, HttpClient Erika)> OpenTaskAsync(TestServer s, string key)
    {
        await s.StartProcessAsync("Bauantrag", new { variables = new { antragsteller = "Max Muster", frist = "2099-01-01T00:00:00Z" }, businessKey = key });
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var items = (await TestServer.GetJsonAsAsync(erika, $"api/tasks?view=group&q={key}"))["items"]!.AsArray();
        return (items.ShouldHaveSingleItem()!["id"]!.GetValue<string>(), erika);
    }

    [Fact]
    public async Task FormFilesBesideTheModel_AreTheTasksForms_CheckedOnComplete_AndKeptAcrossARestart()
    {
        var db = Path.Combine(Path.GetTempPath(), "egov-host-tests", Guid.NewGuid().ToString("N"), "egov.db");
        var bpmn = await File.ReadAllBytesAsync(Model("bauantrag.bpmn"));
        var pruefung = await File.ReadAllBytesAsync(Model(Path.Combine("forms", "pruefung.form")));
        await using (var s = await TestServer.StartAsync(store: $"sqlite:{db}"))
        {
            using var deployed = await DeployAsync(s, ("bauantrag.bpmn", bpmn), ("pruefung.form", pruefung));
            ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
            var (id, erika) = await OpenTaskAsync(s, "BA-1");
            (await TestServer.GetJsonAsAsync(erika, $"api/tasks/{id}/form"))["kind"]!.GetValue<string>().ShouldBe("form-js");
        }
        await using (var s = await TestServer.StartAsync(store: $"sqlite:{db}"))
        {
            var (id, erika) = await OpenTaskAsync(s, "BA-2");
            var form = await TestServer.GetJsonAsAsync(erika, $"api/tasks/{id}/form");
            form["kind"]!.GetValue<string>().ShouldBe("form-js");
            form["data"]!["antragsteller"]!.GetValue<string>().ShouldBe("Max Muster");
            await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{id}/claim", new { });
            var invalid = await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{id}/complete", new { variables = new { gebuehr = "viel" } }), 400);
            invalid["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ShouldContain("gebuehr");
        }
    }

    /// <summary>A form whose groups have a <c>path</c> (form-js nests their fields): "adresse" read-only from the case, "bescheid" answered by the clerk.</summary>
    private const string NestedForm = """
        {
          "type": "default", "id": "Form_Pruefung_Verschachtelt",
          "components": [
            { "type": "textfield", "key": "antragsteller", "label": "Antragsteller", "readonly": true },
            { "type": "group", "label": "Anschrift", "path": "adresse", "components": [
              { "type": "textfield", "key": "ort", "label": "Ort", "readonly": true },
              { "type": "textfield", "key": "plz", "label": "Postleitzahl", "defaultValue": "00000" }
            ] },
            { "type": "group", "label": "Bescheid", "path": "bescheid", "components": [
              { "type": "number", "key": "gebuehr", "label": "Gebühr", "validate": { "min": 0, "max": 5000 } },
              { "type": "textarea", "key": "begruendung", "label": "Begründung", "validate": { "required": true, "minLength": 5 } }
            ] }
          ]
        }
        """;

    [Fact]
    public async Task AFormWithGroupPaths_IsPrefilledNested_CheckedByPath_AndCompletesWithNestedVariables()
    {
        await using var s = await TestServer.StartAsync();
        using var deployed = await DeployAsync(s, ("bauantrag.bpmn", await File.ReadAllBytesAsync(Model("bauantrag.bpmn"))), ("pruefung.form", Encoding.UTF8.GetBytes(NestedForm)));
        ((int)deployed.StatusCode).ShouldBe(201, await deployed.Content.ReadAsStringAsync());
        await s.StartProcessAsync("Bauantrag", new
        {
            variables = new { antragsteller = "Max Muster", frist = "2099-01-01T00:00:00Z", adresse = new { ort = "Darmstadt", strasse = "Luisenplatz 1" } },
            businessKey = "BA-N",
        });
        var erika = await s.PersonAsync("erika", ["bauamt"]);
        var id = (await TestServer.GetJsonAsAsync(erika, "api/tasks?view=group&q=BA-N"))["items"]!.AsArray().ShouldHaveSingleItem()!["id"]!.GetValue<string>();

        var form = await TestServer.GetJsonAsAsync(erika, $"api/tasks/{id}/form");
        form["data"]!.ToJsonString().ShouldBe("""{"antragsteller":"Max Muster","adresse":{"ort":"Darmstadt","plz":"00000"}}""",
            "prefilled nested as form-js binds it, only the form's own fields");
        await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{id}/claim", new { });

        var invalid = await TestServer.ShouldBeProblemAsync(await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{id}/complete",
            new { variables = new { bescheid = new { gebuehr = "viel" }, begruendung = "flach daneben" } }), 400);
        invalid["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Order().ShouldBe(["begruendung", "bescheid.begruendung", "bescheid.gebuehr"]);
        invalid["errors"]!.AsArray().Single(e => e!["field"]!.GetValue<string>() == "bescheid.begruendung")!["message"]!.GetValue<string>().ShouldBe("„Begründung“ ist ein Pflichtfeld.");

        using var done = await TestServer.SendAsAsync(erika, HttpMethod.Post, $"api/tasks/{id}/complete",
            new { variables = new { bescheid = new { gebuehr = 120, begruendung = "Unterlagen vollständig" }, adresse = new { ort = "Gefälscht", plz = "64283" } } });
        ((int)done.StatusCode).ShouldBe(200, await done.Content.ReadAsStringAsync());
        var instanceId = (await s.GetJsonAsync("api/process-instances?businessKey=BA-N"))["items"]![0]!["id"]!.GetValue<string>();
        var variables = (await s.InstanceAsync(instanceId))["variables"]!;
        variables["bescheid"]!["gebuehr"]!.GetValue<int>().ShouldBe(120);
        variables["bescheid"]!["begruendung"]!.GetValue<string>().ShouldBe("Unterlagen vollständig");
        variables["adresse"]!["ort"]!.GetValue<string>().ShouldBe("Darmstadt", "a read-only nested field is never taken from the browser");
        variables["adresse"]!["plz"]!.GetValue<string>().ShouldBe("64283");
        variables["adresse"]!["strasse"]!.GetValue<string>().ShouldBe("Luisenplatz 1", "a member the form does not show stays");
    }

    [Fact]
    public async Task ABrokenFormFile_RefusesTheWholeDeployment_NamingTheFile()
    {
        await using var s = await TestServer.StartAsync();
        var bpmn = await File.ReadAllBytesAsync(Model("bauantrag.bpmn"));
        using var broken = await DeployAsync(s, ("bauantrag.bpmn", bpmn), ("pruefung.form", Encoding.UTF8.GetBytes("{ \"components\": [ ")));
        var problem = await TestServer.ShouldBeProblemAsync(broken, 422);
        problem.ToJsonString().ShouldContain("pruefung.form:");
        (await s.GetJsonAsync("api/process-definitions")).AsArray().ShouldBeEmpty();

        using var notAForm = await DeployAsync(s, ("bauantrag.bpmn", bpmn), ("pruefung.form", Encoding.UTF8.GetBytes("[1, 2]")));
        (await TestServer.ShouldBeProblemAsync(notAForm, 422)).ToJsonString().ShouldContain("not a form-js form");
        using var formsAlone = await DeployAsync(s, ("pruefung.form", Encoding.UTF8.GetBytes("{ \"components\": [] }")));
        await TestServer.ShouldBeProblemAsync(formsAlone, 422);
    }

    [Fact]
    public async Task AFormNoUserTaskOfTheDeploymentNames_IsRefusedWith400_AndNothingIsDeployed()
    {
        await using var s = await TestServer.StartAsync(store: "sqlite:{dir}/egov.db");
        var pruefung = await File.ReadAllBytesAsync(Model(Path.Combine("forms", "pruefung.form")));
        var dmn = await File.ReadAllBytesAsync(TestServer.ModelPath("gebuehr.dmn"));

        // Decisions only: a form has no process version to belong to.
        using var dmnOnly = await DeployAsync(s, ("gebuehr.dmn", dmn), ("pruefung.form", pruefung));
        (await TestServer.ShouldBeProblemAsync(dmnOnly, 400))["detail"]!.GetValue<string>().ShouldContain("pruefung.form");
        (await s.GetJsonAsync("api/decision-definitions"))["items"]!.AsArray().ShouldBeEmpty();

        // Beside a model that does not use it: refused too, naming only the unused one.
        var bpmn = await File.ReadAllBytesAsync(Model("bauantrag.bpmn"));
        using var unused = await DeployAsync(s, ("bauantrag.bpmn", bpmn), ("pruefung.form", pruefung), ("anhoerung.form", pruefung));
        var detail = (await TestServer.ShouldBeProblemAsync(unused, 400))["detail"]!.GetValue<string>();
        detail.ShouldContain("anhoerung.form");
        detail.ShouldNotContain("pruefung.form");
        (await s.GetJsonAsync("api/process-definitions")).AsArray().ShouldBeEmpty();
    }
}

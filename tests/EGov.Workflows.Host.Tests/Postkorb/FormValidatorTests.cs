using System.Text.Json.Nodes;
using EGov.Workflows.Host.Forms;

namespace EGov.Workflows.Host.Tests.Postkorb;

/// <summary>The server checks a submitted form against its form-js schema: a browser is not a trust boundary.</summary>
public sealed class FormValidatorTests
{
    private static readonly JsonObject Schema = JsonNode.Parse("""
        {
          "type": "default",
          "components": [
            { "type": "text", "text": "Hinweis" },
            { "type": "textfield", "key": "aktenzeichen", "label": "Aktenzeichen", "validate": { "required": true, "pattern": "[A-Z]{2}-[0-9]{4}" } },
            { "type": "textarea", "key": "begruendung", "label": "Begründung", "validate": { "minLength": 5, "maxLength": 20 } },
            { "type": "number", "key": "tage", "label": "Tage", "validate": { "min": 1, "max": 30 } },
            { "type": "checkbox", "key": "genehmigt", "label": "Genehmigt" },
            { "type": "select", "key": "art", "label": "Art", "values": [ { "label": "Erholung", "value": "erholung" }, { "label": "Sonder", "value": "sonder" } ] },
            { "type": "checklist", "key": "unterlagen", "label": "Unterlagen", "values": [ { "label": "Pass", "value": "pass" }, { "label": "Meldebescheinigung", "value": "melde" } ] },
            { "type": "datetime", "subtype": "date", "key": "von", "label": "Von" },
            { "type": "textfield", "key": "antragsteller", "label": "Antragsteller", "readonly": true },
            { "type": "group", "components": [ { "type": "textfield", "key": "telefon", "label": "Telefon", "validate": { "maxLength": 5 } } ] }
          ]
        }
        """)!.AsObject();

    private static (JsonObject Values, IReadOnlyList<FieldError> Errors) Check(string json) => FormValidator.Validate(Schema, JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void AValidSubmission_PassesWithItsEditableValuesOnly()
    {
        var (values, errors) = Check("""
            {"aktenzeichen": "BA-2026", "begruendung": "alles gut", "tage": 5, "genehmigt": true, "art": "sonder", "unterlagen": ["pass"],
             "von": "2026-12-24", "antragsteller": "Eve hat das geändert", "telefon": "123"}
            """);
        errors.ShouldBeEmpty();
        values.ContainsKey("antragsteller").ShouldBeFalse(); // read-only: never taken from the browser
        values["tage"]!.GetValue<int>().ShouldBe(5);
    }

    [Fact]
    public void EveryWrongField_IsNamed_WithAGermanMessage()
    {
        var (_, errors) = Check("""
            {"begruendung": "kurz", "tage": "viele", "genehmigt": "ja", "art": "urlaub", "unterlagen": ["pass", "geheim"], "von": "24.12.2026",
             "telefon": "0123456789", "fremd": 1}
            """);
        errors.Select(e => e.Field).Order().ShouldBe(["aktenzeichen", "art", "begruendung", "fremd", "genehmigt", "tage", "telefon", "unterlagen", "von"]);
        errors.Single(e => e.Field == "aktenzeichen").Message.ShouldBe("„Aktenzeichen“ ist ein Pflichtfeld.");
        errors.Single(e => e.Field == "tage").Message.ShouldContain("Zahl");
        errors.Single(e => e.Field == "art").Message.ShouldContain("keine der angebotenen Möglichkeiten");
    }

    [Fact]
    public void PatternMinMaxAndLengths_AreChecked()
    {
        Check("""{"aktenzeichen": "ba-2026x"}""").Errors.Single().Field.ShouldBe("aktenzeichen");
        Check("""{"aktenzeichen": "BA-2026", "tage": 0}""").Errors.Single().Message.ShouldContain("mindestens 1");
        Check("""{"aktenzeichen": "BA-2026", "tage": 31}""").Errors.Single().Message.ShouldContain("höchstens 30");
        Check("""{"aktenzeichen": "BA-2026", "begruendung": "viel zu lang für dieses Feld hier"}""").Errors.Single().Message.ShouldContain("höchstens 20 Zeichen");
        Check("""{"aktenzeichen": "BA-2026", "begruendung": ""}""").Errors.ShouldBeEmpty(); // empty and optional
    }

    private static readonly JsonObject Conditional = JsonNode.Parse("""
        {
          "type": "default",
          "components": [
            { "type": "checkbox", "key": "approved", "label": "Genehmigt" },
            { "type": "textarea", "key": "ablehnungsgrund", "label": "Ablehnungsgrund", "validate": { "required": true, "minLength": 5 }, "conditional": { "hide": "=approved" } },
            { "type": "group", "conditional": { "hide": "=tage <= 10" }, "components": [
              { "type": "textfield", "key": "vertretung", "label": "Vertretung", "validate": { "required": true } } ] },
            { "type": "number", "key": "tage", "label": "Tage", "readonly": true },
            { "type": "textfield", "key": "notiz", "label": "Notiz", "validate": { "required": true }, "conditional": { "hide": "=this is no FEEL (" } }
          ]
        }
        """)!.AsObject();

    private static IReadOnlyList<string> ConditionalErrors(string submitted, string variables) =>
        FormValidator.Validate(Conditional, JsonNode.Parse(submitted)!.AsObject(), JsonNode.Parse(variables)!.AsObject()).Errors.Select(e => e.Field).Order().ToList();

    [Fact]
    public void ConditionalHide_AHiddenFieldIsNotRequired_AShownOneIs_EvaluatedWithFeelOverTheFormsData()
    {
        ConditionalErrors("""{"approved": true}""", """{"tage": 5}""").ShouldBeEmpty();
        ConditionalErrors("""{"approved": false}""", """{"tage": 5}""").ShouldBe(["ablehnungsgrund"]);
        ConditionalErrors("""{"approved": false, "ablehnungsgrund": "kurz"}""", """{"tage": 5}""").ShouldBe(["ablehnungsgrund"]); // shown: checked
        // The group is hidden by a variable the form shows read-only; shown, its required field is required.
        ConditionalErrors("""{"approved": true}""", """{"tage": 14}""").ShouldBe(["vertretung"]);
        ConditionalErrors("""{"approved": true, "vertretung": "max"}""", """{"tage": 14}""").ShouldBeEmpty();
    }

    [Fact]
    public void ConditionalHide_AHiddenFieldsValueIsNotTaken_AConditionThatCannotBeReadLeavesTheFieldOptional()
    {
        var (values, errors) = FormValidator.Validate(Conditional, JsonNode.Parse("""{"approved": true, "ablehnungsgrund": "egal", "notiz": "da"}""")!.AsObject(), new JsonObject { ["tage"] = 3 });
        errors.ShouldBeEmpty();
        values.ContainsKey("ablehnungsgrund").ShouldBeFalse(); // hidden: form-js does not submit it, the server does not take it
        values["notiz"]!.GetValue<string>().ShouldBe("da");
    }

    [Fact]
    public void AFormGeneratedFromCamundaFormData_IsCheckedTheSameWay()
    {
        var xml = """
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="x">
              <process id="P" isExecutable="true">
                <userTask id="T">
                  <extensionElements>
                    <camunda:formData>
                      <camunda:formField id="betrag" label="Betrag" type="long"><camunda:validation><camunda:constraint name="required" /><camunda:constraint name="max" config="100" /></camunda:validation></camunda:formField>
                      <camunda:formField id="art" label="Art" type="enum"><camunda:value id="a" name="A" /><camunda:value id="b" name="B" /></camunda:formField>
                      <camunda:formField id="ok" label="In Ordnung" type="boolean" />
                    </camunda:formData>
                  </extensionElements>
                </userTask>
              </process>
            </definitions>
            """;
        var defs = new Bpmn.Reading.BpmnReader().ReadString(xml, "f.bpmn").Definitions!;
        var schema = FormCatalog.Generated(defs.Processes.Single().Descendants().Single(e => e.Id == "T")).ShouldNotBeNull();
        FormValidator.Fields(schema).Select(f => f["type"]!.GetValue<string>()).ShouldBe(["number", "select", "checkbox"]);
        FormValidator.Validate(schema, JsonNode.Parse("""{"betrag": 101, "art": "c"}""")!.AsObject()).Errors.Select(e => e.Field).ShouldBe(["betrag", "art"]);
        FormValidator.Validate(schema, JsonNode.Parse("""{"art": "a", "ok": true}""")!.AsObject()).Errors.Single().Field.ShouldBe("betrag");
        FormValidator.Validate(schema, JsonNode.Parse("""{"betrag": 12, "art": "b", "ok": false}""")!.AsObject()).Errors.ShouldBeEmpty();
    }

    [Fact]
    public void TheFormsOfTheServiceCatalogue_AreFormJsSchemasWithGermanLabels()
    {
        var dir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../processes"));
        var forms = Directory.GetFiles(dir, "*.form", SearchOption.AllDirectories);
        forms.Length.ShouldBeGreaterThanOrEqualTo(3);
        foreach (var f in forms)
        {
            var schema = JsonNode.Parse(File.ReadAllText(f))!.AsObject();
            FormValidator.Fields(schema).ShouldNotBeEmpty(f);
            FormValidator.Fields(schema).ShouldAllBe(c => c["label"] != null);
        }
        FormCatalog.Resolve(Path.Combine(dir, "urlaubsantrag"), "egov:forms/urlaub-genehmigung").ShouldNotBeNull();
        FormCatalog.Resolve(Path.Combine(dir, "urlaubsantrag"), "egov:../../etc/passwd").ShouldBeNull();
    }
    /// <summary>form-js groups with a path: the group "antragsteller" nests its fields, the group "anschrift" inside it nests deeper; a group without path is flat.</summary>
    private static readonly JsonObject Nested = JsonNode.Parse("""
        {
          "type": "default",
          "components": [
            { "type": "textfield", "key": "betreff", "label": "Betreff", "validate": { "required": true } },
            { "type": "group", "label": "Antragsteller", "path": "antragsteller", "components": [
              { "type": "textfield", "key": "name", "label": "Name", "validate": { "required": true } },
              { "type": "textfield", "key": "kennung", "label": "Kennung", "readonly": true },
              { "type": "group", "label": "Anschrift", "path": "anschrift", "components": [
                { "type": "textfield", "key": "plz", "label": "Postleitzahl", "validate": { "pattern": "[0-9]{5}" } },
                { "type": "select", "key": "land", "label": "Land", "values": [ { "label": "Deutschland", "value": "DE" }, { "label": "Österreich", "value": "AT" } ] },
                { "type": "textfield", "key": "bundesland", "label": "Bundesland", "validate": { "required": true }, "conditional": { "hide": "=antragsteller.anschrift.land != \"DE\"" } }
              ] }
            ] },
            { "type": "group", "label": "Kontakt", "components": [ { "type": "textfield", "key": "telefon", "label": "Telefon" } ] }
          ]
        }
        """)!.AsObject();

    private static (JsonObject Values, IReadOnlyList<FieldError> Errors) CheckNested(string json, string? variables = null) =>
        FormValidator.Validate(Nested, JsonNode.Parse(json)!.AsObject(), variables is null ? null : JsonNode.Parse(variables)!.AsObject());

    [Fact]
    public void AGroupWithAPath_NestsItsFieldsValues_AGroupWithoutPathStaysFlat()
    {
        var (values, errors) = CheckNested("""
            {"betreff": "Antrag", "telefon": "0611 1",
             "antragsteller": {"name": "Erika Muster", "kennung": "geändert", "anschrift": {"plz": "64283", "land": "DE", "bundesland": "Hessen"}}}
            """);
        errors.ShouldBeEmpty();
        values.ToJsonString().ShouldBe("""{"betreff":"Antrag","antragsteller":{"name":"Erika Muster","anschrift":{"plz":"64283","land":"DE","bundesland":"Hessen"}},"telefon":"0611 1"}""");
        var fields = FormValidator.Fields(Nested);
        fields.Select(f => f["key"]!.GetValue<string>()).ShouldBe(["betreff", "antragsteller.name", "antragsteller.kennung", "antragsteller.anschrift.plz",
            "antragsteller.anschrift.land", "antragsteller.anschrift.bundesland", "telefon"]);
        FormValidator.PathOf(fields[3]).ShouldBe(["antragsteller", "anschrift", "plz"]);
        fields.ShouldAllBe(f => f["label"] != null);
    }

    [Fact]
    public void NestedFields_AreCheckedAndNamedByTheirPath_FlatKeysOfNestedFieldsAreNotTheForms()
    {
        var (values, errors) = CheckNested("""
            {"betreff": "Antrag", "name": "flach", "plz": "64283",
             "antragsteller": {"anschrift": {"plz": "6428", "land": "CH", "fremd": 1}, "fremd": 2}}
            """);
        errors.Select(e => e.Field).Order().ShouldBe(["antragsteller.anschrift.fremd", "antragsteller.anschrift.land", "antragsteller.anschrift.plz",
            "antragsteller.fremd", "antragsteller.name", "name", "plz"]);
        errors.Single(e => e.Field == "antragsteller.name").Message.ShouldBe("„Name“ ist ein Pflichtfeld.");
        errors.Single(e => e.Field == "antragsteller.anschrift.plz").Message.ShouldBe("„Postleitzahl“ hat nicht die verlangte Form.");
        errors.Single(e => e.Field == "name").Message.ShouldBe("Das Feld „name“ gehört nicht zu diesem Formular.");
        CheckNested("""{"betreff": "Antrag", "antragsteller": "Erika"}""").Errors.Select(e => e.Field).Order().ShouldBe(["antragsteller", "antragsteller.name"]);
        CheckNested("""{"betreff": "Antrag", "antragsteller": "Erika"}""").Errors.First(e => e.Field == "antragsteller").Message.ShouldContain("Gruppe");
        values.ContainsKey("plz").ShouldBeFalse();
    }

    [Fact]
    public void ConditionalHide_ReadsNestedValues_AsFormJsDoes()
    {
        // Land AT: the Bundesland is hidden (not required, not taken); land DE from the case's variables: it is required.
        var (values, errors) = CheckNested("""{"betreff": "x", "antragsteller": {"name": "E", "anschrift": {"land": "AT", "bundesland": "Tirol"}}}""");
        errors.ShouldBeEmpty();
        values["antragsteller"]!["anschrift"]!.AsObject().ContainsKey("bundesland").ShouldBeFalse();
        CheckNested("""{"betreff": "x", "antragsteller": {"name": "E"}}""", """{"antragsteller": {"anschrift": {"land": "DE"}}}""")
            .Errors.Single().Field.ShouldBe("antragsteller.anschrift.bundesland");
    }
}

using System.Text.Json.Nodes;
using EGov.Workflows.Host.Forms;

namespace EGov.Workflows.Host.Tests.Postkorb;

/// <summary>
/// What the FIM import writes beyond single fields, checked on the server: dynamic lists (a repeatable Datenfeldgruppe: a list of
/// entries, each checked, as many as its Anzahl allows) and rules across fields (<c>egov:rules</c>: FEEL checks that must hold).
/// </summary>
public sealed class FormValidatorListsAndRulesTests
{
    private static readonly JsonObject Schema = JsonNode.Parse("""
        {
          "type": "default",
          "components": [
            { "type": "dynamiclist", "label": "Kinder", "path": "kinder", "isRepeating": true, "validate": { "minItems": 1, "maxItems": 2 },
              "components": [
                { "type": "textfield", "key": "vorname", "label": "Vorname", "validate": { "required": true, "maxLength": 10 } },
                { "type": "number", "key": "alter", "label": "Alter" } ] },
            { "type": "textfield", "key": "telefon", "label": "Telefon" },
            { "type": "textfield", "key": "email", "label": "E-Mail" },
            { "type": "number", "key": "anzahl", "label": "Anzahl" },
            { "type": "checkbox", "key": "einverstanden", "label": "Einverständnis" }
          ],
          "egov:rules": [
            { "id": "R00001165", "check": "=(telefon != null and telefon != \"\") or (email != null and email != \"\") or anzahl != null",
              "fields": ["telefon", "email"], "message": "Es muss mindestens eines der Felder Telefon oder E-Mail befüllt sein." },
            { "id": "R00001166", "check": "=not(email != null and email != \"\") or einverstanden = true", "fields": ["einverstanden"],
              "message": "Wenn das Feld E-Mail befüllt wurde, dann muss das Feld Einverständnis E-Mail befüllt sein." }
          ]
        }
        """)!.AsObject();

    private static (JsonObject Values, IReadOnlyList<FieldError> Errors) Check(string json) => FormValidator.Validate(Schema, JsonNode.Parse(json)!.AsObject());

    [Fact]
    public void ADynamicList_IsAListOfEntries_EachCheckedAgainstTheListsFields()
    {
        var (values, errors) = Check("""{"kinder": [{"vorname": "Anna", "alter": 3}, {"vorname": "Ben"}], "telefon": "0611"}""");
        errors.ShouldBeEmpty();
        values["kinder"]!.AsArray().Count.ShouldBe(2);
        values["kinder"]![0]!["vorname"]!.GetValue<string>().ShouldBe("Anna");

        var wrong = Check("""{"kinder": [{"vorname": "Anna"}, {"alter": "drei", "fremd": 1}], "telefon": "0611"}""").Errors.Select(e => e.Field).Order().ToList();
        wrong.ShouldBe(["kinder[1].alter", "kinder[1].fremd", "kinder[1].vorname"]);
    }

    [Fact]
    public void ADynamicList_HoldsAsManyEntriesAsItsAnzahlAllows()
    {
        Check("""{"telefon": "0611"}""").Errors.Single().Message.ShouldContain("mindestens 1");
        Check("""{"kinder": [], "telefon": "0611"}""").Errors.Single().Field.ShouldBe("kinder");
        Check("""{"kinder": [{"vorname": "A"}, {"vorname": "B"}, {"vorname": "C"}], "telefon": "0611"}""").Errors.Single().Message.ShouldContain("höchstens 2");
        Check("""{"kinder": {"vorname": "A"}, "telefon": "0611"}""").Errors.Single().Message.ShouldContain("Liste");
        Check("""{"kinder": ["A"], "telefon": "0611"}""").Errors.Single().Field.ShouldBe("kinder[0]");
    }

    [Fact]
    public void ADynamicList_IsOneFieldOfTheForm_NamedByItsPath()
    {
        FormValidator.Fields(Schema).Select(f => f["key"]!.GetValue<string>()).ShouldBe(["kinder", "telefon", "email", "anzahl", "einverstanden"]);
    }

    [Fact]
    public void ARuleAcrossFields_MustHold_ElseItsMessageIsAnErrorOnItsFirstField()
    {
        var none = Check("""{"kinder": [{"vorname": "A"}]}""").Errors.ShouldHaveSingleItem();
        none.Field.ShouldBe("telefon");
        none.Message.ShouldBe("Es muss mindestens eines der Felder Telefon oder E-Mail befüllt sein.");
        Check("""{"kinder": [{"vorname": "A"}], "telefon": ""}""").Errors.ShouldHaveSingleItem().Field.ShouldBe("telefon");
        Check("""{"kinder": [{"vorname": "A"}], "anzahl": 5}""").Errors.ShouldBeEmpty(); // a number is filled when not null (as the import writes it)

        var consent = Check("""{"kinder": [{"vorname": "A"}], "email": "a@example.org"}""").Errors.ShouldHaveSingleItem();
        consent.Field.ShouldBe("einverstanden");
        Check("""{"kinder": [{"vorname": "A"}], "email": "a@example.org", "einverstanden": true}""").Errors.ShouldBeEmpty();
    }

    [Fact]
    public void ARuleThatCannotBeEvaluated_CountsAsNotMet()
    {
        var schema = JsonNode.Parse("""
            { "components": [ { "type": "textfield", "key": "a", "label": "A" } ],
              "egov:rules": [ { "id": "R1", "check": "=a +* 2", "fields": ["a"], "message": "Regel R1" } ] }
            """)!.AsObject();
        FormValidator.Validate(schema, JsonNode.Parse("""{"a": "x"}""")!.AsObject()).Errors.ShouldHaveSingleItem().Message.ShouldBe("Regel R1");
    }
}

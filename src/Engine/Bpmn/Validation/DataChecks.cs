using EGov.Workflows.Model.Diagnostics;
using EGov.Workflows.Model;

namespace EGov.Workflows.Bpmn.Validation;

/// <summary>
/// Data objects, stores, inputs/outputs and their associations. Item definitions only describe types, so a
/// missing one is a warning; a data association or reference to a missing element breaks data flow: an error.
/// </summary>
internal static class DataChecks
{
    private static readonly string[] RefListNames =
    [
        "dataInputRefs", "dataOutputRefs", "optionalInputRefs", "optionalOutputRefs",
        "whileExecutingInputRefs", "whileExecutingOutputRefs", "inputSetRefs", "outputSetRefs",
    ];

    public static void Run(CheckContext c)
    {
        foreach (var e in c.ModelElements())
        {
            switch (e)
            {
                case DataObjectReference r:
                    c.Require<DataObject>(r, "dataObjectRef", r.DataObjectRef, expected: "a dataObject");
                    break;
                case DataStoreReference r:
                    c.Require<DataStore>(r, "dataStoreRef", r.Attribute("dataStoreRef"), expected: "a dataStore");
                    break;
                case DataAssociation a:
                    foreach (var s in a.Elements(Namespaces.Bpmn + "sourceRef"))
                        c.Require<BaseElement>(s, $"{a.Name.LocalName} sourceRef", s.Text, expected: "a data element");
                    foreach (var t in a.Elements(Namespaces.Bpmn + "targetRef"))
                        c.Require<BaseElement>(t, $"{a.Name.LocalName} targetRef", t.Text, expected: "a data element");
                    break;
                case MultiInstanceLoopCharacteristics mi:
                    // Camunda (after Activiti) reads an unresolved loopDataInputRef as the name of a collection variable.
                    foreach (var r in mi.Elements().Where(x => x.Name.LocalName is "loopDataInputRef" or "loopDataOutputRef"))
                        c.Require<BaseElement>(r, r.Name.LocalName, r.Text, Severity.Warning, "a data element",
                            " as an element; Camunda reads it as a variable name");
                    break;
                case GenericBpmnElement g when RefListNames.Contains(g.Name.LocalName):
                    c.Require<BaseElement>(g, g.Name.LocalName, g.Text, Severity.Warning, "a data input, output or set");
                    break;
            }
            CheckItemReference(c, e);
        }
    }

    /// <summary>itemSubjectRef, structureRef and itemRef name item definitions (types): missing is a warning.</summary>
    private static void CheckItemReference(CheckContext c, BpmnElement e)
    {
        if (e is ItemDefinition) return; // its structureRef names an XSD or Java type, not an element of this file
        foreach (var name in (ReadOnlySpan<string>)["itemSubjectRef", "structureRef", "itemRef"])
        {
            if (e.Attribute(name) is { } value)
                c.Require<ItemDefinition>(e, name, value, Severity.Warning, "an itemDefinition");
        }
    }
}

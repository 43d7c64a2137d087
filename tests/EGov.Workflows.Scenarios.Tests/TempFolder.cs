namespace EGov.Workflows.Scenarios.Tests;

/// <summary>A scratch folder with a minimal model, for scenarios written inside a test.</summary>
internal sealed class TempFolder : IDisposable
{
    public const string MinimalModel = """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="http://example.org/t">
          <process id="P" isExecutable="true">
            <startEvent id="Start" />
            <userTask id="Review" />
            <endEvent id="End" />
            <serviceTask id="Check" />
            <serviceTask id="Archive" />
            <serviceTask id="Pay" camunda:type="external" camunda:topic="payment" />
            <serviceTask id="Manual" camunda:type="external" camunda:topic="other" />
            <sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
            <sequenceFlow id="F2" sourceRef="Review" targetRef="End" />
          </process>
        </definitions>
        """;

    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "egov-scenarios-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
        Write("model.bpmn", MinimalModel);
    }

    public string Path { get; }

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

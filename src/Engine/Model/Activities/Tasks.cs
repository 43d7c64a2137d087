namespace EGov.Workflows.Model;

/// <summary>An abstract task (BPMN tTask): no specific kind; runs straight through.</summary>
public class TaskElement(ElementInit init) : Activity(init);

public sealed class UserTask(ElementInit init) : TaskElement(init)
{
    public string? Implementation => Attribute("implementation");
    public IEnumerable<BpmnElement> Renderings => Elements(Namespaces.Bpmn + "rendering");
}

public sealed class ManualTask(ElementInit init) : TaskElement(init);

public sealed class ScriptTask(ElementInit init) : TaskElement(init)
{
    public string? ScriptFormat => Attribute("scriptFormat");
    public string? Script => Element(Namespaces.Bpmn + "script")?.Text;
}

/// <summary>Service, send and business-rule tasks share how they are implemented (implementation, operationRef, camunda bindings).</summary>
public abstract class ImplementedTask(ElementInit init) : TaskElement(init)
{
    public string? Implementation => Attribute("implementation");
    public string? OperationRef => QNames.LocalPart(Attribute("operationRef"));
    public bool IsExternal => CamundaAttribute("type")?.Trim() == "external";
    public string? Topic => CamundaAttribute("topic");
}

public sealed class ServiceTask(ElementInit init) : ImplementedTask(init);

public sealed class SendTask(ElementInit init) : ImplementedTask(init)
{
    public string? MessageRef => QNames.LocalPart(Attribute("messageRef"));
}

public sealed class BusinessRuleTask(ElementInit init) : ImplementedTask(init);

public sealed class ReceiveTask(ElementInit init) : TaskElement(init)
{
    public string? MessageRef => QNames.LocalPart(Attribute("messageRef"));
    public bool Instantiate => BoolAttribute("instantiate", false);
}

public sealed class CallActivity(ElementInit init) : Activity(init)
{
    public string? CalledElement => Attribute("calledElement");
}

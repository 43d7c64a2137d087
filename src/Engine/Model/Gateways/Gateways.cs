namespace EGov.Workflows.Model;

public abstract class Gateway(ElementInit init) : FlowNode(init)
{
    public string GatewayDirection => Attribute("gatewayDirection") ?? "Unspecified";
}

/// <summary>Gateways that may have a default flow.</summary>
public abstract class GatewayWithDefault(ElementInit init) : Gateway(init)
{
    public string? Default => Attribute("default");
}

public sealed class ExclusiveGateway(ElementInit init) : GatewayWithDefault(init);

public sealed class InclusiveGateway(ElementInit init) : GatewayWithDefault(init);

public sealed class ParallelGateway(ElementInit init) : Gateway(init);

public sealed class ComplexGateway(ElementInit init) : GatewayWithDefault(init)
{
    public Expression? ActivationCondition => ChildrenOf<Expression>().FirstOrDefault(e => e.Name.LocalName == "activationCondition");
}

public sealed class EventBasedGateway(ElementInit init) : Gateway(init)
{
    public bool Instantiate => BoolAttribute("instantiate", false);
    public string EventGatewayType => Attribute("eventGatewayType") ?? "Exclusive";
}

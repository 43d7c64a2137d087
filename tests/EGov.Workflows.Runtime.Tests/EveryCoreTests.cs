namespace EGov.Workflows.Runtime.Tests;

/// <summary>Many independent items on every core: the results in the items' order, and a failure reads as one after the other would.</summary>
public class EveryCoreTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(500)]
    public void TheResults_AreInTheItemsOrder(int count)
    {
        EveryCore.Map(count, i => i * i).ShouldBe(Enumerable.Range(0, count).Select(i => i * i));
    }

    [Fact]
    public void ManyItemsFailing_TheFirstItemsExceptionItselfIsThrown_NotAnAggregate()
    {
        // Items 40 and 7 fail; whichever worker gets there first, item 7's exception is the one the caller sees.
        var thrown = Should.Throw<DeploymentException>(() => EveryCore.Map(100, i =>
        {
            if (i == 40) throw new DeploymentException("item 40");
            if (i == 7)
            {
                Thread.Sleep(50);
                throw new DeploymentException("item 7");
            }
            return i;
        }));

        thrown.Message.ShouldContain("item 7");
    }
}

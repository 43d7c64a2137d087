using EGov.Workflows.Sdk;
using EGov.Workflows.Sdk.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EgovPack.Tests;

/// <summary>The activity alone: inputs in, result out (no engine, no database, no clock of the machine).</summary>
public sealed class BegruessenTests
{
    private static Begruessen Activity(string anrede = "Guten Tag") =>
        new(NullLogger<Begruessen>.Instance, Options.Create(new EgovPackOptions { Anrede = anrede }));

    [Fact]
    public async Task WithAName_GreetsWithTheConfiguredSalutation()
    {
        var result = await new ActivityTestContext().Input("name", " Erika Mustermann ").ExecuteAsync(Activity("Hallo"));

        var completed = Assert.IsType<ActivityResult.Completed>(result);
        Assert.Equal("Hallo, Erika Mustermann!", completed.Outputs["gruss"]!.GetValue<string>());
    }

    [Fact]
    public async Task WithoutAName_IsTheBpmnErrorNameFehlt()
    {
        var result = await new ActivityTestContext().Input("name", "").ExecuteAsync(Activity());

        Assert.Equal("NAME_FEHLT", Assert.IsType<ActivityResult.BusinessError>(result).ErrorCode);
    }

    [Fact]
    public void TheNameIsRequired_AsTheEngineChecksIt()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new ActivityTestContext().ContextFor(Activity()));
        Assert.Equal("activity 'egov-pack-begruessen' needs the input 'name', which is not set", e.Message);
    }
}

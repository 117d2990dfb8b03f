using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.SharedState.CircuitHost;

/// <summary><see cref="SharedCircuitHost.GetLocalHealth"/>: what this instance sends the others.</summary>
public class GetLocalHealthTests : SharedCircuitHostTestBase
{
    [Fact]
    public async Task GetLocalHealth_AfterCalls_ReportsTheWindowAndTheRunOfFailures()
    {
        var pipeline = Build(Options());
        for (var i = 0; i < 4; i++)
        {
            await pipeline.RunAsync(new Downstream());
        }

        await pipeline.RunAsync(Downstream.AlwaysFailing());
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        var health = Shared.Host.GetLocalHealth();

        Assert.Equal((4L, 2L, 0L, 2, false), (health.Successes, health.Failures, health.Slow, health.ConsecutiveFailures, health.IsCircuitOpen));
    }

    [Fact]
    public async Task GetLocalHealth_CircuitOpen_SaysSo()
    {
        var pipeline = Build(Options(consecutive: 1));
        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.True(Shared.Host.GetLocalHealth().IsCircuitOpen);
    }
}

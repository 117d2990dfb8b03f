using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>A half-open probe is never retried.</summary>
public class HalfOpenProbeTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task HalfOpenProbe_Fails_IsNotRetriedAndCircuitOpensAgain()
    {
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(1, Provider));
        var downstream = Downstream.Answering(503);
        await pipeline.RunAsync(downstream);
        Time.Advance(Breakers.Break);

        var probe = await pipeline.RunAsync(downstream);

        Assert.Equal(503, probe.Result);
        Assert.Equal(2, downstream.Calls);
        Assert.Equal(CircuitState.Open, Provider.CircuitState);
    }
}

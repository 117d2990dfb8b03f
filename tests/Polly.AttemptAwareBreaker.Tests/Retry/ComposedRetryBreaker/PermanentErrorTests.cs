using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>Errors that retrying cannot fix (an ignored 400, a permanent 501): never retried.</summary>
public class PermanentErrorTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task PermanentError400_ThousandOperations_ThousandCallsNoRetriesCircuitClosed()
    {
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(5, Provider));
        var downstream = Downstream.Answering(400);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(400, (await pipeline.RunAsync(downstream)).Result);
        }

        Assert.Equal(1000, downstream.Calls);
        Assert.Equal(CircuitState.Closed, Provider.CircuitState);
    }

    [Fact]
    public async Task PermanentFailure501_IsNotRetriedButCounted()
    {
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(5, Provider));
        var downstream = Downstream.Answering(501);

        await pipeline.RunAsync(downstream);

        Assert.Equal(1, downstream.Calls);
        Assert.Equal(1, Provider.GetSnapshot().WindowAttempts.PermanentFailures);
    }
}

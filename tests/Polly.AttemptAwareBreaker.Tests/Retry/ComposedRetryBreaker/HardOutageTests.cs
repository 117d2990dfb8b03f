using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>A downstream that fails every attempt: the circuit opens after exactly the threshold of attempts, and later operations end at once.</summary>
public class HardOutageTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task HardOutage_ThresholdFiveThreeAttempts_ExactlyFiveDownstreamCallsBeforeOpen()
    {
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(5, Provider));
        var downstream = Downstream.Answering(503);

        var first = await Time.RunAsync(pipeline.RunAsync(downstream), Step);
        var second = await Time.RunAsync(pipeline.RunAsync(downstream), Step);

        Assert.Equal(503, first.Result);
        Assert.Equal(503, second.Result);
        Assert.Equal(5, downstream.Calls);
        Assert.Equal(CircuitState.Open, Provider.CircuitState);
    }

    [Fact]
    public async Task HardOutage_OperationWhoseAttemptOpenedCircuit_EndsWithThatFailureWithoutDelay()
    {
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(5, Provider));
        var downstream = new Downstream { Behaviour = n => throw new HttpRequestException($"attempt {n}") };
        await Time.RunAsync(pipeline.RunAsync(downstream), Step);

        var second = pipeline.RunAsync(downstream);
        Time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(second.IsCompleted);
        Assert.Equal("attempt 5", (await second).Exception?.Message);
    }

    [Fact]
    public async Task HardOutage_LaterOperations_ZeroCallsZeroTimeAndRetryAfterIsTimeLeft()
    {
        var pipeline = ComposedPipelines.Build(Time, ComposedPipelines.Retry(), ComposedPipelines.Breaker(5, Provider));
        var downstream = Downstream.Answering(503);
        await Time.RunAsync(pipeline.RunAsync(downstream), Step);
        await Time.RunAsync(pipeline.RunAsync(downstream), Step);
        Time.Advance(TimeSpan.FromSeconds(2));
        var callsAtOpen = downstream.Calls;
        var before = Time.GetUtcNow();

        for (var i = 0; i < 10; i++)
        {
            var outcome = await pipeline.RunAsync(downstream);

            Assert.Equal(TimeSpan.FromSeconds(3), Assert.IsType<BrokenCircuitException>(outcome.Exception).RetryAfter);
        }

        Assert.Equal(callsAtOpen, downstream.Calls);
        Assert.Equal(before, Time.GetUtcNow());
    }
}

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>The builder extension on the non-generic builder.</summary>
public class AddAttemptAwareRetryAndCircuitBreakerTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public void AddAttemptAwareRetryAndCircuitBreaker_NonGenericSyncCallback_RetriesTransientFailures()
    {
        var calls = 0;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = Time }
            .AddAttemptAwareRetryAndCircuitBreaker(
                new AttemptAwareRetryStrategyOptions { Delay = TimeSpan.Zero },
                new AttemptAwareCircuitBreakerStrategyOptions())
            .Build();

        var result = pipeline.Execute(() => ++calls < 3 ? throw new TimeoutException() : calls);

        Assert.Equal(3, result);
    }
}

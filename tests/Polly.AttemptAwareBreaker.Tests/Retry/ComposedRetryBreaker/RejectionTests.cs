using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>A rejected operation, compared with Polly's retry outside the breaker.</summary>
public class RejectionTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task Rejection_PollyDefaultRetryOutside_WaitsThroughDelaysWhileComposedDoesNot()
    {
        var pollyProvider = new AttemptAwareCircuitBreakerStateProvider();
        var breaker = Breakers.Consecutive(1, pollyProvider);
        breaker.BreakDuration = TimeSpan.FromMinutes(1);
        var polly = new ResiliencePipelineBuilder<int> { TimeProvider = Time }
            .AddRetry(new RetryStrategyOptions<int> { MaxRetryAttempts = 3, Delay = TimeSpan.FromSeconds(1) })
            .AddAttemptAwareCircuitBreaker(breaker)
            .Build();
        var composed = ComposedPipelines.Build(Time, ComposedPipelines.Retry(maxRetries: 3), ComposedPipelines.Breaker(1, Provider));
        await Time.RunAsync(polly.RunAsync(Downstream.AlwaysFailing()), TimeSpan.FromMilliseconds(10));
        await composed.RunAsync(Downstream.AlwaysFailing());
        var start = Time.GetUtcNow();

        var composedOutcome = await composed.RunAsync(new Downstream());
        var composedWait = Time.GetUtcNow() - start;
        var pollyOutcome = await Time.RunAsync(polly.RunAsync(new Downstream()), TimeSpan.FromMilliseconds(10));
        var pollyWait = Time.GetUtcNow() - start;

        Assert.IsType<BrokenCircuitException>(composedOutcome.Exception);
        Assert.IsType<BrokenCircuitException>(pollyOutcome.Exception);
        Assert.Equal(TimeSpan.Zero, composedWait);
        Assert.Equal(TimeSpan.FromSeconds(3), pollyWait);
        Assert.Equal(7, pollyProvider.GetSnapshot().TotalRejections);
        Assert.Equal(1, Provider.GetSnapshot().TotalRejections);
    }
}

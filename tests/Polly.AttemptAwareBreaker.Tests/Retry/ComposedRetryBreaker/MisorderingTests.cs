using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Retry;

namespace Polly.AttemptAwareBreaker.Tests.Retry.ComposedRetryBreaker;

/// <summary>The composed strategy combined with other breakers and retries: which orders fail with instructions and which are allowed.</summary>
public class MisorderingTests : ComposedRetryBreakerTestBase
{
    [Fact]
    public async Task Misordering_ComposedRetryInsideStandaloneBreaker_FailsWithInstructions()
    {
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = Time }
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .AddAttemptAwareRetryAndCircuitBreaker(ComposedPipelines.Retry(), new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .Build();
        var downstream = new Downstream();

        var outcome = await pipeline.RunAsync(downstream);

        var ex = Assert.IsType<InvalidOperationException>(outcome.Exception);
        Assert.Contains("would see one outcome per operation", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Remove the separate AddAttemptAwareCircuitBreaker call", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AddAttemptAwareRetryAndCircuitBreaker(retryOptions, circuitBreakerOptions)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, downstream.Calls);
    }

    [Fact]
    public async Task Misordering_PollyRetryOutsideComposed_IsAllowed()
    {
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = Time }
            .AddRetry(new RetryStrategyOptions<int> { Delay = TimeSpan.Zero })
            .AddAttemptAwareRetryAndCircuitBreaker(ComposedPipelines.Retry(), new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .Build();

        var outcome = await pipeline.RunAsync(new Downstream());

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Misordering_StandaloneBreakerInsideComposedUnderPollyRetry_SecondOperationAttemptAllowed()
    {
        var pipeline = StandaloneInsideComposedUnderPollyRetry();
        var downstream = new Downstream
        {
            Behaviour = async n =>
            {
                await Task.Yield();
                return n == 1 ? 503 : 200;
            },
        };

        var outcome = await pipeline.RunAsync(downstream);

        Assert.Equal(200, outcome.Result);
    }

    [Fact]
    public async Task Misordering_StandaloneBreakerInsideComposedUnderPollyRetry_SynchronousCallsAlsoAllowed()
    {
        var pipeline = StandaloneInsideComposedUnderPollyRetry();

        var outcome = await pipeline.RunAsync(new Downstream { Behaviour = n => new(n == 1 ? 503 : 200) });

        Assert.Equal(200, outcome.Result);
    }

    /// <summary>Polly's retry (retrying 503s) around a composed strategy that does not retry, around a standalone breaker.</summary>
    private ResiliencePipeline<int> StandaloneInsideComposedUnderPollyRetry()
    {
        var noRetry = ComposedPipelines.Retry();
        noRetry.ShouldRetry = _ => new(false);
        return new ResiliencePipelineBuilder<int> { TimeProvider = Time }
            .AddRetry(new RetryStrategyOptions<int> { Delay = TimeSpan.Zero, ShouldHandle = args => new(args.Outcome.Result == 503) })
            .AddAttemptAwareRetryAndCircuitBreaker(noRetry, ComposedPipelines.Breaker(10))
            .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<int>())
            .Build();
    }
}

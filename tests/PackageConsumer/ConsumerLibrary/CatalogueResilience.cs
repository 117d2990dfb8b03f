using Polly;
using Polly.AttemptAwareBreaker;

namespace ConsumerLibrary;

/// <summary>The resilience a netstandard2.0 library builds with the core package.</summary>
public static class CatalogueResilience
{
    /// <summary>The composed retry and attempt-aware breaker, retrying at once.</summary>
    /// <param name="state">Reads the breaker's counts.</param>
    /// <returns>The pipeline.</returns>
    public static ResiliencePipeline<int> Build(AttemptAwareCircuitBreakerStateProvider state)
        => new ResiliencePipelineBuilder<int>()
            .AddAttemptAwareRetryAndCircuitBreaker(
                new AttemptAwareRetryStrategyOptions<int> { Delay = TimeSpan.Zero },
                new AttemptAwareCircuitBreakerStrategyOptions<int> { StateProvider = state })
            .Build();
}

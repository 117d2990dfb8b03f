using Polly.AttemptAwareBreaker.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Tests.Retry;

internal static class ComposedPipelines
{
    public static ResiliencePipeline<int> Build(
        FakeTimeProvider time,
        AttemptAwareRetryStrategyOptions<int> retry,
        AttemptAwareCircuitBreakerStrategyOptions<int> breaker)
        => new ResiliencePipelineBuilder<int> { TimeProvider = time }
            .AddAttemptAwareRetryAndCircuitBreaker(retry, breaker)
            .Build();

    public static AttemptAwareRetryStrategyOptions<int> Retry(int maxRetries = 2, double delaySeconds = 1) => new()
    {
        MaxRetryAttempts = maxRetries,
        Delay = TimeSpan.FromSeconds(delaySeconds),
    };

    public static AttemptAwareCircuitBreakerStrategyOptions<int> Breaker(int consecutive, AttemptAwareCircuitBreakerStateProvider? provider = null)
    {
        var options = Breakers.Consecutive(consecutive, provider);
        options.Classifier = Breakers.StatusClassifier;
        return options;
    }
}

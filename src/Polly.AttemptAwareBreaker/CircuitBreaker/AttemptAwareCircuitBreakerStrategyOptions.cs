namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The options of the attempt-aware circuit breaker for non-generic pipelines.
/// </summary>
public class AttemptAwareCircuitBreakerStrategyOptions : AttemptAwareCircuitBreakerStrategyOptions<object>
{
}

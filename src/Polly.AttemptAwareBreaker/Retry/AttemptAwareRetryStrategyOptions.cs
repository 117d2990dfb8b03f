namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The retry half of the composed retry + attempt-aware breaker, for non-generic pipelines.
/// </summary>
public class AttemptAwareRetryStrategyOptions : AttemptAwareRetryStrategyOptions<object>
{
}

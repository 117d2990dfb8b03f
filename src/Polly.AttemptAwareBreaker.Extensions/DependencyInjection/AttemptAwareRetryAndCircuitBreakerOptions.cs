namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The options of the composed retry and attempt-aware circuit breaker in one object, for binding from one configuration section
/// (<c>Retry:…</c> and <c>CircuitBreaker:…</c> keys).
/// </summary>
public class AttemptAwareRetryAndCircuitBreakerOptions
{
    /// <summary>Gets or sets the retry options.</summary>
    /// <value>The defaults of <see cref="AttemptAwareRetryStrategyOptions"/>.</value>
    public AttemptAwareRetryStrategyOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the circuit breaker options.</summary>
    /// <value>The defaults of <see cref="AttemptAwareCircuitBreakerStrategyOptions"/>.</value>
    public AttemptAwareCircuitBreakerStrategyOptions CircuitBreaker { get; set; } = new();
}
